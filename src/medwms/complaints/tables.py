"""Complaint and adverse-event reports, and the lots and serials each names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medwms.core.db import Base, UTCDateTime


class Complaint(Base):
    """One report: a customer complaint or a suspected adverse event, from logging to closing.

    Person and time columns are filled from the session and the server clock, never typed."""

    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_no: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # COMPLAINT, ADVERSE_EVENT
    severity: Mapped[str | None] = mapped_column(String(12))  # SERIOUS, NOT_SERIOUS
    status: Mapped[str] = mapped_column(String(16), index=True)  # OPEN, INVESTIGATING, CLOSED
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    cause: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    registrant_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registrant_told_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    registrant_channel: Mapped[str | None] = mapped_column(String(12))
    supplier_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    supplier_told_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    supplier_channel: Mapped[str | None] = mapped_column(String(12))
    regulator_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    regulator_reported_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    regulator_channel: Mapped[str | None] = mapped_column(String(12))
    regulator_reference: Mapped[str] = mapped_column(String(200), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ComplaintUnit(Base):
    """A lot or a serial a report names (of the report's item), with the scan it came from."""

    __tablename__ = "complaint_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"), index=True)
    raw_scan: Mapped[str] = mapped_column(String(300), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
