"""Recall cases (real and mock), the units they block and the consignees they notify."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medwms.core.db import Base, UTCDateTime


class RecallCase(Base):
    __tablename__ = "recall_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    recall_no: Mapped[str] = mapped_column(String(40), unique=True)
    mock: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text)
    risk_class: Mapped[str] = mapped_column(String(3))  # I, II, III (一级/二级/三级)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    scope: Mapped[str] = mapped_column(Text)  # JSON: gtin, lots, serials, expiry/production ranges
    status: Mapped[str] = mapped_column(String(10), default="OPEN")  # OPEN, CLOSED
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    consignees_listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_ms: Mapped[int | None] = mapped_column(Integer)
    blocked_units: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closing_report: Mapped[str] = mapped_column(Text, default="")
    signature_audit_id: Mapped[int | None] = mapped_column(BigInteger)


class RecallConsignee(Base):
    """One consignee of a recall: what they received, and what they report back."""

    __tablename__ = "recall_consignee"

    id: Mapped[int] = mapped_column(primary_key=True)
    recall_id: Mapped[int] = mapped_column(ForeignKey("recall_case.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    shipped_qty: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[str] = mapped_column(Text, default="")  # JSON: lots, serials, quantities
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_qty: Mapped[int] = mapped_column(Integer, default=0)
    destroyed_qty: Mapped[int] = mapped_column(Integer, default=0)
    used_qty: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class RecallNotice(Base):
    """One notice of a recall sent to a consignee: by which channel, to whom, when, by whom."""

    __tablename__ = "recall_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    recall_id: Mapped[int] = mapped_column(ForeignKey("recall_case.id"), index=True)
    consignee_id: Mapped[int] = mapped_column(ForeignKey("recall_consignee.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # PHONE, EMAIL, FAX, LETTER, IN_PERSON
    recipient: Mapped[str] = mapped_column(String(200))  # the person and their contact
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
