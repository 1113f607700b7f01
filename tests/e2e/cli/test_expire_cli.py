"""`medwms expire` on a migrated SQLite file: prints what it locked, and nothing the second
time."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from medwms.cli.common import console
from medwms.cli.main import app
from medwms.core import migrate
from medwms.core.db import Database
from tests.support.nonconforming import balances, put, quality_floor


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    monkeypatch.setenv("MEDWMS_DATABASE_URL", url)
    monkeypatch.setenv("MEDWMS_LANGUAGE", "en")
    monkeypatch.setattr(console, "width", 200)
    yield database
    database.dispose()


def test_expire_prints_the_locked_lot_and_a_second_run_locks_nothing(db):
    q = quality_floor(db)
    put(db, q, "OLD", date(2020, 3, 1), 5)
    put(db, q, "GOOD", date(2099, 1, 1), 5, at="A-02")
    first = CliRunner().invoke(app, ["expire"])
    assert first.exit_code == 0, first.output
    assert "OLD" in first.output and "WH1-A-01" in first.output and "2020-03-01" in first.output
    assert "5 unit(s) in 1 balance(s) locked as EXPIRED" in first.output
    assert "GOOD" not in first.output
    again = CliRunner().invoke(app, ["expire"])
    assert again.exit_code == 0 and "Nothing to lock" in again.output
    assert balances(db)[("OLD", "WH1-A-01", "EXPIRED")] == 5
