"""`archive_closed`: take the documents closed before a day out of the working lists.

One unit of work: the closed receipts and recall cases are found, each is marked archived with
the date it must be kept until, and each mark is audited. A closed document is never reopened,
so nothing is locked; the mark is unique, so a document is archived once. No row of a document
is changed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from medwms.archive.queries import closed_before
from medwms.auth.guard import require_every_warehouse
from medwms.auth.rules import Actor, Perm
from medwms.core.db import Database
from medwms.runtime.service import mark_archived

MANAGE = Perm.SETTINGS_MANAGE


@dataclass(frozen=True)
class Archived:
    """One document archived by a run: kind, number and until when it must be kept."""

    entity: str
    number: str
    keep_until: date | None  # None: for ever (an implant's record)


def archive_closed(*, db: Database, actor: Actor, closed_before_day: date,
                   timezone: str) -> list[Archived]:
    """Archive every receipt and recall case closed before `closed_before_day` (a calendar day
    in the warehouse's time zone); returns what was archived (none twice)."""
    require_every_warehouse(actor, MANAGE)
    start = datetime.combine(closed_before_day, time(0), ZoneInfo(timezone)).astimezone(UTC)
    with db.unit_of_work() as uow:
        documents = closed_before(uow.session, before=start, timezone=timezone)
        done = [Archived(d.entity, d.number, d.retention.keep_until) for d in documents
                if mark_archived(uow.session, actor=actor, entity=d.entity,
                                 entity_key=d.number, closed_at=d.closed_at,
                                 keep_until=d.retention.keep_until)]
        uow.commit()
    return done
