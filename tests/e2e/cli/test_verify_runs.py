"""`medwms verify` records its run, as the verification page does: the page shows it."""

from __future__ import annotations

import getpass
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from medwms.auth.rules import SYSTEM
from medwms.cli.main import app
from medwms.core.db import Database
from medwms.ledger.queries import verify_runs

runner = CliRunner()


def recorded(home: Path):
    db = Database(f"sqlite:///{home / 'medwms.db'}")
    try:
        with db.reading() as s:
            return verify_runs(s, actor=SYSTEM)
    finally:
        db.dispose()


def test_verify_from_the_shell_records_a_passed_run_then_a_failed_one(home: Path):
    assert runner.invoke(app, ["demo"]).exit_code == 0
    assert runner.invoke(app, ["verify"]).exit_code == 0
    db = Database(f"sqlite:///{home / 'medwms.db'}")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_record SET reason = 'edited' WHERE seq = 1"))
    db.dispose()
    failed = runner.invoke(app, ["verify"])
    assert failed.exit_code == 1
    latest, first = recorded(home)
    assert (first.ok, latest.ok) == (True, False)
    assert (latest.source, latest.actor_name) == ("cli", f"cli:{getpass.getuser()}")
    assert "altered" in latest.problems[0]
    assert "FAIL" in failed.output
    assert first.movements > 0 and first.checkpoints > 0
