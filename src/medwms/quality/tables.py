"""Acceptance inspections (验收): one per received lot, signed when concluded."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medwms.auth.guard import in_warehouse
from medwms.core.db import Base, UTCDateTime


class InspectionStatus(StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"


class Conclusion(StrEnum):
    ACCEPT = "ACCEPT"
    REJECT = "REJECT"
    PARTIAL = "PARTIAL"


class Inspection(Base):
    """The acceptance record of one lot (or a lot-less item) of one receipt."""

    __tablename__ = "inspection"
    __table_args__ = (UniqueConstraint("receipt_no", "item_id", "lot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_no: Mapped[str] = mapped_column(String(40), unique=True)
    # The receipt's number, as the ledger's RECEIVE movements carry it (doc_no): quality
    # learns what arrived from the ledger, not from the receiving feature.
    receipt_no: Mapped[str] = mapped_column(String(40), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=InspectionStatus.PENDING)
    quantity_received: Mapped[int] = mapped_column(Integer, default=0)
    sample_size: Mapped[int] = mapped_column(Integer, default=0)
    packaging_ok: Mapped[bool | None] = mapped_column(Boolean)
    label_ok: Mapped[bool | None] = mapped_column(Boolean)
    certificate_ok: Mapped[bool | None] = mapped_column(Boolean)
    temperature_ok: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")
    conclusion: Mapped[str | None] = mapped_column(String(10))
    accepted_qty: Mapped[int] = mapped_column(Integer, default=0)
    rejected_qty: Mapped[int] = mapped_column(Integer, default=0)
    reject_reason: Mapped[str] = mapped_column(String(300), default="")
    disposition: Mapped[str] = mapped_column(String(100), default="")
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signature_meaning: Mapped[str] = mapped_column(String(40), default="")
    signature_audit_id: Mapped[int | None] = mapped_column(Integer)
    record_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
in_warehouse(Inspection.warehouse_id)


# --- expiry: holds on doubt, quality decisions, destruction records, in-stock checks ---


class HoldStatus(StrEnum):
    OPEN = "OPEN"
    DECIDED = "DECIDED"


class QualityHold(Base):
    """A quality doubt about a lot or serial (at one location or everywhere): its stock put
    on HOLD, and the QA decision that ends it, signed."""

    __tablename__ = "quality_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    hold_no: Mapped[str] = mapped_column(String(40), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    check_no: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=HoldStatus.OPEN, index=True)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_note: Mapped[str] = mapped_column(String(300), default="")
    red_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signature_audit_id: Mapped[int | None] = mapped_column(Integer)


class Destruction(Base):
    """A destruction record: what, how much, how, where, the day, and two signatures."""

    __tablename__ = "destruction"

    id: Mapped[int] = mapped_column(primary_key=True)
    destruction_no: Mapped[str] = mapped_column(String(40), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(300), default="")
    hold_no: Mapped[str] = mapped_column(String(40), default="")
    destroyed_on: Mapped[date] = mapped_column(Date)
    operator_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    operator_audit_id: Mapped[int] = mapped_column(Integer)
    witness_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    witness_audit_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ZoneCheckPlan(Base):
    """How often a zone's stock is checked (养护), in days; a zone without one uses the
    default the door passes in."""

    __tablename__ = "zone_check_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    every_days: Mapped[int] = mapped_column(Integer)


class StockCheck(Base):
    """One in-stock maintenance check (养护) of a zone, with its findings."""

    __tablename__ = "stock_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_no: Mapped[str] = mapped_column(String(40), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    storage_ok: Mapped[bool] = mapped_column(Boolean)
    conditions_ok: Mapped[bool] = mapped_column(Boolean)
    monitoring_ok: Mapped[bool] = mapped_column(Boolean)
    stock_ok: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")
    checked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    checked_on: Mapped[date] = mapped_column(Date)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())


in_warehouse(QualityHold.warehouse_id)
in_warehouse(Destruction.warehouse_id)
in_warehouse(ZoneCheckPlan.warehouse_id)
in_warehouse(StockCheck.warehouse_id)
