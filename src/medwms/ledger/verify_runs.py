"""Run `verify` now and record the run: the verification page and `medwms verify` both do.

The check itself reads one snapshot (`db.reading()`), writing nothing; the run is recorded
afterwards in its own short unit of work, so a long check never holds the write lock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from medwms.auth.guard import require_every_warehouse
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.ledger.checkpoints import Anchor
from medwms.ledger.queries import VerifyRunView, verify_run_view
from medwms.ledger.tables import VerifyRun
from medwms.ledger.verify import VerifyReport, verify

SOURCES = ("web", "cli")
RUN = Perm.AUDIT_READ  # reading the records, company-wide: the auditor, the quality manager


@dataclass(frozen=True)
class VerifyRunResult:
    """The report, and the run as it was recorded."""

    report: VerifyReport
    run: VerifyRunView


def run_verify(db: Database, *, actor: Actor, anchor: Anchor | None, source: str,
               max_unsealed_age: float = 60.0) -> VerifyRunResult:
    """Verify balances, chains and checkpoints now, and record who ran it and what it found."""
    require_every_warehouse(actor, RUN)
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
    started = utc_now()
    with db.reading() as session:
        report = verify(session, anchor=anchor, now=started, max_unsealed_age=max_unsealed_age)
    run = record_run(db, actor=actor, report=report, started_at=started, source=source)
    return VerifyRunResult(report=report, run=run)


def record_run(db: Database, *, actor: Actor, report: VerifyReport, started_at: datetime,
               source: str) -> VerifyRunView:
    """Keep one finished run of `verify`."""
    with db.unit_of_work() as uow:
        run = VerifyRun(
            started_at=started_at, finished_at=utc_now(), actor_id=actor.user_id,
            actor_name=actor.username[:60], source=source, ok=report.ok,
            balances=report.balances, movements=report.movements,
            audit_records=report.audit_records, checkpoints=report.checkpoints,
            unsealed_movements=report.unsealed_movements,
            unsealed_audit_records=report.unsealed_audit_records,
            oldest_unsealed_ms=round(report.oldest_unsealed_age_s * 1000),
            problems=json.dumps(report.problems, ensure_ascii=False),
            notes=json.dumps(report.notes, ensure_ascii=False))
        uow.session.add(run)
        uow.session.flush()
        view = verify_run_view(run)
        uow.commit()
    return view
