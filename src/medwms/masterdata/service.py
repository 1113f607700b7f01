"""Master-data commands: create, update, deactivate one record; import a whole file.

Each command opens one unit of work, checks MASTERDATA_WRITE, validates with `rules`,
writes, audits every change with its values before and after, and commits. An import is
refused whole: all rows are validated in memory first (existing records and references
loaded in a few queries), and only a clean file is written, in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from medwms.auth.audit import Change, record_audit, record_audits
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import ImportRejected, Problem, ValidationError
from medwms.masterdata import queries, rules, store
from medwms.masterdata.errors import (
    CannotDeactivate,
    DuplicateRecord,
    KeyChangeRefused,
    RecordNotFound,
    UnknownKind,
)
from medwms.masterdata.kinds import KINDS, Kind, key_text

BATCH = 1000
Progress = Callable[[int], None]
Record = dict[str, Any]


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows read, records created, updated and left unchanged."""

    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool = False


def kind_named(name: str) -> Kind:
    """The kind called `name` (items, packaging, owners, partners, warehouses, zones, …)."""
    kind = KINDS.get(name.strip().lower())
    if kind is None:
        raise UnknownKind(key=name, kinds=", ".join(KINDS), what="kind")
    return kind


def parse_key(kind: Kind, text: str) -> tuple[str, ...]:
    """A key from its text form (`CODE`, or `WAREHOUSE:ZONE` for zones), upper-cased."""
    parts = tuple(p.strip().upper() for p in text.split(":"))
    if kind.name == "packaging":
        parts = tuple(p.zfill(14) for p in parts)
    if len(parts) != len(kind.key):
        raise RecordNotFound(what=kind.entity, key=text)
    return parts


def browse(*, db: Database, actor: Actor, kind: str,
           filters: queries.Filters | None = None) -> queries.Page:
    """One page of records of `kind` for someone allowed to read master data."""
    require(actor, Perm.MASTERDATA_READ)
    spec = kind_named(kind)
    with db.reading() as session:
        return queries.list_records(session, spec, filters or queries.Filters())


def fetch(*, db: Database, actor: Actor, kind: str, key: str) -> Record:
    """One record of `kind` by its key text."""
    require(actor, Perm.MASTERDATA_READ)
    spec = kind_named(kind)
    with db.reading() as session:
        return queries.get_record(session, spec, parse_key(spec, key))


def _today(now: datetime | None) -> date:
    return local_date(now or utc_now())


def create_record(*, db: Database, actor: Actor, kind: str, values: Mapping[str, object],
                  reason: str = "", now: datetime | None = None) -> Record:
    """Create one record of `kind`; refused if its key exists or a value is wrong."""
    spec = kind_named(kind)
    with db.unit_of_work() as uow:
        require(actor, Perm.MASTERDATA_WRITE)
        parsed = _parse_one(spec, values)
        key = spec.key_of(parsed.values)
        lookup = store.load(uow.session, spec, [key])
        if key in lookup.existing:
            raise DuplicateRecord(what=spec.entity, key=key_text(key))
        _refuse(ValidationError, rules.check_rows(spec, [parsed], lookup.context(spec,
                                                                             _today(now))))
        row = store.new_row(spec)
        _write_one(uow.session, spec, lookup, row, parsed.values, now)
        record_audit(uow.session, actor=actor, action="create", entity=spec.entity,
                     entity_key=key_text(key), after=parsed.values, reason=reason[:300])
        uow.commit()
    return parsed.values


def update_record(*, db: Database, actor: Actor, kind: str, key: str,
                  changes: Mapping[str, object], reason: str = "",
                  now: datetime | None = None) -> Record:
    """Change some values of one record; the others stay as they are."""
    spec = kind_named(kind)
    with db.unit_of_work() as uow:
        require(actor, Perm.MASTERDATA_WRITE)
        _refuse(ValidationError, rules.unknown_columns(spec, changes))
        lookup, row, before = _load_one(uow.session, spec, key)
        parsed = _parse_one(spec, {**before, **changes})
        if spec.key_of(parsed.values) != spec.key_of(before):
            raise KeyChangeRefused(what=spec.entity, key=key)
        _refuse(ValidationError, rules.check_rows(spec, [parsed], lookup.context(spec,
                                                                             _today(now))))
        _write_one(uow.session, spec, lookup, row, parsed.values, now)
        record_audit(uow.session, actor=actor, action="update", entity=spec.entity,
                     entity_key=key_text(spec.key_of(before)), before=before,
                     after=parsed.values, reason=reason[:300])
        uow.commit()
    return parsed.values


def deactivate_record(*, db: Database, actor: Actor, kind: str, key: str, reason: str = "",
                      now: datetime | None = None) -> Record:
    """Take a record out of use: items and partners inactive, a location blocked, a GTIN removed."""
    spec = kind_named(kind)
    with db.unit_of_work() as uow:
        require(actor, Perm.MASTERDATA_WRITE)
        if not spec.can_deactivate:
            raise CannotDeactivate(what=spec.entity)
        lookup, row, before = _load_one(uow.session, spec, key)
        after = _deactivate(uow.session, spec, lookup, row, before, now)
        record_audit(uow.session, actor=actor, action="deactivate", entity=spec.entity,
                     entity_key=key_text(spec.key_of(before)), before=before, after=after,
                     reason=reason[:300])
        uow.commit()
    return after or before


