"""The audit log as the audit page and its exports read it: filtered, newest first, paged.

Paging is by keyset, not by offset: a page is "the next `limit` records with an id below the
last one shown", so page 1,000 of a log of millions costs what page 1 costs. Each filter has
an index to walk (auth.tables.AuditRecord): a user or an action is one range of
(actor_name, id) or (action, id) read in id order; a record is the entity_key index; a time
range one range of `at`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from medwms.auth.audit import parse_snapshot
from medwms.auth.errors import ExportTooLarge
from medwms.auth.guard import require_every_warehouse
from medwms.auth.queries import AuditView
from medwms.auth.rules import Actor, Perm
from medwms.auth.tables import AuditRecord, User

PAGE_ROWS = 50
EXPORT_MAX = 50_000  # rows in one export file; beyond it the filter must be narrower
BATCH = 1_000


@dataclass(frozen=True)
class AuditFilter:
    """What to look for; every field is optional and they combine with AND.

    `since` is inclusive and `until` exclusive, both UTC.
    """

    user: str | None = None
    entity: str | None = None
    entity_key: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first; `next_after` continues it (None: the last page)."""

    rows: tuple[AuditView, ...]
    next_after: int | None


def _conditions(flt: AuditFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if flt.user:
        found.append(AuditRecord.actor_name == flt.user)
    if flt.entity:
        found.append(AuditRecord.entity == flt.entity)
    if flt.entity_key:
        found.append(AuditRecord.entity_key == flt.entity_key)
    if flt.action:
        found.append(AuditRecord.action == flt.action)
    if flt.since is not None:
        found.append(AuditRecord.at >= flt.since)
    if flt.until is not None:
        found.append(AuditRecord.at < flt.until)
    return found


def _view(record: AuditRecord) -> AuditView:
    return AuditView(id=record.id, seq=record.seq, at=record.at, actor_name=record.actor_name,
                     action=record.action, entity=record.entity,
                     entity_key=record.entity_key, before=parse_snapshot(record.before),
                     after=parse_snapshot(record.after), reason=record.reason)


def page_query(flt: AuditFilter, after: int | None, limit: int) -> Select[AuditRecord]:
    """The records matching `flt` below id `after`, newest first, `limit` at most."""
    query = select(AuditRecord).where(*_conditions(flt))
    if after is not None:
        query = query.where(AuditRecord.id < after)
    return query.order_by(AuditRecord.id.desc()).limit(limit)


def _fetch(session: Session, flt: AuditFilter, after: int | None,
           limit: int) -> list[AuditRecord]:
    return list(session.scalars(page_query(flt, after, limit)))


def audit_page(session: Session, *, actor: Actor, flt: AuditFilter, after: int | None = None,
               limit: int = PAGE_ROWS) -> AuditPage:
    """The records matching `flt` with an id below `after`, newest first, `limit` at most."""
    require_every_warehouse(actor, Perm.AUDIT_READ)
    found = _fetch(session, flt, after, limit + 1)
    rows = tuple(_view(r) for r in found[:limit])
    return AuditPage(rows=rows, next_after=rows[-1].id if len(found) > limit else None)


def audit_export(session: Session, *, actor: Actor, flt: AuditFilter,
                 most: int = EXPORT_MAX) -> list[AuditView]:
    """Every record matching `flt`, newest first; ExportTooLarge beyond `most` of them."""
    require_every_warehouse(actor, Perm.AUDIT_READ)
    rows: list[AuditView] = []
    for view in _every(session, flt):
        if len(rows) == most:
            raise ExportTooLarge(most=most)
        rows.append(view)
    return rows


def _every(session: Session, flt: AuditFilter) -> Iterator[AuditView]:
    after: int | None = None
    while True:
        batch = _fetch(session, flt, after, BATCH)
        yield from (_view(r) for r in batch)
        if len(batch) < BATCH:
            return
        after = batch[-1].id


def usernames(session: Session, *, actor: Actor) -> list[str]:
    """Every username, for the user filter's suggestions."""
    require_every_warehouse(actor, Perm.AUDIT_READ)
    return list(session.scalars(select(User.username).order_by(User.username)))
