"""Ledger tables: lots, serial units, handling units, the `movement` log and `stock` balances.

`movement` is append-only; `stock` is written only by `ledger.service.post()` in the same
transaction. A movement is inserted unsealed (`seq`, `prev_hash`, `hash` empty); the sealer
(`ledger.sealer`) later gives it its place in its warehouse's chain (`chain_head`
"wh:<warehouse id>") and the hash linking it to the row before.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from medwms.auth.guard import in_warehouse
from medwms.core.db import Base, UTCDateTime

# SQLite wants INTEGER PRIMARY KEY for auto-increment; PostgreSQL gets BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Status(StrEnum):
    """Stock status, a value on the stock row. GSP colours: green, yellow, red."""

    QUARANTINE = "QUARANTINE"
    AVAILABLE = "AVAILABLE"
    REJECTED = "REJECTED"
    HOLD = "HOLD"
    RECALLED = "RECALLED"
    EXPIRED = "EXPIRED"
    IN_TRANSIT = "IN_TRANSIT"


COLOURS: dict[str, str] = {
    Status.AVAILABLE: "green",
    Status.QUARANTINE: "yellow",
    Status.HOLD: "yellow",
    Status.IN_TRANSIT: "yellow",
    Status.REJECTED: "red",
    Status.RECALLED: "red",
    Status.EXPIRED: "red",
}


class MovementKind(StrEnum):
    RECEIVE = "RECEIVE"
    PUTAWAY = "PUTAWAY"
    MOVE = "MOVE"
    PICK = "PICK"
    SHIP = "SHIP"
    ADJUST = "ADJUST"
    COUNT = "COUNT"
    STATUS = "STATUS"
    TRANSFER_OUT = "TRANSFER_OUT"
    TRANSFER_IN = "TRANSFER_IN"
    RETURN = "RETURN"
    SCRAP = "SCRAP"


class Lot(Base):
    """A lot is (item, lot number): two manufacturers may share a lot text."""

    __tablename__ = "lot"
    __table_args__ = (UniqueConstraint("item_id", "lot_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_no: Mapped[str] = mapped_column(String(20))
    expiry: Mapped[date | None] = mapped_column(Date, index=True)
    production_date: Mapped[date | None] = mapped_column(Date)


class SerialUnit(Base):
    """A serialised unit is (item, serial)."""

    __tablename__ = "serial_unit"
    __table_args__ = (UniqueConstraint("item_id", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    serial: Mapped[str] = mapped_column(String(20))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))


class HandlingUnit(Base):
    """A pallet, carton or tote identified by an SSCC."""

    __tablename__ = "handling_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    sscc: Mapped[str] = mapped_column(String(18), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Stock(Base):
    """The balance of one stock key; `key` is the unique text form of the whole key."""

    __tablename__ = "stock"
    __table_args__ = (
        Index("ix_stock_item_status", "item_id", "status"),
        Index("ix_stock_location", "location_id"),
        Index("ix_stock_lot", "lot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    status: Mapped[str] = mapped_column(String(12))
    hu_id: Mapped[int | None] = mapped_column(ForeignKey("handling_unit.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Movement(Base):
    """One change of stock: `quantity` units leave the from-side and enter the to-side."""

    __tablename__ = "movement"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "seq"),
        # A lot's history in time order (the trace): one index range, no sort.
        Index("ix_movement_lot_time", "lot_id", "created_at", "id"),
        Index("ix_movement_serial", "serial_id"),
        Index("ix_movement_document", "doc_type", "doc_no"),
        Index("ix_movement_from_location", "from_location_id"),
        Index("ix_movement_to_location", "to_location_id"),
        # What the sealer reads: the unsealed rows, oldest first. Stays tiny (rows are sealed
        # within a second), so it costs the commands almost nothing to maintain.
        Index("ix_movement_unsealed", "id", sqlite_where=text("seq IS NULL"),
              postgresql_where=text("seq IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    seq: Mapped[int | None] = mapped_column(BigInteger)  # None until sealed
    kind: Mapped[str] = mapped_column(String(14))
    doc_type: Mapped[str] = mapped_column(String(20), default="")
    doc_no: Mapped[str] = mapped_column(String(40), default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    from_hu_id: Mapped[int | None] = mapped_column(ForeignKey("handling_unit.id"))
    to_hu_id: Mapped[int | None] = mapped_column(ForeignKey("handling_unit.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    # The other party: the supplier of a receipt, the consignee of a shipment.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # When the server wrote the row (created_at is when it happened, which a command may give):
    # the age of an unsealed row is counted from here. Not covered by the hash.
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class VerifyRun(Base):
    """One run of `verify` (from the CLI or the verification page): who ran it, when, what it
    counted and the problems it found. Not part of any chain: the chains are what it checks.
    """

    __tablename__ = "verify_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    actor_name: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(10))  # "web" or "cli"
    ok: Mapped[bool] = mapped_column(Boolean)
    balances: Mapped[int] = mapped_column(BigInteger)
    movements: Mapped[int] = mapped_column(BigInteger)
    audit_records: Mapped[int] = mapped_column(BigInteger)
    checkpoints: Mapped[int] = mapped_column(BigInteger)
    unsealed_movements: Mapped[int] = mapped_column(BigInteger)
    unsealed_audit_records: Mapped[int] = mapped_column(BigInteger)
    oldest_unsealed_ms: Mapped[int] = mapped_column(BigInteger)
    problems: Mapped[str] = mapped_column(Text, default="")  # JSON list of texts, first first
    notes: Mapped[str] = mapped_column(Text, default="")  # JSON list of texts


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
in_warehouse(HandlingUnit.warehouse_id)
in_warehouse(Stock.warehouse_id)
in_warehouse(Movement.warehouse_id)
