"""`verify`: stock equals the sum of its movements, and every hash chain is unbroken and
agrees with the signed checkpoints kept outside the database.

What is checked:
- every balance against the sum of its movements (sealed or not);
- every sealed row of every chain (warehouse movements, the audit log): its sequence, its
  link to the row before and its hash; the chain head;
- every checkpoint (the file outside the database and the `chain_checkpoint` table): its
  signature, and that the chain still ends in the signed hash at the signed sequence — a
  rewrite that recomputed every later hash is caught here;
- the unsealed rows: how many, the age of the oldest; older than the limit is a problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from medwms.core.clock import utc_now
from medwms.core.hashchain import GENESIS, link_values
from medwms.core.tables import ChainHead
from medwms.core.tables import Checkpoint as CheckpointRow
from medwms.ledger.chains import AUDIT_LOG, MOVEMENTS, ChainKind, chain_name
from medwms.ledger.checkpoints import Anchor, Checkpoint
from medwms.ledger.rules import StockKey
from medwms.ledger.sealer import backlog
from medwms.ledger.tables import Movement, Stock

BATCH = 5000


@dataclass
class VerifyReport:
    """What verify found: counts checked and the problems, first bad row first."""

    movements: int = 0
    balances: int = 0
    audit_records: int = 0
    checkpoints: int = 0
    unsealed_movements: int = 0
    unsealed_audit_records: int = 0
    oldest_unsealed_age_s: float = 0.0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, *, anchor: Anchor | None = None, now: datetime | None = None,
           max_unsealed_age: float = 60.0, max_problems: int = 20) -> VerifyReport:
    """Check balances, every chain, the checkpoints (with `anchor`) and the unsealed rows."""
    report = VerifyReport()
    _check_balances(session, report)
    signed = _checkpoints(session, anchor, report)
    heads = {h.chain: h for h in session.scalars(select(ChainHead))}
    warehouses = session.scalars(select(Movement.warehouse_id).where(
        Movement.seq.is_not(None)).distinct()).all()
    for warehouse in sorted(warehouses):
        chain = chain_name(warehouse)
        report.movements += _check_chain(session, MOVEMENTS, chain, heads.get(chain),
                                         signed.pop(chain, {}), report,
                                         Movement.warehouse_id == warehouse)
    report.audit_records = _check_chain(session, AUDIT_LOG, "audit", heads.get("audit"),
                                        signed.pop("audit", {}), report)
    for chain, points in sorted(signed.items()):
        report.problems.append(f"chain {chain}: signed checkpoints up to seq {max(points)} "
                               "but no sealed rows (the chain was deleted)")
    _check_backlog(session, report, now or utc_now(), max_unsealed_age)
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


# --- checkpoints ---------------------------------------------------------------------------

def _checkpoints(session: Session, anchor: Anchor | None,
                 report: VerifyReport) -> dict[str, dict[int, Checkpoint]]:
    """Every genuine checkpoint by chain and seq (file and table); bad ones are problems."""
    stored = [(f"chain_checkpoint id={r.id}",
               Checkpoint(r.chain, r.seq, r.hash, r.signed_at, r.signature))
              for r in session.scalars(select(CheckpointRow).order_by(CheckpointRow.id))]
    if anchor is None:
        if stored:
            report.notes.append(f"{len(stored)} signed checkpoints not checked: no seal key "
                                "(set MEDWMS_SEAL_KEY or MEDWMS_SEAL_KEY_FILE)")
        return {}
    found: list[tuple[str, Checkpoint]] = []
    for line in anchor.file.lines():
        where = f"checkpoint file {anchor.file.path} line {line.number}"
        if line.checkpoint is None:
            report.problems.append(f"{where}: not a checkpoint ({line.text[:60]!r})")
        else:
            found.append((where, line.checkpoint))
    if stored and not found:
        report.problems.append(f"checkpoint file {anchor.file.path} is missing or empty but "
                               f"the database holds {len(stored)} checkpoints")
    signed: dict[str, dict[int, Checkpoint]] = {}
    for where, checkpoint in found + stored:
        if not anchor.signer.genuine(checkpoint):
            report.problems.append(f"{where}: its signature is not genuine (chain "
                                   f"{checkpoint.chain} seq {checkpoint.seq})")
            continue
        earlier = signed.setdefault(checkpoint.chain, {}).setdefault(checkpoint.seq, checkpoint)
        if earlier.hash != checkpoint.hash:
            report.problems.append(f"{where}: chain {checkpoint.chain} seq {checkpoint.seq} "
                                   "is signed with two different hashes")
    report.checkpoints = sum(len(points) for points in signed.values())
    return signed


# --- chains --------------------------------------------------------------------------------

def _rows(session: Session, kind: ChainKind, where: Any) -> Iterator[Any]:
    columns = [kind.column("id"), kind.column("prev_hash"), kind.column("hash"),
               *[kind.column(n) for n in kind.hashed]]
    query = select(*columns).where(kind.column("seq").is_not(None))
    if where is not None:
        query = query.where(where)
    yield from session.execute(query.order_by(kind.column("seq"))
                               .execution_options(yield_per=BATCH))


@dataclass
class _Walk:
    """Where a chain walk is: the last good link and the last checkpoint it agreed with."""

    previous: str = GENESIS
    expected_seq: int = 1
    count: int = 0
    agreed: int = 0  # seq of the last checkpoint the chain matched
    first_after_agreed: int | None = None  # id of the first row after it


def _check_chain(session: Session, kind: ChainKind, chain: str, head: ChainHead | None,
                 points: dict[int, Checkpoint], report: VerifyReport,
                 where: Any = None) -> int:
    """Recompute a chain row by row; report the first broken link or checkpoint and stop."""
    label = kind.describe(chain)
    walk = _Walk()
    for row in _rows(session, kind, where):
        walk.count += 1
        if walk.first_after_agreed is None:
            walk.first_after_agreed = row.id
        problem = _link_problem(kind, row, walk) or _checkpoint_problem(row, walk, points)
        if problem:
            report.problems.append(f"{label} id={row.id} seq={row.seq}: {problem}")
            return walk.count
        walk.previous, walk.expected_seq = row.hash, row.seq + 1
        if row.seq in points:
            walk.agreed, walk.first_after_agreed = row.seq, None
    last = walk.expected_seq - 1
    _check_end(label, head, walk, last, points, report)
    return walk.count


def _link_problem(kind: ChainKind, row: Any, walk: _Walk) -> str | None:
    if row.seq != walk.expected_seq:
        return f"sequence {row.seq} where {walk.expected_seq} was expected (a row is missing)"
    if row.prev_hash != walk.previous:
        return "its prev_hash does not match the row before (a row was removed or moved)"
    if link_values(walk.previous, [getattr(row, n) for n in kind.hashed]) != row.hash:
        return "its content does not match its hash (the row was altered)"
    return None


def _checkpoint_problem(row: Any, walk: _Walk, points: dict[int, Checkpoint]) -> str | None:
    signed = points.get(row.seq)
    if signed is None or signed.hash == row.hash:
        return None
    when = f"{signed.signed_at:%Y-%m-%d %H:%M:%S}"
    return (f"the chain disagrees with the checkpoint signed {when} UTC for seq {row.seq}: "
            f"history between seq {walk.agreed + 1} and "
            f"{row.seq} was rewritten and re-hashed (the first row of that stretch is "
            f"id={walk.first_after_agreed})")


def _check_end(label: str, head: ChainHead | None, walk: _Walk, last: int,
               points: dict[int, Checkpoint], report: VerifyReport) -> None:
    if head is not None and (head.seq != last or head.hash != walk.previous):
        report.problems.append(f"{label}: chain head says seq {head.seq} but the last row is "
                               f"seq {last} (rows were removed from the end)")
    elif head is None and walk.count:
        report.problems.append(f"{label}: rows exist but the chain head is missing")
    beyond = [seq for seq in points if seq > last]
    if beyond:
        report.problems.append(f"{label}: a checkpoint is signed for seq {max(beyond)} but the "
                               f"chain ends at seq {last} (sealed rows were removed)")
    elif points and last > max(points):
        report.problems.append(f"{label}: sealed rows seq {max(points) + 1}–{last} are not "
                               "covered by any signed checkpoint (sealed outside the sealer?)")


def _check_backlog(session: Session, report: VerifyReport, now: datetime,
                   limit: float) -> None:
    movements, audit = backlog(session, MOVEMENTS), backlog(session, AUDIT_LOG)
    report.unsealed_movements, report.unsealed_audit_records = movements.rows, audit.rows
    report.oldest_unsealed_age_s = round(max(movements.age_seconds(now),
                                             audit.age_seconds(now)), 3)
    if report.oldest_unsealed_age_s > limit:
        report.problems.append(f"{movements.rows} movements and {audit.rows} audit records "
                               f"are unsealed, the oldest for {report.oldest_unsealed_age_s:.0f}"
                               f" s (limit {limit:.0f} s): is the sealer running?")
