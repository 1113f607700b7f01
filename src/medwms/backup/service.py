"""Backup and restore of the whole database: SQLite files and PostgreSQL dumps.

`backup` writes `medwms-<UTC time>.sqlite` (SQLite online backup API) or `.dump`
(pg_dump -Fc) into a directory, with a JSON manifest beside it: time, database kind,
alembic revision, row counts per table and the file's sha256. `restore` refuses a file
whose manifest or checksum does not match, checks it on a scratch copy (integrity, known
revision, row counts, the ledger's verify) and only then replaces the target; it refuses
a target that holds data unless `force` is given.
"""

from __future__ import annotations

from pathlib import Path

from medwms.backup.manifest import BackupFailed, Manifest
from medwms.backup.postgres import backup_postgres, restore_postgres
from medwms.backup.sqlite import backup_sqlite, database_file, restore_sqlite
from medwms.core.clock import utc_now
from medwms.core.db import normalise_url

__all__ = ["backup", "database_kind", "restore"]

SUFFIX = {"sqlite": ".sqlite", "postgresql": ".dump"}


def database_kind(db_url: str) -> str:
    """"sqlite" or "postgresql" for a database URL; anything else is refused."""
    url = normalise_url(db_url)
    for kind in SUFFIX:
        if url.startswith(kind):
            return kind
    raise BackupFailed(reason=f"only SQLite and PostgreSQL can be backed up, not {url[:20]}")


def backup(db_url: str, target_dir: Path | str) -> Path:
    """Back the database up into `target_dir`; the path of the new backup file."""
    kind = database_kind(db_url)
    moment = utc_now()
    folder = Path(target_dir)
    folder.mkdir(parents=True, exist_ok=True)
    final = _free_name(folder, f"medwms-{moment:%Y%m%dT%H%M%SZ}", SUFFIX[kind])
    created_at = moment.isoformat(timespec="seconds").replace("+00:00", "Z")
    if kind == "sqlite":
        return backup_sqlite(database_file(db_url), final, created_at)
    return backup_postgres(db_url, final, created_at)


def restore(source_file: Path | str, db_url: str, *, force: bool = False) -> Manifest:
    """Check a backup on a scratch copy, then replace the database at `db_url` with it."""
    source = Path(source_file)
    if database_kind(db_url) == "sqlite":
        return restore_sqlite(source, database_file(db_url), force=force)
    return restore_postgres(source, db_url, force=force)


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    """`stem` + `suffix` in `folder`, with -2, -3 … when a backup of that second exists."""
    candidate, number = folder / f"{stem}{suffix}", 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{stem}-{number}{suffix}"
    return candidate
