"""`medwms qualification expiring` and `files` on a migrated SQLite file."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from medwms.cli.main import app
from medwms.core import migrate
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.qualification.service import CredentialIn
from tests.support.qualification import add_signed, file_of, quality_manager
from tests.support.receiving import make_inbound

SOON = local_date(utc_now()) + timedelta(days=15)


@pytest.fixture
def filed(home, monkeypatch):
    url = f"sqlite:///{home / 'medwms.db'}"
    db = Database(url)
    migrate.upgrade(db.engine)
    with db.unit_of_work() as uow:
        make_inbound(uow.session)
        uow.commit()
    qa = quality_manager(db)
    add_signed(db, qa, file_of(db, partner="SUP1"),
               CredentialIn("TRADING_LICENCE", "沪械经营许CLI", valid_until=SOON))
    db.dispose()
    monkeypatch.setenv("MEDWMS_CREDENTIAL_WARNING_DAYS", "20")
    return home


def test_expiring_lists_the_licence_within_the_setting_as_json_and_a_table(filed):
    result = CliRunner().invoke(app, ["qualification", "expiring", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["code"], r["number"], r["days_left"]) for r in rows] == [("SUP1", "沪械经营许CLI",
                                                                        15)]
    table = CliRunner().invoke(app, ["qualification", "expiring"])
    assert table.exit_code == 0 and "20 天内到期的证照" in table.output
    assert "Nothing lapses" not in table.output
    narrow = CliRunner().invoke(app, ["qualification", "expiring", "--days", "10"])
    assert "Nothing lapses" in narrow.output


def test_files_lists_the_files_of_a_state(filed):
    result = CliRunner().invoke(app, ["qualification", "files", "--state", "APPROVED"])
    assert result.exit_code == 0, result.output
    assert "SUP1" in result.output and "STENT" in result.output
