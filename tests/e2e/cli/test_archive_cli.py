"""`medwms archive --closed-before DATE` on a migrated SQLite file: the closed receipt leaves
the working list with its keep-until day shown, and stays readable by number."""

from __future__ import annotations

from datetime import UTC, date, datetime

from typer.testing import CliRunner

from medwms.cli.common import console
from medwms.cli.main import app
from medwms.core import migrate
from medwms.core.db import Database
from medwms.receiving import queries as receiving
from tests.support.archive import closed_receipt
from tests.support.builders import make_item, make_lot, make_site


def test_archive_takes_the_closed_receipt_out_of_the_working_list(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database(url)
    migrate.upgrade(db.engine)
    with db.unit_of_work() as uow:
        site = make_site(uow.session)
        gauze = make_item(uow.session, "GAUZE")
        closed_receipt(uow.session, site, "R-2025-0001", datetime(2025, 3, 1, tzinfo=UTC),
                       (gauze, make_lot(uow.session, gauze, "G1", date(2027, 5, 31))))
        uow.commit()
    monkeypatch.setenv("MEDWMS_DATABASE_URL", url)
    monkeypatch.setenv("MEDWMS_LANGUAGE", "en")
    monkeypatch.setattr(console, "width", 200)
    done = CliRunner().invoke(app, ["archive", "--closed-before", "2026-01-01"],
                              catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "R-2025-0001" in done.output
    assert "2029-05-31" in done.output
    assert "nothing was deleted" in done.output
    with db.reading() as s:
        assert receiving.list_receipts(s) == []
        assert receiving.get_receipt(s, "R-2025-0001").header.receipt_no == "R-2025-0001"
    db.dispose()
