"""Master data tables: items, packaging levels (GTINs), partners, owners, warehouses."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from medwms.auth.guard import in_warehouse
from medwms.core.db import Base, UTCDateTime


class Tracking(StrEnum):
    LOT = "LOT"
    SERIAL = "SERIAL"
    LOT_SERIAL = "LOT_SERIAL"


class RiskClass(StrEnum):
    I = "I"  # noqa: E741
    II = "II"
    III = "III"


class PartnerKind(StrEnum):
    SUPPLIER = "SUPPLIER"
    CUSTOMER = "CUSTOMER"
    DEPARTMENT = "DEPARTMENT"
    CARRIER = "CARRIER"  # 物流承运商: a transport company named on shipments


class LicenceKind(StrEnum):
    """What a partner's licence is (optional)."""

    TRADING = "TRADING"  # 医疗器械经营许可证 (class III)
    TRADING_FILING = "TRADING_FILING"  # 医疗器械经营备案凭证 (class II)
    MANUFACTURING = "MANUFACTURING"  # 医疗器械生产许可证
    MEDICAL_PRACTICE = "MEDICAL_PRACTICE"  # 医疗机构执业许可证


class ZoneKind(StrEnum):
    RECEIVING = "RECEIVING"
    QUARANTINE = "QUARANTINE"
    STORAGE = "STORAGE"
    REJECTED = "REJECTED"
    RETURNS = "RETURNS"
    SHIPPING = "SHIPPING"


def prefix_index(name: str, column: str) -> Index:
    """An index that serves `column LIKE 'text%'` on PostgreSQL whatever the database's
    collation (varchar_pattern_ops: its LIKE uses a plain index only under the C collation);
    on SQLite a plain index, which its GLOB prefix uses. The list pages' search."""
    return Index(name, column, postgresql_ops={column: "varchar_pattern_ops"})


class Item(Base):
    """A device product: what a GTIN means, how it is tracked and stored."""

    __tablename__ = "item"
    __table_args__ = (Index("ix_item_active_code", "active", "code"),
                      prefix_index("ix_item_code_prefix", "code"),
                      prefix_index("ix_item_name_zh", "name_zh"),
                      prefix_index("ix_item_name_en", "name_en"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    manufacturer: Mapped[str] = mapped_column(String(200), default="")
    registration_no: Mapped[str] = mapped_column(String(100), default="")
    registration_expiry: Mapped[date | None] = mapped_column(Date)
    risk_class: Mapped[str] = mapped_column(String(3), default=RiskClass.II)
    tracking: Mapped[str] = mapped_column(String(12), default=Tracking.LOT)
    temp_min: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    temp_max: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    humidity_max: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    min_remaining_days: Mapped[int] = mapped_column(Integer, default=0)
    # Near-expiry warning days of this product (G19); None follows the site-wide setting.
    near_expiry_days: Mapped[int | None] = mapped_column(Integer)
    implant: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Packaging(Base):
    """A packaging level: one GTIN (UDI-DI) = `quantity` base units of one item."""

    __tablename__ = "packaging"

    id: Mapped[int] = mapped_column(primary_key=True)
    gtin: Mapped[str] = mapped_column(String(14), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    level: Mapped[str] = mapped_column(String(20), default="unit")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    # Out of use: kept (stock and history name it) but no new stock is received under it.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Owner(Base):
    """The company whose goods stock are: our own (SELF) or a 3PL principal."""

    __tablename__ = "owner"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Partner(Base):
    """A supplier, customer (hospital, distributor), clinical department or carrier."""

    __tablename__ = "partner"
    __table_args__ = (Index("ix_partner_active_code", "active", "code"),
                      Index("ix_partner_kind_code", "kind", "code"),
                      prefix_index("ix_partner_code_prefix", "code"),
                      prefix_index("ix_partner_name", "name"),
                      prefix_index("ix_partner_name_en", "name_en"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    licence_no: Mapped[str] = mapped_column(String(100), default="")
    licence_expiry: Mapped[date | None] = mapped_column(Date)
    licence_kind: Mapped[str | None] = mapped_column(String(20))
    licence_scope: Mapped[str] = mapped_column(String(500), default="", server_default="")
    min_remaining_days: Mapped[int] = mapped_column(Integer, default=0)
    address: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Warehouse(Base):
    __tablename__ = "warehouse"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    gln: Mapped[str | None] = mapped_column(String(13))
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Shanghai")
    # GSP: the person who received a lot may not release it (on by default).
    separate_release: Mapped[bool] = mapped_column(Boolean, default=True,
                                                   server_default=true())


class Zone(Base):
    __tablename__ = "zone"
    __table_args__ = (UniqueConstraint("warehouse_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(12))
    temp_min: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    temp_max: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))


class Location(Base):
    """A place stock can be: a bin, a shelf level, a floor spot, a staging lane."""

    __tablename__ = "location"
    __table_args__ = (Index("ix_location_warehouse_code", "warehouse_id", "code"),
                      Index("ix_location_zone_code", "zone_id", "code"),
                      Index("ix_location_blocked_code", "blocked", "code"),
                      prefix_index("ix_location_code_prefix", "code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    barcode: Mapped[str] = mapped_column(String(80), unique=True)
    aisle: Mapped[str] = mapped_column(String(10), default="")
    bay: Mapped[str] = mapped_column(String(10), default="")
    level: Mapped[str] = mapped_column(String(10), default="")
    x: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(0))
    y: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(0))
    pick_seq: Mapped[int] = mapped_column(Integer, default=0)
    capacity: Mapped[int | None] = mapped_column(Integer)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
in_warehouse(Zone.warehouse_id)
in_warehouse(Location.warehouse_id)
