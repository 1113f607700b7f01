"""Changing a runtime setting (validated by the Settings model's own rules, audited with the
old value, the new value and the reason, in one unit of work); marking a closed document
archived, in the caller's unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pydantic
from pydantic_core import ErrorDetails
from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.config import Settings
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.runtime import rules
from medwms.runtime.effective import lenient, merged
from medwms.runtime.errors import (
    SettingNotEditable,
    SettingReasonMissing,
    SettingUnknown,
    SettingValueRefused,
)
from medwms.runtime.queries import overrides
from medwms.runtime.tables import ArchiveMark, RuntimeSetting

AUDIT_ENTITY = "setting"


@dataclass(frozen=True)
class SettingChanged:
    """A change made: the setting, its effective value before and after."""

    name: str
    old: str
    new: str
    reason: str


def set_setting(*, db: Database, actor: Actor, base: Settings, name: str, value: str | None,
                reason: str) -> SettingChanged:
    """Give setting `name` the runtime value `value` (None: back to the environment's)."""
    require(actor, Perm.SETTINGS_MANAGE)
    _check_name(name)
    if not rules.reason_given(reason):
        raise SettingReasonMissing(name=name, value=value or "", length=rules.MIN_REASON_LENGTH)
    with db.unit_of_work() as uow:
        row = uow.session.get(RuntimeSetting, name, with_for_update=True)
        kept = overrides(uow.session)
        old = rules.stored_text(getattr(lenient(base, kept), name))
        new = environment = rules.stored_text(getattr(base, name))
        if value is not None:
            new = rules.stored_text(getattr(_candidate(base, kept, name, value), name))
        _keep(uow.session, row, name=name, value=None if value is None else new, actor=actor,
              reason=reason.strip())
        record_audit(uow.session, actor=actor, action="setting.change", entity=AUDIT_ENTITY,
                     entity_key=name, before={"value": old}, after={
                         "value": new, "source": "environment" if value is None else "runtime",
                         "environment": environment}, reason=reason.strip())
        uow.commit()
    return SettingChanged(name=name, old=old, new=new, reason=reason.strip())


def _check_name(name: str) -> None:
    if name not in Settings.model_fields:
        raise SettingUnknown(name=name)
    if not rules.is_runtime_field(name):
        raise SettingNotEditable(name=name, value="", env=name.upper())


def _candidate(base: Settings, kept: dict[str, str], name: str, value: str) -> Settings:
    """The settings as they would be with the change, validated by the model."""
    try:
        return merged(base, {**kept, name: value.strip()})
    except pydantic.ValidationError as error:
        problem = next((p for p in error.errors() if p["loc"][:1] == (name,)), error.errors()[0])
        rule_en, rule_zh = rule_words(problem)
        raise SettingValueRefused(name=name, value=value, rule_en=rule_en,
                                  rule_zh=rule_zh) from error


_RULES: dict[str, tuple[str, str]] = {
    "greater_than_equal": ("it must be at least {ge}", "须不小于 {ge}"),
    "greater_than": ("it must be more than {gt}", "须大于 {gt}"),
    "less_than_equal": ("it must be at most {le}", "须不大于 {le}"),
    "less_than": ("it must be less than {lt}", "须小于 {lt}"),
    "int_parsing": ("it must be a whole number", "须为整数"),
    "int_from_float": ("it must be a whole number", "须为整数"),
    "float_parsing": ("it must be a number", "须为数字"),
    "bool_parsing": ("it must be true or false", "须为 true 或 false"),
}


def rule_words(problem: ErrorDetails) -> tuple[str, str]:
    """The broken rule of a pydantic error, in English and Chinese."""
    context: dict[str, Any] = dict(problem.get("ctx") or {})
    words = _RULES.get(problem["type"])
    if words is None:
        return problem["msg"], problem["msg"]
    return words[0].format(**context), words[1].format(**context)


def _keep(session: Session, row: RuntimeSetting | None, *, name: str, value: str | None,
          actor: Actor, reason: str) -> None:
    values = {"value": value, "changed_by": actor.user_id, "changed_by_name": actor.username,
              "changed_at": utc_now(), "reason": reason}
    if row is None:
        session.add(RuntimeSetting(name=name, **values))
    else:
        for key, item in values.items():
            setattr(row, key, item)


def mark_archived(session: Session, *, actor: Actor, entity: str, entity_key: str,
                  closed_at: datetime, keep_until: date | None) -> bool:
    """Mark a closed document archived (in the caller's unit of work); False if it already was.
    Nothing of the document changes: archiving is not deletion."""
    known = session.scalar(select(ArchiveMark.id).where(ArchiveMark.entity == entity,
                                                        ArchiveMark.entity_key == entity_key))
    if known is not None:
        return False
    session.add(ArchiveMark(entity=entity, entity_key=entity_key, closed_at=closed_at,
                            keep_until=keep_until, archived_at=utc_now(),
                            archived_by=actor.user_id, archived_by_name=actor.username))
    record_audit(session, actor=actor, action="archive", entity=entity, entity_key=entity_key,
                 after={"archived": True, "keep_until": keep_until.isoformat() if keep_until
                        else "permanent"})
    return True
