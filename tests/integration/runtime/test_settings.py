"""Changing a runtime setting for real: audited with old, new and reason; refused values name
the setting, the value and the rule; the effective settings see a change within the cache."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from medwms.auth.audit import parse_snapshot
from medwms.auth.tables import AuditRecord
from medwms.config import Settings
from medwms.core.errors import PermissionDenied
from medwms.runtime import queries, service
from medwms.runtime.effective import EffectiveSettings
from medwms.runtime.errors import (
    SettingNotEditable,
    SettingReasonMissing,
    SettingUnknown,
    SettingValueRefused,
)
from tests.support.users import actor_of, make_user


@dataclass(frozen=True)
class Audited:
    before: dict
    after: dict
    reason: str
    actor_name: str


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _admin(db):
    return actor_of(make_user(db, "root-admin", "admin"))


def _audit(db, name):
    with db.reading() as session:
        rows = session.scalars(select(AuditRecord).where(AuditRecord.entity == "setting",
                                                         AuditRecord.entity_key == name)
                               .order_by(AuditRecord.id))
        return [Audited(parse_snapshot(row.before), parse_snapshot(row.after), row.reason,
                        row.actor_name) for row in rows]


def test_a_change_is_audited_with_the_old_value_the_new_value_and_the_reason(db):
    admin, base = _admin(db), Settings(database_url=db.url)
    service.set_setting(db=db, actor=admin, base=base, name="session_idle_minutes",
                        value="45", reason="夜班扫描间隔长")
    changed = service.set_setting(db=db, actor=admin, base=base, name="session_idle_minutes",
                                  value="20", reason="security review")
    assert (changed.old, changed.new) == ("45", "20")
    first, second = _audit(db, "session_idle_minutes")
    assert first.before == {"value": "30"}
    assert first.after["value"] == "45"
    assert first.reason == "夜班扫描间隔长"
    assert (second.before, second.after["value"]) == (
        {"value": "45"}, "20")
    assert second.actor_name == "root-admin"
    rows = {row.name: row for row in queries.setting_rows(db, actor=admin, base=base)}
    assert (rows["session_idle_minutes"].effective, rows["session_idle_minutes"].source) == (
        "20", queries.Source.RUNTIME)
    assert rows["login_max_failures"].source == queries.Source.DEFAULT


def test_a_value_below_the_declared_bound_is_refused_naming_field_value_and_rule(db):
    admin, base = _admin(db), Settings(database_url=db.url)
    with pytest.raises(SettingValueRefused) as refused:
        service.set_setting(db=db, actor=admin, base=base, name="login_max_failures",
                            value="0", reason="try it")
    assert "login_max_failures" in refused.value.message("en")
    assert "'0'" in refused.value.message("en")
    assert "at least 1" in refused.value.message("en")
    assert "须不小于 1" in refused.value.message("zh-CN")
    with pytest.raises(SettingValueRefused, match="whole number"):
        service.set_setting(db=db, actor=admin, base=base, name="idempotency_hours",
                            value="two days", reason="try it")
    with pytest.raises(SettingValueRefused, match="true or false"):
        service.set_setting(db=db, actor=admin, base=base, name="pick_serial_substitution",
                            value="maybe", reason="try it")
    assert _audit(db, "login_max_failures") == []


def test_a_change_without_a_reason_or_of_a_start_up_setting_is_refused(db):
    admin, base = _admin(db), Settings(database_url=db.url)
    with pytest.raises(SettingReasonMissing):
        service.set_setting(db=db, actor=admin, base=base, name="token_minutes", value="60",
                            reason="  ")
    with pytest.raises(SettingNotEditable, match="MEDWMS_DATABASE_URL"):
        service.set_setting(db=db, actor=admin, base=base, name="database_url",
                            value="sqlite://", reason="move it")
    with pytest.raises(SettingUnknown):
        service.set_setting(db=db, actor=admin, base=base, name="no_such", value="1",
                            reason="try it")


def test_only_an_administrator_changes_a_setting(db):
    picker = actor_of(make_user(db, "pia", "picker"))
    with pytest.raises(PermissionDenied):
        service.set_setting(db=db, actor=picker, base=Settings(database_url=db.url),
                            name="token_minutes", value="60", reason="longer shifts")


def test_a_change_takes_effect_within_the_cache_time_and_back_to_the_environment(db):
    admin, base, clock = _admin(db), Settings(database_url=db.url, login_lockout_minutes=20), \
        Clock()
    runtime = EffectiveSettings(base, db, seconds=5, clock=clock)
    assert runtime.current().login_lockout_minutes == 20
    service.set_setting(db=db, actor=admin, base=base, name="login_lockout_minutes",
                        value="60", reason="brute force seen")
    clock.now += 4.9
    assert runtime.current().login_lockout_minutes == 20  # still the cached settings
    clock.now += 0.2
    assert runtime.current().login_lockout_minutes == 60
    service.set_setting(db=db, actor=admin, base=base, name="login_lockout_minutes",
                        value=None, reason="attack over")
    clock.now += 5.1
    assert runtime.current().login_lockout_minutes == 20
    rows = {row.name: row for row in queries.setting_rows(db, actor=admin, base=base)}
    assert rows["login_lockout_minutes"].source == queries.Source.ENVIRONMENT
    assert _audit(db, "login_lockout_minutes")[-1].after["source"] == "environment"
