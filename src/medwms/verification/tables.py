"""The outbound review (复核): verifications and their lines (re-scans, discrepancies)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medwms.auth.guard import placed_through
from medwms.core.db import Base, UTCDateTime
from medwms.orders.tables import OutboundOrder


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
    # The review checklist (G26) of a re-scanned unit, answered with the scan (None on lines
    # no unit was reviewed for: MISSING, EXTRA), and the unit's UDI as scanned.
    packaging_ok: Mapped[bool | None] = mapped_column(Boolean)
    label_ok: Mapped[bool | None] = mapped_column(Boolean)
    not_expired: Mapped[bool | None] = mapped_column(Boolean)
    no_anomaly: Mapped[bool | None] = mapped_column(Boolean)
    check_note: Mapped[str] = mapped_column(String(300), default="")
    udi: Mapped[str] = mapped_column(String(120), default="")


class ReviewBlock(Base):
    """A quality task raised by a "no" on the review checklist: the order may not ship
    while it is OPEN; quality clears it with a written decision."""

    __tablename__ = "review_block"

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_id: Mapped[int] = mapped_column(ForeignKey("verification.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("outbound_order.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("verification_line.id"))
    failed: Mapped[str] = mapped_column(String(80))  # the conditions answered "no", comma-joined
    note: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="OPEN")  # OPEN, CLEARED
    raised_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleared_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str] = mapped_column(String(300), default="")


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
placed_through(Verification.order_id, OutboundOrder)
placed_through(ReviewBlock.order_id, OutboundOrder)
