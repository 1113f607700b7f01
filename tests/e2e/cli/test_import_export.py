"""`medwms import KIND FILE` and `medwms export KIND FILE` on a real SQLite file."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from medwms.cli.transfer import export_data, import_data
from medwms.core import migrate
from medwms.core.db import Database
from medwms.masterdata.tables import Item
from tests.integration.masterdata.files import ITEM_HEADER, count, csv_bytes

app = typer.Typer()
app.command("import")(import_data)
app.command("export")(export_data)
runner = CliRunner()
ROWS = [["A-1", "导管", "III", "LOT", "2030-01-01"], ["A-2", "手套", "I", "LOT", ""]]


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    monkeypatch.setenv("MEDWMS_DATABASE_URL", url)
    monkeypatch.setenv("MEDWMS_LANGUAGE", "en")
    yield database
    database.dispose()


def test_import_then_export_round_trips_through_files(db, tmp_path):
    source = tmp_path / "items.csv"
    source.write_bytes(csv_bytes(ITEM_HEADER, ROWS))
    result = runner.invoke(app, ["import", "items", str(source), "--reason", "initial"])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    target = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["export", "items", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"PK")
    result = runner.invoke(app, ["import", "items", str(target)])
    assert "2 unchanged" in result.output


def test_a_bad_file_exits_2_with_every_bad_row_and_writes_nothing(db, tmp_path):
    source = tmp_path / "items.csv"
    source.write_bytes(csv_bytes(ITEM_HEADER, [*ROWS, ["A-1", "x", "V", "LOT", "1/1/30"]]))
    result = runner.invoke(app, ["import", "items", str(source)])
    assert result.exit_code == 2
    assert "IMPORT_REJECTED" in result.output
    assert "row 4, column code" in result.output
    assert "row 4, column risk_class" in result.output
    assert "row 4, column registration_expiry" in result.output
    assert count(db, Item) == 0


def test_a_dry_run_writes_nothing(db, tmp_path):
    source = tmp_path / "items.csv"
    source.write_bytes(csv_bytes(ITEM_HEADER, ROWS))
    result = runner.invoke(app, ["import", "items", str(source), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert count(db, Item) == 0


def test_a_large_file_imports_with_a_progress_bar(db, tmp_path):
    source = tmp_path / "items.csv"
    rows = [[f"B-{i}", "器械", "II", "LOT", ""] for i in range(3000)]
    source.write_bytes(csv_bytes(ITEM_HEADER, rows))
    result = runner.invoke(app, ["import", "items", str(source)])
    assert result.exit_code == 0, result.output
    assert count(db, Item) == 3000


def test_an_unknown_kind_is_a_clear_error(db, tmp_path):
    source = tmp_path / "x.csv"
    source.write_bytes(b"code\nA\n")
    result = runner.invoke(app, ["import", "gizmos", str(source)])
    assert result.exit_code == 2
    assert "items, packaging" in result.output
