"""`medwms demo`, `backup` and `restore` from the shell, on a temporary SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from medwms.cli import admin

app = typer.Typer()
app.command("demo")(admin.demo)
app.command("backup")(admin.backup)
app.command("restore")(admin.restore)

runner = CliRunner()


def use(monkeypatch: pytest.MonkeyPatch, database: Path) -> None:
    monkeypatch.setenv("MEDWMS_DATABASE_URL", f"sqlite:///{database}")


def test_demo_creates_the_database_and_prints_every_login(home: Path):
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    for role in ("admin", "manager", "receiver", "inspector", "picker", "verifier",
                 "shipper", "auditor", "integrator"):
        assert f"{role}-demo-2026" in result.output
    assert (home / "medwms.db").exists()


def test_demo_prints_the_numbers_of_its_day_and_where_the_barcode_sheet_is(home: Path):
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    for shown in ("ASN-DEMO-SH1", "OUT-DEMO-XHH", "WAV-", "CNT-", "MCK-", "SH1-CLD-T1",
                  "/demo/barcodes"):
        assert shown in result.output, shown


def test_demo_a_second_time_says_it_is_already_loaded(home: Path):
    runner.invoke(app, ["demo"])
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0
    assert "already loaded" in result.output


def test_backup_then_restore_into_a_new_database(home: Path, monkeypatch: pytest.MonkeyPatch):
    runner.invoke(app, ["demo"])
    made = runner.invoke(app, ["backup", str(home / "backups")])
    assert made.exit_code == 0, made.output
    file = next((home / "backups").glob("medwms-*.sqlite"))
    use(monkeypatch, home / "copy.db")
    restored = runner.invoke(app, ["restore", str(file)])
    assert restored.exit_code == 0, restored.output
    assert "ledger verified" in restored.output


def test_restore_over_data_needs_force(home: Path):
    runner.invoke(app, ["demo"])
    runner.invoke(app, ["backup", str(home / "backups")])
    file = next((home / "backups").glob("medwms-*.sqlite"))
    refused = runner.invoke(app, ["restore", str(file)])
    assert refused.exit_code == 2
    assert "RESTORE_TARGET_NOT_EMPTY" in refused.output
    forced = runner.invoke(app, ["restore", str(file), "--force"])
    assert forced.exit_code == 0, forced.output


def test_restore_of_a_damaged_file_exits_2_and_says_why(home: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    runner.invoke(app, ["demo"])
    runner.invoke(app, ["backup", str(home / "backups")])
    file = next((home / "backups").glob("medwms-*.sqlite"))
    file.write_bytes(file.read_bytes()[:1000])
    use(monkeypatch, home / "copy.db")
    result = runner.invoke(app, ["restore", str(file)])
    assert result.exit_code == 2
    assert "BACKUP_CHECKSUM_MISMATCH" in result.output
