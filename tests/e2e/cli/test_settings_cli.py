"""`medwms settings list` and `medwms settings set NAME VALUE --reason …` on a migrated SQLite
file: the change is kept, audited, and a bad value exits 2 naming the rule."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from medwms.auth.audit import parse_snapshot
from medwms.auth.tables import AuditRecord
from medwms.cli.common import console
from medwms.cli.main import app
from medwms.core import migrate
from medwms.core.db import Database


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database(url)
    migrate.upgrade(db.engine)
    db.dispose()
    monkeypatch.setenv("MEDWMS_DATABASE_URL", url)
    monkeypatch.setenv("MEDWMS_LANGUAGE", "en")
    monkeypatch.setattr(console, "width", 200)
    return url


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_set_changes_a_setting_with_its_reason_and_list_shows_where_it_comes_from(url):
    done = run("settings", "set", "idempotency_hours", "72", "--reason", "long weekend")
    assert done.exit_code == 0, done.output
    assert "48 → 72" in done.output
    listed = run("settings", "list")
    line = next(row for row in listed.output.splitlines() if "idempotency_hours" in row)
    assert "72" in line
    assert "runtime" in line
    db = Database(url)
    with db.reading() as session:
        record = session.scalars(select(AuditRecord).where(AuditRecord.entity == "setting")).one()
        assert (parse_snapshot(record.before), parse_snapshot(record.after)["value"],
                record.reason) == ({"value": "48"}, "72", "long weekend")
        assert record.actor_name.startswith("cli:")
    db.dispose()


def test_a_bad_value_exits_2_and_names_the_rule(url):
    refused = CliRunner().invoke(app, ["settings", "set", "login_max_failures", "0",
                                       "--reason", "testing"])
    assert refused.exit_code == 2
    assert "SETTING_VALUE_REFUSED" in refused.output
    assert "at least 1" in refused.output
    back = run("settings", "set", "login_max_failures", "--environment", "--reason", "undo")
    assert back.exit_code == 0, back.output
