"""What the CLI tests share: a home of their own (a SQLite file, backups, English)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MEDWMS_DATABASE_URL", f"sqlite:///{tmp_path / 'medwms.db'}")
    monkeypatch.setenv("MEDWMS_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("MEDWMS_LANGUAGE", "en")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path
