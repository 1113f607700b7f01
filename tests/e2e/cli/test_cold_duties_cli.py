"""`medwms coldchain recipients|escalate|warnings` and `medwms equipment add|check|list` on a
migrated SQLite file: an administrator's way to the same services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from medwms.auth.rules import SYSTEM
from medwms.cli.common import console
from medwms.cli.main import app
from medwms.coldchain import alarm_queries
from medwms.coldchain.escalator import AlarmEscalator
from medwms.coldchain.ingest import ingest
from medwms.core import migrate
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from tests.support.coldchain import SENSOR, make_cold_room, series
from tests.support.users import actor_of, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    make_cold_room(database)
    database.people = {name: actor_of(make_user(database, name, role))  # type: ignore[attr-defined]
                       for name, role in (("ann", "inspector"), ("bob", "inspector"),
                                          ("qm", "quality"))}
    monkeypatch.setenv("MEDWMS_DATABASE_URL", url)
    monkeypatch.setenv("MEDWMS_LANGUAGE", "en")
    monkeypatch.setenv("MEDWMS_ATTACHMENTS_DIR", str(tmp_path / "att"))
    monkeypatch.setattr(console, "width", 200)
    yield database
    database.dispose()


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_recipients_are_set_and_one_is_refused(db):
    refused = CliRunner().invoke(app, ["coldchain", "recipients", "CR1", "--first", "ann"])
    assert refused.exit_code != 0 and "TOO_FEW_ALARM_RECIPIENTS" in refused.output
    assert "first ann, bob" in run("coldchain", "recipients", "CR1", "--warehouse", "WH1",
                                   "--first", "ann,bob", "--escalation", "qm")


def test_escalate_by_hand_and_by_the_job(db):
    run("coldchain", "recipients", "CR1", "--first", "ann,bob", "--escalation", "qm")
    start = utc_now().replace(second=0, microsecond=0) - timedelta(hours=2)
    [breach_no] = ingest(db, actor=SYSTEM, source="API", now=start + timedelta(minutes=20),
                         readings=series(start, [5.0] + [9.0] * 12 + [5.0])).opened
    assert AlarmEscalator(db, after_minutes=600).run_once() == []
    assert breach_no in run("coldchain", "escalate")
    assert "0 alarm(s) escalated" in run("coldchain", "escalate")
    with db.reading() as s:
        [notice] = alarm_queries.my_notices(s, db.people["qm"].user_id)
        assert alarm_queries.unacknowledged(s, db.people["ann"].user_id) == 1
    assert (notice.breach_no, notice.level) == (breach_no, "ESCALATION")


def test_equipment_is_added_checked_with_a_scan_and_listed(db, tmp_path):
    run("equipment", "add", SENSOR, "--kind", "sensor")
    scan = tmp_path / "cert.pdf"
    scan.write_bytes(PDF)
    today = local_date(utc_now())
    out = run("equipment", "check", SENSOR, "--kind", "calibration", "--performed-on",
              str(today - timedelta(days=1)), "--certificate-no", "JL-9", "--body", "NIM",
              "--next-due", str(today + timedelta(days=300)), "--certificate", str(scan))
    assert "CALIBRATION PASS" in out
    [line] = run("equipment", "list").splitlines()
    assert line.split() == ["SENSOR", SENSOR, "in", "date", str(today + timedelta(days=300))]
    assert "TOO_FEW_ALARM_RECIPIENTS" in run("coldchain", "warnings")
