"""Outbound orders (出库单), their lines, allocations and the waves that group them.

Picks are in medwms.picking.tables, verifications (复核) in medwms.verification.tables.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medwms.auth.guard import in_warehouse
from medwms.core.db import Base, UTCDateTime


class OrderKind(StrEnum):
    SALE = "SALE"            # to a customer (hospital, distributor)
    DEPARTMENT = "DEPARTMENT"  # issue to a clinical department
    TRANSFER = "TRANSFER"    # to another of our warehouses


class OrderStatus(StrEnum):
    OPEN = "OPEN"
    ALLOCATED = "ALLOCATED"
    PARTIAL = "PARTIAL"
    PICKING = "PICKING"
    PICKED = "PICKED"
    VERIFIED = "VERIFIED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"


class AllocationStatus(StrEnum):
    OPEN = "OPEN"            # reserved, not yet picked
    PICKED = "PICKED"
    CANCELLED = "CANCELLED"


class OutboundOrder(Base):
    __tablename__ = "outbound_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default=OrderKind.SALE)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    consignee_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    to_warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouse.id"))
    reference: Mapped[str] = mapped_column(String(60), default="")
    salesperson: Mapped[str] = mapped_column(String(40), default="", server_default="")
    requested_ship_date: Mapped[date | None] = mapped_column(Date)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=OrderStatus.OPEN)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # No longer kept: a pick sums the order's OPEN allocations (medwms.picking.progress); the column
    # stays (NULL once allocations change) until a migration drops it.
    open_qty: Mapped[int | None] = mapped_column(Integer)


class OrderLine(Base):
    __tablename__ = "order_line"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("outbound_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[int] = mapped_column(Integer)  # base units
    lot_no: Mapped[str | None] = mapped_column(String(20))      # required lot, if any
    serial: Mapped[str | None] = mapped_column(String(20))      # required serial, if any
    allocated_qty: Mapped[int] = mapped_column(Integer, default=0)
    picked_qty: Mapped[int] = mapped_column(Integer, default=0)
    backorder_qty: Mapped[int] = mapped_column(Integer, default=0)
    backorder_reason: Mapped[str] = mapped_column(String(300), default="")
    explanation: Mapped[str] = mapped_column(Text, default="")  # JSON: lots taken / passed over


class Allocation(Base):
    """A reservation of units of one stock key for one order line (status stays AVAILABLE).

    It names the stock key's parts rather than a stock row id, because balance rows come
    and go as stock moves; reserved = sum of OPEN allocations of a key.
    """

    __tablename__ = "allocation"
    __table_args__ = (
        Index("ix_allocation_key", "item_id", "lot_id", "location_id", "status"),
        # what a wave picks at one location, without reading the rest of the wave
        Index("ix_allocation_wave_location", "wave_id", "location_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), index=True)
    # indexed by ix_allocation_wave_location (wave first), which serves wave look-ups too
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    hu_id: Mapped[int | None] = mapped_column(ForeignKey("handling_unit.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    picked_qty: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default=AllocationStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Wave(Base):
    __tablename__ = "wave"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_no: Mapped[str] = mapped_column(String(40), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(12), default="OPEN")
    staging_location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    route: Mapped[str] = mapped_column(Text, default="")  # JSON list of location codes
    route_length: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    plain_length: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # Units of OPEN allocations still to pick, kept by each pick; NULL: count them afresh
    # (a new wave, or one whose allocations were cancelled since).
    open_qty: Mapped[int | None] = mapped_column(Integer)


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
in_warehouse(OutboundOrder.warehouse_id, OutboundOrder.to_warehouse_id)
in_warehouse(Wave.warehouse_id)
