"""SQLite backup and restore through SQLite's online backup API.

The backup API copies a consistent snapshot page by page while medwms keeps running (in
WAL mode readers and writers do not block a backup). A restore is checked on a scratch
copy first, then copied into the target with the same API, so open connections and the
target's WAL see the new content instead of a file swapped under their feet.
"""

from __future__ import annotations

import secrets
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from medwms.backup.manifest import (
    BackupCorrupt,
    BackupFailed,
    Manifest,
    RestoreTargetNotEmpty,
    check_copy,
    check_file,
    medwms_version,
    occupancy,
    revision_of,
    row_counts,
    sha256_of,
)

TIMEOUT = 30.0


def database_file(db_url: str) -> Path:
    """The file behind a SQLite URL (an in-memory database cannot be backed up)."""
    name = make_url(db_url).database
    if not name or name == ":memory:":
        raise BackupFailed(reason="an in-memory SQLite database has no file to back up")
    return Path(name)


def backup_sqlite(source: Path, final: Path, created_at: str) -> Path:
    """Copy `source` into `final` (via a partial file) and write its manifest."""
    if not source.is_file():
        raise BackupFailed(reason=f"the database file {source} does not exist")
    partial = final.with_name(final.name + ".partial")
    try:
        _copy(source, partial, journal="DELETE")
        revision, counts = _describe(partial)
        if revision is None:
            raise BackupFailed(reason=f"{source} is not a medwms database (no alembic revision)")
        partial.replace(final)
    finally:
        partial.unlink(missing_ok=True)
    Manifest(file=final.name, created_at=created_at, database="sqlite",
             alembic_revision=revision, sha256=sha256_of(final), size=final.stat().st_size,
             row_counts=counts, medwms_version=medwms_version()).write(final)
    return final


def restore_sqlite(source: Path, target: Path, *, force: bool) -> Manifest:
    """Check `source` on a scratch copy, then copy it into `target`."""
    manifest = check_file(source, "sqlite")
    _refuse_occupied(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.name}.restore-{secrets.token_hex(4)}")
    try:
        shutil.copyfile(source, scratch)
        _integrity(scratch, source)
        check_copy(f"sqlite:///{scratch}", manifest, source)
        _copy(scratch, target, journal=None)
    finally:
        for leftover in (scratch, *(scratch.with_name(scratch.name + s)
                                    for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
    return manifest


def _copy(source: Path, target: Path, *, journal: str | None) -> None:
    with closing(sqlite3.connect(source, timeout=TIMEOUT)) as src, \
            closing(sqlite3.connect(target, timeout=TIMEOUT)) as dst:
        src.execute(f"PRAGMA busy_timeout={int(TIMEOUT * 1000)}")
        dst.execute(f"PRAGMA busy_timeout={int(TIMEOUT * 1000)}")
        src.backup(dst)
        if journal:
            dst.execute(f"PRAGMA journal_mode={journal}")


def _describe(path: Path) -> tuple[str | None, dict[str, int]]:
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return revision_of(conn), row_counts(conn)
    finally:
        engine.dispose()


def _integrity(scratch: Path, source: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{scratch}?mode=ro", uri=True)) as conn:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        raise BackupCorrupt(file=str(source), reason=f"SQLite cannot read it ({error})") from error
    if result != ["ok"]:
        raise BackupCorrupt(file=str(source),
                            reason="SQLite's integrity check failed: " + "; ".join(result[:3]))


def _refuse_occupied(target: Path, force: bool) -> None:
    if force or not target.exists() or target.stat().st_size == 0:
        return
    try:
        _, counts = _describe(target)
        held = occupancy(counts)
    except (DBAPIError, sqlite3.DatabaseError) as error:  # not a database: occupied
        held = f"unreadable as a medwms database: {error}"
    if held:
        raise RestoreTargetNotEmpty(target=str(target), detail=held)
