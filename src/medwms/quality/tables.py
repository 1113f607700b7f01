"""Acceptance inspections (验收): one per received lot, signed when concluded."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
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
