"""Importing master-data files: create or update by key, a file with any bad row refused whole.

All rows are parsed and checked in memory first, against existing records and references
loaded in a fixed handful of queries; only a clean file is written, in batches, with one
audit record per changed row. Unchanged rows are counted, not rewritten. `preview_file` runs
the same checks in a read-only snapshot and says what each row would do, writing nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from medwms.auth.audit import Change, record_audits
from medwms.auth.guard import reading_as, require_every_warehouse
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import ImportRejected, Problem
from medwms.masterdata import rules, store
from medwms.masterdata.kinds import Kind, key_text
from medwms.masterdata.reading import Table, read_table
from medwms.masterdata.service import Record, kind_named, refuse, today

BATCH = 1000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows read, records created, updated and left unchanged."""

    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool = False


@dataclass(frozen=True)
class RowChange:
    """One column a row would change: its value now (None for a new record) and in the file."""

    column: str
    before: Any
    after: Any


@dataclass(frozen=True)
class RowPreview:
    """What importing one row would do: create, update or leave its record unchanged."""

    row: int
    key: str
    action: str  # "create", "update" or "unchanged"
    changes: tuple[RowChange, ...]


@dataclass(frozen=True)
class ImportPreview:
    """A file checked against the database, nothing written: every problem (row, column,
    value, why) or, for a clean file, what each row would do."""

    kind: str
    rows: int
    problems: tuple[Problem, ...]
    previews: tuple[RowPreview, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the file would be imported as it is."""
        return not self.problems

    def count(self, action: str) -> int:
        """How many rows would `action` ("create", "update", "unchanged")."""
        return sum(1 for p in self.previews if p.action == action)


def preview_file(*, db: Database, actor: Actor, kind: str, data: bytes, filename: str,
                 now: datetime | None = None) -> ImportPreview:
    """Check a CSV or XLSX file as `import_file` would, in a read-only snapshot: writes
    nothing, and returns the problems (a file that can't be read is one) instead of raising."""
    spec = kind_named(kind)
    require_every_warehouse(actor, Perm.MASTERDATA_WRITE)
    try:
        table = read_table(data, filename)
    except ImportRejected as error:
        return ImportPreview(spec.name, 0, tuple(error.problems))
    with reading_as(db, actor) as session:
        return _preview(session, spec, table, today(now))


def _preview(session: Session, spec: Kind, table: Table, day: date) -> ImportPreview:
    problems = _file_problems(spec, table.header, table.rows)
    if problems:
        return ImportPreview(spec.name, len(table.rows), tuple(problems))
    parsed = [rules.parse_record(spec, raw, row=number) for number, raw in table.rows]
    lookup = store.load(session, spec, [spec.key_of(p.values) for p in parsed])
    problems = rules.check_rows(spec, parsed, lookup.context(spec, day))
    if problems:
        return ImportPreview(spec.name, len(table.rows), tuple(problems))
    return ImportPreview(spec.name, len(table.rows), (),
                         tuple(_row_preview(spec, lookup, p) for p in parsed))


def _row_preview(spec: Kind, lookup: store.Lookup, parsed: rules.Parsed) -> RowPreview:
    """The same comparison `_write_row` makes: a row equal to its record is unchanged."""
    key = spec.key_of(parsed.values)
    row = lookup.existing.get(key)
    before = store.to_record(spec, row, lookup) if row is not None else None
    if before is None:
        changes = tuple(RowChange(n, None, v) for n, v in parsed.values.items()
                        if v not in (None, ""))
        return RowPreview(parsed.row or 0, key_text(key), "create", changes)
    changes = tuple(RowChange(n, before.get(n), v) for n, v in parsed.values.items()
                    if before.get(n) != v)
    return RowPreview(parsed.row or 0, key_text(key), "update" if changes else "unchanged",
                      changes)


def import_file(*, db: Database, actor: Actor, kind: str, data: bytes, filename: str,
                reason: str = "", dry_run: bool = False, now: datetime | None = None,
                progress: Progress | None = None) -> ImportResult:
    """Read a CSV or XLSX file and import its rows as records of `kind` (all or nothing)."""
    table = read_table(data, filename)
    return import_rows(db=db, actor=actor, kind=kind, header=table.header, rows=table.rows,
                       reason=reason or f"import {filename}", dry_run=dry_run, now=now,
                       progress=progress)


def import_rows(*, db: Database, actor: Actor, kind: str, header: Sequence[str],
                rows: Sequence[tuple[int, Mapping[str, object]]], reason: str = "",
                dry_run: bool = False, now: datetime | None = None,
                progress: Progress | None = None) -> ImportResult:
    """Create or update (by key) every row of a file; a file with any bad row is refused whole.

    `rows` are (row number as the user sees it, raw values by column name).
    """
    spec = kind_named(kind)
    with db.unit_of_work() as uow:
        require_every_warehouse(actor, Perm.MASTERDATA_WRITE)
        refuse(ImportRejected, _file_problems(spec, header, rows))
        parsed = [rules.parse_record(spec, raw, row=number) for number, raw in rows]
        lookup = store.load(uow.session, spec, [spec.key_of(p.values) for p in parsed])
        refuse(ImportRejected, rules.check_rows(spec, parsed, lookup.context(spec,
                                                                              today(now))))
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
