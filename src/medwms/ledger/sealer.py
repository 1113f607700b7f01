"""The sealer: append first, seal later.

Commands insert their movement and audit rows unsealed (no `seq`, no hashes) and wait on
nothing but the stock rows they change. The sealer — the way a transparency log's sequencer
integrates queued entries — takes the unsealed rows oldest first in batches, gives each its
sequence number in its chain, computes `prev_hash` and `hash`, advances the chain head and
writes a signed checkpoint, all in one short transaction of its own; after the commit it
appends the checkpoints to the file outside the database.

One sealing pass runs at a time per database: on PostgreSQL each pass takes a transaction
advisory lock (`pg_try_advisory_xact_lock`) and skips if another process holds it, so every
server process may run a sealer and exactly one seals; on SQLite the pass's BEGIN IMMEDIATE
serialises it with everything else. The sealer's locks: the advisory lock, then chain heads
in chain-name order, then the unsealed rows (which no command touches again).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.hashchain import GENESIS, link_values
from medwms.core.tables import ChainHead, Checkpoint
from medwms.ledger.chains import KINDS, ChainKind, kind_of
from medwms.ledger.checkpoints import Anchor
from medwms.ledger.checkpoints import Checkpoint as Signed

log = logging.getLogger(__name__)
SEALER_LOCK = 0x6D656477_6D73  # "medwms": the advisory lock key of the sealing pass


@dataclass
class Sealed:
    """What sealing did: rows sealed, checkpoints written, passes skipped for another sealer."""

    rows: int = 0
    checkpoints: list[Signed] = field(default_factory=list)
    busy: bool = False


@dataclass(frozen=True)
class Backlog:
    """The unsealed rows of one kind: how many, and the time of the oldest."""

    rows: int
    oldest: datetime | None

    def age_seconds(self, now: datetime) -> float:
        return 0.0 if self.oldest is None else max(0.0, (now - self.oldest).total_seconds())


def backlog(session: Session, kind: ChainKind) -> Backlog:
    """How many rows of `kind` wait to be sealed, and since when."""
    seq, at = kind.column("seq"), kind.column(kind.time_column)
    rows, oldest = session.execute(select(func.count(), func.min(at)).where(seq.is_(None))).one()
    return Backlog(int(rows), oldest)


def seal(db: Database, anchor: Anchor, *, batch: int = 2000) -> Sealed:
    """Seal every row that is unsealed now, batch by batch; checkpoint each batch."""
    total = Sealed()
    while True:
        done = _seal_batch(db, anchor, batch)
        total.rows += done.rows
        total.checkpoints += done.checkpoints
        total.busy = total.busy or done.busy
        if done.busy or done.rows < batch:
            return total


def _seal_batch(db: Database, anchor: Anchor, batch: int) -> Sealed:
    with db.unit_of_work() as uow:
        session = uow.session
        if db.dialect == "postgresql" and not session.scalar(
                select(func.pg_try_advisory_xact_lock(SEALER_LOCK))):
            return Sealed(busy=True)
        pending = [(kind, _unsealed(session, kind, batch)) for kind in KINDS]
        by_chain: dict[str, list[Any]] = defaultdict(list)
        for kind, rows in pending:
            for row in rows:
                by_chain[kind.chain_of(row)].append(row)
        if not by_chain:
            return Sealed()
        heads = _lock_heads(session, sorted(by_chain))
        now = utc_now()
        signed = [_link(session, chain, rows, heads[chain], anchor, now)
                  for chain, rows in sorted(by_chain.items())]
        uow.commit()
    anchor.publish(signed)
    return Sealed(rows=sum(len(rows) for rows in by_chain.values()), checkpoints=signed)


def _unsealed(session: Session, kind: ChainKind, batch: int) -> list[Any]:
    columns = [kind.column("id"), *[kind.column(n) for n in kind.hashed if n != "seq"]]
    query = select(*columns).where(kind.column("seq").is_(None)).order_by(
        kind.column("id")).limit(batch)
    return list(session.execute(query))


def _lock_heads(session: Session, chains: list[str]) -> dict[str, ChainHead]:
    heads = {h.chain: h for h in session.scalars(
        select(ChainHead).where(ChainHead.chain.in_(chains)).order_by(ChainHead.chain)
        .with_for_update())}
    for chain in chains:
        if chain not in heads:
            heads[chain] = ChainHead(chain=chain, seq=0, hash=GENESIS)
            session.add(heads[chain])
    return heads


def _link(session: Session, chain: str, rows: list[Any], head: ChainHead, anchor: Anchor,
          now: datetime) -> Signed:
    """Give the rows their place after `head`, write them and the head, sign a checkpoint."""
    kind = kind_of(chain)
    seq, previous, links = head.seq, head.hash, []
    for row in rows:
        seq += 1
        values = [seq if name == "seq" else getattr(row, name) for name in kind.hashed]
        digest = link_values(previous, values)
        links.append({"b_id": row.id, "b_seq": seq, "b_prev": previous, "b_hash": digest})
        previous = digest
    session.execute(update(kind.table).where(kind.column("id") == bindparam("b_id")).values(
        seq=bindparam("b_seq"), prev_hash=bindparam("b_prev"), hash=bindparam("b_hash")
    ).execution_options(synchronize_session=False), links)
    head.seq, head.hash = seq, previous
    checkpoint = anchor.signer.sign(chain, seq, previous, now)
    session.execute(insert(Checkpoint).values(
        chain=chain, seq=seq, hash=previous, signed_at=now, signature=checkpoint.signature))
    return checkpoint


def anchor_existing(db: Database, anchor: Anchor) -> list[Signed]:
    """At start: sign chains sealed before checkpoints existed; copy missing ones to the file.

    A chain with no checkpoint at all (a database from before checkpoints, or loaded in
    bulk) is trusted as it stands and signed once. A chain that has checkpoints is never
    re-signed here: sealed rows beyond its last checkpoint are for `verify` to report.
    """
    with db.unit_of_work() as uow:
        session = uow.session
        in_file = anchor.file.latest()
        missing = [Signed(r.chain, r.seq, r.hash, r.signed_at, r.signature)
                   for r in session.scalars(select(Checkpoint).order_by(Checkpoint.id))
                   if r.seq > in_file.get(r.chain, 0)]
        known = set(session.scalars(select(Checkpoint.chain).distinct()))
        now = utc_now()
        fresh = [anchor.signer.sign(h.chain, h.seq, h.hash, now)
                 for h in session.scalars(select(ChainHead).order_by(ChainHead.chain))
                 if h.chain not in known and h.seq > 0]
        if fresh:
            session.execute(insert(Checkpoint), [
                {"chain": c.chain, "seq": c.seq, "hash": c.hash, "signed_at": c.signed_at,
                 "signature": c.signature} for c in fresh])
        uow.commit()
    anchor.publish([c for c in missing if anchor.signer.genuine(c)] + fresh)
    return fresh


class BackgroundSealer:
    """Seals every `interval` seconds in a daemon thread until stopped (`medwms serve`)."""

    def __init__(self, db: Database, anchor: Anchor, *, interval: float = 0.2,
                 batch: int = 500) -> None:
        self.db, self.anchor, self.interval, self.batch = db, anchor, interval, batch
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="medwms-sealer", daemon=True)

    def start(self) -> None:
        self.db.hold_checkpoints()  # this loop checkpoints SQLite's WAL instead
        anchor_existing(self.db, self.anchor)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                seal(self.db, self.anchor, batch=self.batch)
                self.db.checkpoint()  # SQLite's WAL, off every writer's turn
            except Exception:  # keep sealing: a failed pass wrote nothing
                log.exception("sealing pass failed; retrying")
            self._stop.wait(self.interval)
