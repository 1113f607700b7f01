"""`verify`: stock equals the sum of its movements, and every hash chain is unbroken."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from medwms.auth.audit import AUDIT_CHAIN, audit_fields
from medwms.auth.tables import AuditRecord
from medwms.core.hashchain import GENESIS, link_values
from medwms.core.tables import ChainHead
from medwms.ledger.rules import StockKey
from medwms.ledger.service import HASHED, chain_name
from medwms.ledger.tables import Movement, Stock

BATCH = 5000


@dataclass
class VerifyReport:
    """What verify found: counts checked and the problems, first bad row first."""

    movements: int = 0
    balances: int = 0
    audit_records: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, *, max_problems: int = 20) -> VerifyReport:
    """Check balances against movements and every chain (ledger per warehouse, audit)."""
    report = VerifyReport()
    _check_balances(session, report)
    _check_movement_chains(session, report)
    _check_audit_chain(session, report)
    del report.problems[max_problems:]
    return report


def _key_columns(side: str) -> list[Any]:
    c = Movement.__table__.c
    return [c.owner_id, c.item_id, c.lot_id, c.serial_id, c[f"{side}_location_id"],
            c[f"{side}_status"], c[f"{side}_hu_id"]]


def _check_balances(session: Session, report: VerifyReport) -> None:
    names = ["owner_id", "item_id", "lot_id", "serial_id", "location_id", "status", "hu_id"]
    into = select(*[col.label(n) for col, n in zip(_key_columns("to"), names, strict=True)],
                  Movement.quantity.label("q")).where(Movement.to_location_id.is_not(None))
    out = select(*[col.label(n) for col, n in zip(_key_columns("from"), names, strict=True)],
                 (literal(0) - Movement.quantity).label("q")
                 ).where(Movement.from_location_id.is_not(None))
    sides = union_all(into, out).subquery()
    sums = select(*[sides.c[n] for n in names], func.sum(sides.c.q).label("q")
                  ).group_by(*[sides.c[n] for n in names])
    expected = {StockKey(*row[:7]).text: int(row.q) for row in session.execute(sums)}
    for row in session.execute(select(Stock.id, Stock.key, Stock.quantity, Stock.owner_id,
                                      Stock.item_id, Stock.lot_id, Stock.serial_id,
                                      Stock.location_id, Stock.status, Stock.hu_id)):
        report.balances += 1
        real_key = StockKey(*row[3:10]).text
        if real_key != row.key:
            report.problems.append(f"stock id={row.id}: key {row.key!r} does not match its "
                                   f"columns ({real_key!r})")
        moved = expected.pop(real_key, 0)
        if moved != row.quantity:
            report.problems.append(f"stock id={row.id} ({row.key}): quantity {row.quantity} "
                                   f"but its movements sum to {moved}")
        if row.quantity <= 0:
            report.problems.append(f"stock id={row.id} ({row.key}): quantity {row.quantity} "
                                   "is not above zero")
    for key, moved in sorted(expected.items()):
        if moved != 0:
            report.problems.append(f"stock key {key}: movements sum to {moved} "
                                   "but there is no stock row")


def _rows(session: Session, query: Any) -> Iterator[Any]:
    yield from session.execute(query.execution_options(yield_per=BATCH))


def _check_movement_chains(session: Session, report: VerifyReport) -> None:
    warehouses = session.scalars(select(Movement.warehouse_id).distinct()).all()
    heads = {h.chain: h for h in session.scalars(select(ChainHead))}
    columns = [Movement.id, Movement.prev_hash, Movement.hash,
               *[Movement.__table__.c[n] for n in HASHED]]
    for warehouse in sorted(warehouses):
        query = select(*columns).where(Movement.warehouse_id == warehouse).order_by(Movement.seq)
        rows = ((r.id, r.seq, r.prev_hash, r.hash, [getattr(r, n) for n in HASHED])
                for r in _rows(session, query))
        count = _walk_chain(f"movement (warehouse {warehouse})", rows,
                            heads.get(chain_name(warehouse)), report)
        report.movements += count


def _check_audit_chain(session: Session, report: VerifyReport) -> None:
    query = select(AuditRecord).order_by(AuditRecord.seq)
    rows = ((r.id, r.seq, r.prev_hash, r.hash, list(audit_fields(r).values()))
            for r in session.scalars(query.execution_options(yield_per=BATCH)))
    head = session.get(ChainHead, AUDIT_CHAIN)
    report.audit_records = _walk_chain("audit_record", rows, head, report)


def _walk_chain(table: str, rows: Iterator[tuple[int, int, str, str, list[Any]]],
                head: ChainHead | None, report: VerifyReport) -> int:
    """Recompute a chain row by row; report the first broken link and stop."""
    previous, expected_seq, count = GENESIS, 1, 0
    for row_id, seq, prev_hash, stored, fields in rows:
        count += 1
        problem = None
        if seq != expected_seq:
            problem = f"sequence {seq} where {expected_seq} was expected (a row is missing)"
        elif prev_hash != previous:
            problem = "its prev_hash does not match the row before (a row was removed or moved)"
        elif link_values(previous, fields) != stored:
            problem = "its content does not match its hash (the row was altered)"
        if problem:
            report.problems.append(f"{table} id={row_id} seq={seq}: {problem}")
            return count
        previous, expected_seq = stored, seq + 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != previous):
        report.problems.append(f"{table}: chain head says seq {head.seq} but the last row is "
                               f"seq {expected_seq - 1} (rows were removed from the end)")
    elif head is None and count:
        report.problems.append(f"{table}: rows exist but the chain head is missing")
    return count
