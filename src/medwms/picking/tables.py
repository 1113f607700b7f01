"""Outbound orders (出库单), allocations, waves, picks and verification (复核)."""

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

from medwms.auth.guard import in_warehouse, placed_through
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
    requested_ship_date: Mapped[date | None] = mapped_column(Date)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=OrderStatus.OPEN)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # No longer kept: a pick sums the order's OPEN allocations (pick_progress); the column
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


class Pick(Base):
    """One confirmed pick scan: units moved from a location to the wave's staging."""

    __tablename__ = "pick"
    __table_args__ = (UniqueConstraint("wave_id", "scan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id"))
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), index=True)
    scan_id: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(String(300))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    from_location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    swapped_from_lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    # another serial of the allocated lot picked in place of the allocated serial
    swapped_from_serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    picked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    picked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Verification(Base):
    """The outbound review (复核) of a wave or order by a second person: the GSP record."""

    __tablename__ = "verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_no: Mapped[str] = mapped_column(String(40), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("outbound_order.id"), index=True)
    verifier_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    status: Mapped[str] = mapped_column(String(10), default="OPEN")  # OPEN, BLOCKED, PASSED
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VerificationLine(Base):
    """One re-scan, or one discrepancy found and how it was resolved."""

    __tablename__ = "verification_line"
    __table_args__ = (UniqueConstraint("verification_id", "scan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_id: Mapped[int] = mapped_column(ForeignKey("verification.id"), index=True)
    scan_id: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(String(300), default="")
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    discrepancy: Mapped[str] = mapped_column(String(20), default="")  # MISSING, EXTRA, WRONG_LOT…
    resolution: Mapped[str] = mapped_column(String(300), default="")
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
in_warehouse(OutboundOrder.warehouse_id, OutboundOrder.to_warehouse_id)
in_warehouse(Wave.warehouse_id)
placed_through(Pick.wave_id, Wave)
placed_through(Verification.order_id, OutboundOrder)
