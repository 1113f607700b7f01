"""The audit page's filter: times typed in the warehouse's zone, ends inclusive, bad input
named by its field."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import resources

import pytest

from medwms.auth.queries import AuditView
from medwms.core.errors import ValidationError
from medwms.masterdata.kinds import KINDS
from medwms.web.forms import in_language
from medwms.web.pages import audit_words
from medwms.web.pages.audit import audit_filter, fields_of

EMPTY = {"user": "", "entity": "", "entity_key": "", "action": "", "since": "", "until": "",
         "after": ""}


def typed(**given: str) -> dict[str, str]:
    return EMPTY | given


def test_dates_cover_whole_days_in_the_warehouse_zone():
    flt, after = audit_filter(typed(since="2026-12-01", until="2026-12-01"), "Asia/Shanghai")
    assert flt.since == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert flt.until == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    assert after is None


def test_a_time_to_the_minute_includes_that_minute():
    flt, _ = audit_filter(typed(since="2026-12-01T09:30", until="2026-12-01T09:45",
                                user="ann", after="120"), "Asia/Shanghai")
    assert flt.since == datetime(2026, 12, 1, 1, 30, tzinfo=UTC)
    assert flt.until == datetime(2026, 12, 1, 1, 46, tzinfo=UTC)
    assert flt.user == "ann"
    assert audit_filter(typed(after="120"), "UTC")[1] == 120


def test_empty_fields_filter_nothing():
    flt, after = audit_filter(typed(), "UTC")
    assert (flt.user, flt.entity, flt.entity_key, flt.action, flt.since, flt.until, after) == (
        None, None, None, None, None, None, None)


@pytest.mark.parametrize(("given", "field"), [
    ({"since": "yesterday"}, "since"),
    ({"until": "2026-13-01"}, "until"),
    ({"since": "2026-12-02", "until": "2026-12-01"}, "until"),
    ({"after": "abc"}, "after"),
    ({"after": "-3"}, "after"),
    ({"after": "9" * 30}, "after"),
    ({"since": "0001-01-01T00:00"}, "since"),
    ({"until": "9999-12-31"}, "until"),
])
def test_bad_input_is_refused_naming_its_field(given, field):
    with pytest.raises(ValidationError) as refused:
        audit_filter(typed(**given), "Asia/Shanghai")
    assert [p.column for p in refused.value.problems] == [field]
    said = refused.value.problems[0].message
    assert in_language(said, "zh-CN") != in_language(said, "en")  # both languages


def test_the_fields_of_a_change_mark_what_changed():
    view = AuditView(id=1, seq=None, at=datetime(2026, 12, 1, tzinfo=UTC), actor_name="ann",
                     action="update", entity="item", entity_key="STENT",
                     before={"name": "支架", "qty": 1, "note": None},
                     after={"name": "支架", "qty": 2, "tags": ["a"]}, reason="")
    shown = [(f.name, f.old, f.new, f.changed) for f in fields_of(view)]
    assert shown == [("name", "支架", "支架", False), ("note", "—", None, True),
                     ("qty", "1", "2", True), ("tags", None, '["a"]', True)]


def test_a_stored_code_is_shown_in_its_word_and_other_text_as_stored():
    view = AuditView(id=2, seq=None, at=datetime(2026, 12, 1, tzinfo=UTC), actor_name="ann",
                     action="close", entity="recall_case", entity_key="RC-1",
                     before={"status": "OPEN", "note": "OPEN door"},
                     after={"status": "CLOSED", "note": "OPEN door"}, reason="")
    words = {"OPEN": "进行中", "CLOSED": "已关闭"}
    shown = [(f.name, f.old, f.new) for f in fields_of(view, lambda c: words.get(c, c))]
    assert shown == [("note", "OPEN door", "OPEN door"), ("status", "进行中", "已关闭")]


def test_every_action_the_services_write_and_every_master_data_field_has_its_word():
    # The audit page shows a stored action or field name as it is when no word is marked.
    source = resources.files("medwms")
    written = {match for path in _python_files(source)
               for match in re.findall(r'\baction="([a-z_.]+)"', path.read_text("utf-8"))}
    assert written - set(audit_words.ACTIONS) == set()
    columns = {column.name for kind in KINDS.values() for column in kind.columns}
    assert columns - set(audit_words.FIELDS) == set()


def _python_files(folder):
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _python_files(entry)
        elif entry.name.endswith(".py"):
            yield entry
