"""Reading the runtime settings (the values kept in the table, the settings page's rows) and
the archive marks (the working lists' filter, the archive page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.config import Settings
from medwms.core.db import Database
from medwms.runtime import rules
from medwms.runtime.tables import ArchiveMark, RuntimeSetting


class Source:
    """Where a setting's effective value comes from."""

    RUNTIME = "runtime"  # the settings page, the API or `medwms settings set`
    ENVIRONMENT = "environment"  # a MEDWMS_* variable (or a value the server was started with)
    DEFAULT = "default"  # the built-in default


@dataclass(frozen=True)
class SettingRow:
    """One editable setting as the settings page shows it."""

    name: str
    description: str
    effective: str
    environment: str
    source: str
    changed_by: str
    changed_at: datetime | None
    reason: str


def overrides(session: Session) -> dict[str, str]:
    """The runtime values kept in the table, by setting name (settings given back left out)."""
    rows = session.execute(select(RuntimeSetting.name, RuntimeSetting.value)
                           .where(RuntimeSetting.value.is_not(None)))
    return {name: value for name, value in rows if value is not None}


def setting_rows(db: Database, *, actor: Actor, base: Settings) -> list[SettingRow]:
    """Every editable setting: its effective and environment value and where it comes from."""
    require(actor, Perm.SETTINGS_MANAGE)
    with reading_as(db, actor) as session:
        kept = {row.name: row for row in session.scalars(select(RuntimeSetting))}
        return [_row(base, name, kept.get(name)) for name in rules.RUNTIME_FIELDS
                if name in Settings.model_fields]


def _row(base: Settings, name: str, kept: RuntimeSetting | None) -> SettingRow:
    environment = rules.stored_text(getattr(base, name))
    if kept is not None and kept.value is not None:
        source, effective = Source.RUNTIME, kept.value
    else:
        source = Source.ENVIRONMENT if name in base.model_fields_set else Source.DEFAULT
        effective = environment
    return SettingRow(
        name=name, description=Settings.model_fields[name].description or "",
        effective=effective, environment=environment, source=source,
        changed_by=kept.changed_by_name if kept else "",
        changed_at=kept.changed_at if kept else None, reason=kept.reason if kept else "")


@dataclass(frozen=True)
class ArchivedView:
    """One archived document as the archive page lists it."""

    entity: str
    entity_key: str
    closed_at: datetime
    keep_until: date | None
    archived_at: datetime
    archived_by: str


def not_archived(entity: str, key: Any) -> ColumnElement[bool]:
    """The working lists' filter: documents of `entity` whose number (`key`) is not archived."""
    return ~exists().where(ArchiveMark.entity == entity, ArchiveMark.entity_key == key)


def archived_keys(session: Session, entity: str, keys: list[str]) -> set[str]:
    """Which of the numbers `keys` of `entity` are archived."""
    return set(session.scalars(select(ArchiveMark.entity_key).where(
        ArchiveMark.entity == entity, ArchiveMark.entity_key.in_(keys))))


def archived(session: Session, *, limit: int = 500) -> list[ArchivedView]:
    """The archived documents, latest archived first."""
    rows = session.scalars(select(ArchiveMark).order_by(ArchiveMark.id.desc()).limit(limit))
    return [ArchivedView(entity=row.entity, entity_key=row.entity_key, closed_at=row.closed_at,
                         keep_until=row.keep_until, archived_at=row.archived_at,
                         archived_by=row.archived_by_name) for row in rows]
