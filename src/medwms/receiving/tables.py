"""Advance shipping notices (到货通知), receipts and the scans that received units."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
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


class NoticeStatus(StrEnum):
    OPEN = "OPEN"
    RECEIVING = "RECEIVING"
    CLOSED = "CLOSED"


class ReceiptStatus(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class AdvanceNotice(Base):
    """A supplier's notice of what is coming: lines of GTIN, lot, expiry, quantity."""

    __tablename__ = "advance_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_no: Mapped[str] = mapped_column(String(40), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    po_no: Mapped[str] = mapped_column(String(40), default="")
    expected_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=NoticeStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class AdvanceNoticeLine(Base):
    __tablename__ = "advance_notice_line"
    __table_args__ = (
        UniqueConstraint("notice_id", "line_no"),
        # a scan finds what the notice expects of its item and lot without reading the rest
        Index("ix_advance_notice_line_item", "notice_id", "item_id", "lot_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("advance_notice.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    gtin: Mapped[str] = mapped_column(String(14))
    lot_no: Mapped[str | None] = mapped_column(String(20))
    expiry: Mapped[date | None] = mapped_column(Date)
    production_date: Mapped[date | None] = mapped_column(Date)
    serials: Mapped[str] = mapped_column(Text, default="")  # newline-separated
    quantity: Mapped[int] = mapped_column(Integer)  # base units


class Receipt(Base):
    """One arrival being received: against a notice, or a purchase-order number alone."""

    __tablename__ = "receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("advance_notice.id"))
    po_no: Mapped[str] = mapped_column(String(40), default="")
    supplier_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))  # receiving dock
    status: Mapped[str] = mapped_column(String(10), default=ReceiptStatus.OPEN)
    transport_mode: Mapped[str] = mapped_column(String(40), default="")
    arrival_temp: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    logger_id: Mapped[str] = mapped_column(String(60), default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    discrepancies: Mapped[str] = mapped_column(Text, default="")  # JSON, written at close


class ReceiptLine(Base):
    """One accepted scan: the units it received, posted as QUARANTINE at the dock.

    `scan_id` is made by the station page, so a scan resubmitted after a network drop
    is found here and applied once.

    Each line carries the running totals as they stood after it (the way a ledger row
    carries its balance), so the next scan reads one line per total instead of summing
    the receipt: `line_no` and `receipt_quantity` for the receipt, `tally` for the units
    of its item counted under `tally_key` — `=<lot>` for a lot ("=" without a lot), or
    `*` for the notice's any-lot bucket of the item (see `rules.tally_of`).
    """

    __tablename__ = "receipt_line"
    __table_args__ = (
        UniqueConstraint("receipt_id", "scan_id"),
        UniqueConstraint("receipt_id", "line_no"),
        Index("ix_receipt_line_tally", "receipt_id", "item_id", "tally_key", "line_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id"), index=True)
    scan_id: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(String(300))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    packaging_id: Mapped[int] = mapped_column(ForeignKey("packaging.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    hold_reason: Mapped[str] = mapped_column(String(300), default="")
    over_notice: Mapped[bool] = mapped_column(default=False)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    scanned_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    line_no: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the receipt
    receipt_quantity: Mapped[int] = mapped_column(Integer)  # base units, lines 1…line_no
    tally_key: Mapped[str] = mapped_column(String(24))
    tally: Mapped[int] = mapped_column(Integer)  # base units of item + tally_key so far


class ReceiptHandover(Base):
    """The handover at the dock (交接): who delivered, who received, both signatures.

    The deliverer signs by drawing on the handheld (a PNG) or on the paper delivery note (a
    scan): `deliverer_attachment_id` is that kept file. The receiver signs electronically:
    `receiver_signature_id` is the audit record carrying the re-authenticated signature.
    One row per receipt; it is never changed.
    """

    __tablename__ = "receipt_handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id"), unique=True)
    deliverer_name: Mapped[str] = mapped_column(String(80))
    deliverer_method: Mapped[str] = mapped_column(String(10))  # DRAWN, PAPER
    deliverer_attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    receiver_signature_id: Mapped[int] = mapped_column(BigInteger)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
in_warehouse(AdvanceNotice.warehouse_id)
in_warehouse(Receipt.warehouse_id)