def _deactivate(session: Session, spec: Kind, lookup: store.Lookup, row: Any,
                before: Record, now: datetime | None) -> Record | None:
    if spec.name == "packaging":
        session.delete(row)
        return None
    flag = {"locations": {"blocked": True}}.get(spec.name, {"active": False})
    after = {**before, **flag}
    _write_one(session, spec, lookup, row, after, now)
    return after


def _parse_one(spec: Kind, values: Mapping[str, object]) -> rules.Parsed:
    problems = rules.unknown_columns(spec, values)
    parsed = rules.parse_record(spec, values)
    _refuse(ValidationError, problems + list(parsed.problems))
    return parsed


def _load_one(session: Session, spec: Kind, text: str) -> tuple[store.Lookup, Any, Record]:
    key = parse_key(spec, text)
    lookup = store.load(session, spec, [key])
    row = lookup.existing.get(key)
    if row is None:
        raise RecordNotFound(what=spec.entity, key=text)
    return lookup, row, store.to_record(spec, row, lookup)


def _write_one(session: Session, spec: Kind, lookup: store.Lookup, row: Any,
               values: Record, now: datetime | None) -> None:
    store.apply(spec, row, values, lookup, now or utc_now())
    session.add(row)
    session.flush()


def _refuse(error: type[ValidationError], problems: Sequence[Problem]) -> None:
    if problems:
        raise error(list(problems))


def import_rows(*, db: Database, actor: Actor, kind: str, header: Sequence[str],
                rows: Sequence[tuple[int, Mapping[str, object]]], reason: str = "",
                dry_run: bool = False, now: datetime | None = None,
                progress: Progress | None = None) -> ImportResult:
    """Create or update (by key) every row of a file; a file with any bad row is refused whole.

    `rows` are (row number as the user sees it, raw values by column name).
    """
    spec = kind_named(kind)
    with db.unit_of_work() as uow:
        require(actor, Perm.MASTERDATA_WRITE)
        _refuse(ImportRejected, _file_problems(spec, header, rows))
        parsed = [rules.parse_record(spec, raw, row=number) for number, raw in rows]
        lookup = store.load(uow.session, spec, [spec.key_of(p.values) for p in parsed])
        _refuse(ImportRejected, rules.check_rows(spec, parsed, lookup.context(spec,
                                                                              _today(now))))
        counts = _write_all(uow.session, spec, lookup, parsed, actor=actor,
                            reason=reason[:300], now=now or utc_now(), progress=progress)
        if not dry_run:
            uow.commit()
    return ImportResult(spec.name, len(rows), *counts, dry_run=dry_run)


def _file_problems(spec: Kind, header: Sequence[str],
                   rows: Sequence[tuple[int, Mapping[str, object]]]) -> list[Problem]:
    problems = rules.check_header(spec, header)
    if not rows and not problems:
        problems.append(rules.problem("the file has no data rows below the header",
                                      "文件在表头下没有数据行", row=2))
    return problems


def _write_all(session: Session, spec: Kind, lookup: store.Lookup,
               parsed: Sequence[rules.Parsed], *, actor: Actor, reason: str, now: datetime,
               progress: Progress | None) -> tuple[int, int, int]:
    """Write in batches, parents before the rows that refer to them; count what happened."""
    counts = [0, 0, 0]
    for group in _write_order(spec, parsed):
        for start in range(0, len(group), BATCH):
            batch = group[start:start + BATCH]
            changes = [_write_row(session, spec, lookup, p.values, now, counts) for p in batch]
            session.flush()
            for p in batch:
                lookup.remember(spec, lookup.existing[spec.key_of(p.values)])
            record_audits(session, actor=actor, reason=reason,
                           changes=[c for c in changes if c is not None])
            if progress:
                progress(len(batch))
    return counts[0], counts[1], counts[2]


def _write_order(spec: Kind, parsed: Sequence[rules.Parsed]) -> list[list[rules.Parsed]]:
    if spec.name != "partners":
        return [list(parsed)]
    return [[p for p in parsed if not p.values.get("parent_code")],
            [p for p in parsed if p.values.get("parent_code")]]


def _write_row(session: Session, spec: Kind, lookup: store.Lookup, values: Record,
               now: datetime, counts: list[int]) -> Change | None:
    key = spec.key_of(values)
    row = lookup.existing.get(key)
    before = store.to_record(spec, row, lookup) if row is not None else None
    if before == values:
        counts[2] += 1
        return None
    if row is None:
        row = lookup.existing[key] = store.new_row(spec)
        session.add(row)
    counts[0 if before is None else 1] += 1
    store.apply(spec, row, values, lookup, now)
    return Change("create" if before is None else "update", spec.entity, key_text(key),
                  before, values)
