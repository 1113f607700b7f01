"""Bulk ledger loading: movements appended to each warehouse's hash chain exactly as
`ledger.service.post()` links them, balances kept in memory, rows written in batches
(SQLite: DBAPI executemany; PostgreSQL: COPY), then the stock rows and chain heads.

The writer refuses a movement that would drive a balance below zero, so what it writes
is what the services could have written: `ledger.verify.verify` passes on the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, text

from medwms.core.db import Database, driver_time
from medwms.core.hashchain import GENESIS, link_values
from medwms.ledger.rules import StockKey
from medwms.ledger.service import HASHED, chain_name

BATCH = 20_000
COLUMNS = (*HASHED, "prev_hash", "hash")


@dataclass(frozen=True)
class Move:
    """One movement line as a flow makes it (the writer adds warehouse, seq and hashes)."""

    kind: str
    owner_id: int
    item_id: int
    quantity: int
    lot_id: int | None = None
    serial_id: int | None = None
    from_location_id: int | None = None
    to_location_id: int | None = None
    from_status: str | None = None
    to_status: str | None = None
    partner_id: int | None = None
    reason: str = ""


class LedgerWriter:
    """Appends documents to the chains; `flush()` writes; `finish()` writes stock and heads."""

    def __init__(self, db: Database, warehouse_of: dict[int, int],
                 before_flush: Callable[[Any], None] | None = None) -> None:
        self.db = db
        self.warehouse_of = warehouse_of
        self.heads: dict[int, tuple[int, str]] = {}
        self.balances: dict[tuple[Any, ...], int] = {}
        self.pending: list[tuple[Any, ...]] = []
        self.written = 0
        self.before_flush = before_flush
        self.sqlite = db.dialect == "sqlite"

    def stored(self, at: datetime) -> Any:
        """A time as this database's raw insert takes it (SQLite: UTC text as SQLAlchemy's)."""
        return driver_time("sqlite" if self.sqlite else "postgresql", at)

    def post(self, doc_type: str, doc_no: str, lines: Sequence[Move], at: datetime) -> None:
        """Append one document's lines (all at time `at`, which must be aware UTC)."""
        stamp = self.stored(at)
        for line in lines:
            self._balance(line)
            self.pending.append(self._row(doc_type, doc_no, line, at, stamp))
        if len(self.pending) >= BATCH:
            self.flush()

    def quantity(self, key: tuple[Any, ...]) -> int:
        """The current balance of a stock key tuple (owner, item, lot, serial, loc, status)."""
        return self.balances.get(key, 0)

    def _balance(self, line: Move) -> None:
        common = (line.owner_id, line.item_id, line.lot_id, line.serial_id)
        if line.from_location_id is not None:
            key = (*common, line.from_location_id, line.from_status)
            left = self.balances.get(key, 0) - line.quantity
            if left < 0:
                raise ValueError(f"generated movement would make {key} negative")
            if left:
                self.balances[key] = left
            else:
                del self.balances[key]
        if line.to_location_id is not None:
            key = (*common, line.to_location_id, line.to_status)
            self.balances[key] = self.balances.get(key, 0) + line.quantity

    def _row(self, doc_type: str, doc_no: str, line: Move, at: datetime,
             stamp: Any) -> tuple[Any, ...]:
        warehouse = self.warehouse_of[line.from_location_id or line.to_location_id or 0]
        seq, previous = self.heads.get(warehouse, (0, GENESIS))
        values = [warehouse, seq + 1, line.kind, doc_type, doc_no, line.owner_id,
                  line.item_id, line.lot_id, line.serial_id, line.from_location_id,
                  line.to_location_id, line.from_status, line.to_status, None, None,
                  line.quantity, line.partner_id, None, line.reason, at]
        digest = link_values(previous, values)
        self.heads[warehouse] = (seq + 1, digest)
        values[-1] = stamp
        return (*values, previous, digest)

    def flush(self) -> None:
        """Write the pending movement rows (and whatever `before_flush` writes first)."""
        rows, self.pending = self.pending, []
        with loading(self.db) as raw:
            if self.before_flush is not None:
                self.before_flush(raw)
            if rows:
                bulk_insert(raw, "movement", COLUMNS, rows)
        self.written += len(rows)

    def finish(self, now: datetime) -> None:
        """Flush, then write every non-zero balance as a stock row and every chain head."""
        self.flush()
        stock = [self._stock_row(key, quantity, now) for key, quantity in
                 sorted(self.balances.items(), key=lambda kv: _sort_key(kv[0]))]
        columns = ("key", "warehouse_id", "owner_id", "item_id", "lot_id", "serial_id",
                   "location_id", "status", "hu_id", "quantity", "updated_at")
        heads = [(chain_name(wh), seq, digest) for wh, (seq, digest) in self.heads.items()]
        with loading(self.db) as raw:
            for start in range(0, len(stock), BATCH):
                bulk_insert(raw, "stock", columns, stock[start:start + BATCH])
            bulk_insert(raw, "chain_head", ("chain", "seq", "hash"), heads)

    def _stock_row(self, key: tuple[Any, ...], quantity: int, now: datetime) -> tuple[Any, ...]:
        owner, item, lot, serial, location, status = key
        text_key = StockKey(owner, item, lot, serial, location, status, None).text
        return (text_key, self.warehouse_of[location], owner, item, lot, serial, location,
                status, None, quantity, self.stored(now))


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return (*(-1 if v is None else v for v in key[:5]), key[5])


@contextmanager
def loading(db: Database) -> Iterator[Any]:
    """A raw DBAPI connection in one transaction, with foreign-key checks off for the load.

    The rows are consistent by construction (and `verify` proves it); checking nine foreign
    keys per movement row would triple the load time. PostgreSQL skips its foreign-key
    triggers under session_replication_role=replica (superuser only; else they stay on).
    """
    raw: Any = db.engine.raw_connection()
    try:
        if db.dialect == "sqlite":
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute("PRAGMA cache_size=-200000")
            raw.execute("BEGIN")
        else:
            _replica_role(raw)
        yield raw
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        if db.dialect == "sqlite":  # the pooled connection goes back as every other one is
            raw.execute("PRAGMA foreign_keys=ON")
        raw.close()


def _replica_role(raw: Any) -> None:
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    except Exception:
        raw.rollback()


def bulk_insert(raw: Any, table: str, columns: Sequence[str],
                rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows as they are (times already stored()): COPY on PostgreSQL, else executemany."""
    if not rows:
        return
    names = ", ".join(columns)
    if not hasattr(raw, "create_function"):  # psycopg
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    cursor = raw.cursor()
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    cursor.close()


@contextmanager
def indexes_dropped(db: Database, table: str) -> Iterator[None]:
    """Drop the table's plain (non-unique) indexes for a bulk load; rebuild them after.

    Drop and rebuild go through one connection: it has seen its own DROP, where another
    pooled SQLite connection may still read an older schema and find the index there.
    """
    with db.engine.connect() as conn:
        with conn.begin():
            found = [ix for ix in inspect(conn).get_indexes(table)
                     if not ix.get("unique") and ix.get("name")
                     and all(ix.get("column_names") or [None])
                     and not any(k.endswith("_where") for k in ix.get("dialect_options", {}))]
            for ix in found:
                conn.execute(text(f'DROP INDEX "{ix["name"]}"'))
        try:
            yield
        finally:
            with conn.begin():
                for ix in found:
                    columns = ", ".join(f'"{c}"' for c in ix["column_names"])
                    conn.execute(text(f'CREATE INDEX "{ix["name"]}" ON {table} ({columns})'))
