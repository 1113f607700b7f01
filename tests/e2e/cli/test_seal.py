"""`medwms seal`, `medwms verify` and `medwms serve --workers` from the shell."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from medwms.cli.main import app

runner = CliRunner()


def test_the_demo_is_sealed_and_verifies_against_its_checkpoints(home: Path):
    assert runner.invoke(app, ["demo"]).exit_code == 0
    assert (home / "backups" / "seal.key").exists()
    assert (home / "backups" / "checkpoints.jsonl").read_text().count("\n") >= 2
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 0, result.output
    assert "signed checkpoints" in result.output
    assert "OK" in result.output


def test_seal_by_hand_then_verify_finds_a_rewritten_checkpoint_file(home: Path):
    runner.invoke(app, ["demo"])
    sealed = runner.invoke(app, ["seal"])
    assert sealed.exit_code == 0, sealed.output
    assert "Sealed 0 rows" in sealed.output
    path = home / "backups" / "checkpoints.jsonl"
    path.write_text(path.read_text().replace('"seq":', '"seq":1', 1))
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 1
    assert "not genuine" in result.output


def test_verify_without_the_seal_key_says_the_checkpoints_were_not_checked(home: Path):
    runner.invoke(app, ["demo"])
    (home / "backups" / "seal.key").unlink()
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 0, result.output
    assert "not checked: no seal key" in result.output


def test_several_workers_on_sqlite_are_refused_with_the_reason(home: Path):
    result = runner.invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "SQLite is served by one process" in result.output


def test_serving_beyond_loopback_with_the_development_secret_is_refused(home: Path):
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "development secret key" in result.output and "MEDWMS_SECRET_KEY" in result.output


def test_serving_beyond_loopback_with_a_short_secret_is_refused(home: Path, monkeypatch):
    monkeypatch.setenv("MEDWMS_SECRET_KEY", "short-secret")
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "shorter than 32 characters" in result.output
