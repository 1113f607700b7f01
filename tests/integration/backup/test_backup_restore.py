"""Backup and restore: an identical copy that verifies, and refusals that change nothing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from medwms.auth.rules import SYSTEM
from medwms.backup.manifest import (
    BackupChecksumMismatch,
    BackupCorrupt,
    BackupManifestMissing,
    BackupUnknownRevision,
    BackupVerifyFailed,
    BackupWrongKind,
    RestoreTargetNotEmpty,
    manifest_path,
    sha256_of,
)
from medwms.backup.service import backup, restore
from medwms.core.db import Database
from medwms.demo import load_demo
from medwms.ledger.verify import verify
from medwms.schema import metadata
from tests.support.databases import (
    backends,
    drop_postgres,
    fresh_postgres,
    migrated_database,
    worker_suffix,
)

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
Rows = dict[str, list[tuple[object, ...]]]


class Pair:
    """A source database holding the demo, and the URL of an empty target database."""

    def __init__(self, source: Database, target_url: str, kind: str, folder: Path) -> None:
        self.source, self.target_url, self.kind, self.folder = source, target_url, kind, folder


@pytest.fixture(params=backends())
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    kind = request.param
    if kind == "sqlite":
        source = migrated_database("sqlite", tmp_path, "source")
        target = f"sqlite:///{tmp_path / 'target.db'}"
    else:
        source = Database(fresh_postgres(f"medwms_test_{worker_suffix()}_bsource"))
        from medwms.core import migrate

        migrate.upgrade(source.engine)
        target = fresh_postgres(f"medwms_test_{worker_suffix()}_restore")
    load_demo(source, actor=SYSTEM, now=NOW)
    yield Pair(source, target, kind, tmp_path / "backups")
    source.dispose()
    if kind == "postgresql":
        drop_postgres(f"medwms_test_{worker_suffix()}_bsource")
        drop_postgres(f"medwms_test_{worker_suffix()}_restore")


def all_rows(url_or_db: str | Database) -> Rows:
    db = url_or_db if isinstance(url_or_db, Database) else Database(url_or_db)
    try:
        with db.reading() as s:
            return {t.name: [tuple(r) for r in s.execute(
                select(t).order_by(*t.primary_key.columns))] for t in metadata().sorted_tables}
    finally:
        if not isinstance(url_or_db, Database):
            db.dispose()


def table_names(url: str) -> list[str]:
    db = Database(url)
    try:
        return inspect(db.engine).get_table_names()
    finally:
        db.dispose()


def verified(url: str) -> bool:
    db = Database(url)
    try:
        with db.reading() as s:
            return verify(s).ok
    finally:
        db.dispose()


def rewrite_manifest(file: Path, **changes: object) -> None:
    path = manifest_path(file)
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def test_backup_then_restore_gives_identical_tables_that_verify(pair: Pair):
    file = backup(pair.source.url, pair.folder)
    manifest = restore(file, pair.target_url)
    assert verified(pair.target_url)
    assert all_rows(pair.target_url) == all_rows(pair.source)
    assert manifest.row_counts["item"] > 40


def test_the_manifest_records_kind_revision_row_counts_and_sha256(pair: Pair):
    file = backup(pair.source.url, pair.folder)
    manifest = json.loads(manifest_path(file).read_text())
    assert file.name.startswith("medwms-") and file.suffix in (".sqlite", ".dump")
    assert manifest["database"] == pair.kind
    assert manifest["alembic_revision"]
    assert manifest["sha256"] == sha256_of(file)
    assert manifest["row_counts"]["movement"] == len(all_rows(pair.source)["movement"])


def test_two_backups_in_the_same_second_get_different_names(pair: Pair):
    first, second = backup(pair.source.url, pair.folder), backup(pair.source.url, pair.folder)
    assert first != second and first.exists() and second.exists()


def test_a_truncated_backup_is_refused_and_the_target_is_untouched(pair: Pair):
    file = backup(pair.source.url, pair.folder)
    data = file.read_bytes()
    file.write_bytes(data[: len(data) * 2 // 3])
    rewrite_manifest(file, sha256=sha256_of(file))
    restore(backup(pair.source.url, pair.folder), pair.target_url)
    before = all_rows(pair.target_url)
    with pytest.raises(BackupCorrupt) as refused:
        restore(file, pair.target_url, force=True)
    assert "Nothing was changed" in refused.value.message("en")
    assert all_rows(pair.target_url) == before


def test_a_checksum_mismatch_is_refused(pair: Pair):
    file = backup(pair.source.url, pair.folder)
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    with pytest.raises(BackupChecksumMismatch, match="sha256"):
        restore(file, pair.target_url)
    assert table_names(pair.target_url) == []


def test_a_backup_without_its_manifest_is_refused(pair: Pair):
    file = backup(pair.source.url, pair.folder)
    manifest_path(file).unlink()
    with pytest.raises(BackupManifestMissing, match="manifest"):
        restore(file, pair.target_url)


def test_restoring_over_data_needs_force(pair: Pair):
    file = backup(pair.source.url, pair.folder)
    with pytest.raises(RestoreTargetNotEmpty, match="force"):
        restore(file, pair.source.url)
    restore(file, pair.source.url, force=True)
    assert verified(pair.source.url)


def test_a_restore_with_force_replaces_other_data(pair: Pair):
    file = backup(pair.source.url, pair.folder)
    restore(file, pair.target_url)
    with pair.source.engine.begin() as conn:
        conn.execute(text("UPDATE item SET name_en = 'changed later'"))
    restore(file, pair.source.url, force=True)
    assert all_rows(pair.source) == all_rows(pair.target_url)


def test_a_backup_whose_ledger_does_not_verify_is_refused(pair: Pair):
    with pair.source.engine.begin() as conn:
        conn.execute(text("UPDATE stock SET quantity = quantity + 1 WHERE id = "
                          "(SELECT min(id) FROM stock)"))
    file = backup(pair.source.url, pair.folder)
    with pytest.raises(BackupVerifyFailed, match="ledger"):
        restore(file, pair.target_url)


def test_a_backup_from_an_unknown_revision_is_refused(pair: Pair):
    with pair.source.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffff'"))
    file = backup(pair.source.url, pair.folder)
    with pytest.raises(BackupUnknownRevision, match="newer medwms"):
        restore(file, pair.target_url)


def test_a_backup_of_the_other_kind_is_refused(tmp_path: Path):
    source = migrated_database("sqlite", tmp_path, "kind")
    file = backup(source.url, tmp_path / "b")
    source.dispose()
    with pytest.raises(BackupWrongKind, match="sqlite backup"):
        restore(file, "postgresql://nobody@127.0.0.1:1/none")


def test_sqlite_backup_works_while_another_connection_holds_a_write_transaction(
        tmp_path: Path):
    source = migrated_database("sqlite", tmp_path, "busy")
    load_demo(source, actor=SYSTEM, now=NOW)
    path = Path(source.engine.url.database or "")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE item SET name_en = 'uncommitted' WHERE id = 1")
        file = backup(source.url, tmp_path / "b")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    restore(file, target)
    assert all_rows(target) == all_rows(source)
    source.dispose()


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path):
    file = tmp_path / "medwms-20261125T000000Z.sqlite"
    file.write_bytes(b"this is not a database" * 100)
    source = migrated_database("sqlite", tmp_path, "x")
    good = backup(source.url, tmp_path / "b")
    source.dispose()
    manifest = json.loads(manifest_path(good).read_text())
    manifest.update(file=file.name, sha256=sha256_of(file))
    manifest_path(file).write_text(json.dumps(manifest))
    with pytest.raises(BackupCorrupt, match="SQLite cannot read it"):
        restore(file, f"sqlite:///{tmp_path / 'target.db'}")
    assert not (tmp_path / "target.db").exists() or \
        (tmp_path / "target.db").stat().st_size == 0
