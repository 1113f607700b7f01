"""What backup and restore share: the errors, the manifest, and the checks of a copy.

    DomainError
    ├── BackupFailed             a backup could not be made (database, tool, disk)
    ├── BackupUnusable           a backup file that must not be restored; nothing changed
    │   ├── BackupManifestMissing    no manifest next to the file
    │   ├── BackupChecksumMismatch   the file's sha256 is not the manifest's
    │   ├── BackupCorrupt            unreadable, fails integrity or differs from its manifest
    │   ├── BackupWrongKind          a PostgreSQL dump for SQLite or the other way round
    │   ├── BackupUnknownRevision    made by a medwms whose migrations this one lacks
    │   └── BackupVerifyFailed       the restored copy fails the ledger's verify
    └── Conflict
        └── RestoreTargetNotEmpty    the target holds data and force was not given
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, ClassVar

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, inspect, select, text

from medwms.core import migrate
from medwms.core.db import Database
from medwms.core.errors import Conflict, DomainError
from medwms.ledger.verify import verify
from medwms.schema import metadata

FORMAT = "medwms-backup/1"
MANIFEST_SUFFIX = ".manifest.json"


class BackupFailed(DomainError):
    code = "BACKUP_FAILED"
    status = 500
    message_en = "The backup failed: {reason}"
    message_zh = "备份失败：{reason}"


class BackupUnusable(DomainError):
    code = "BACKUP_UNUSABLE"
    status = 422
    message_en = "Backup {file} cannot be restored: {reason}. Nothing was changed."
    message_zh = "备份 {file} 无法恢复：{reason}。未做任何更改。"


class BackupManifestMissing(BackupUnusable):
    code = "BACKUP_MANIFEST_MISSING"


class BackupChecksumMismatch(BackupUnusable):
    code = "BACKUP_CHECKSUM_MISMATCH"


class BackupCorrupt(BackupUnusable):
    code = "BACKUP_CORRUPT"


class BackupWrongKind(BackupUnusable):
    code = "BACKUP_WRONG_KIND"


class BackupUnknownRevision(BackupUnusable):
    code = "BACKUP_UNKNOWN_REVISION"


class BackupVerifyFailed(BackupUnusable):
    code = "BACKUP_VERIFY_FAILED"


class RestoreTargetNotEmpty(Conflict):
    code = "RESTORE_TARGET_NOT_EMPTY"
    message_en = ("The target database {target} already holds data ({detail}): "
                  "restore with force to replace it.")
    message_zh = "目标数据库 {target} 已有数据（{detail}）：如需覆盖请使用强制恢复（force）。"


@dataclass(frozen=True)
class Manifest:
    """The record kept next to a backup file."""

    KIND_SUFFIX: ClassVar[dict[str, str]] = {"sqlite": ".sqlite", "postgresql": ".dump"}

    file: str
    created_at: str
    database: str
    alembic_revision: str
    sha256: str
    size: int
    row_counts: dict[str, int]
    medwms_version: str
    format: str = FORMAT

    def write(self, backup_file: Path) -> Path:
        """Write the manifest as JSON next to `backup_file`; its path."""
        path = manifest_path(backup_file)
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        return path


def manifest_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + MANIFEST_SUFFIX)


def read_manifest(backup_file: Path) -> Manifest:
    """The manifest of `backup_file`, or BackupManifestMissing / BackupCorrupt."""
    path = manifest_path(backup_file)
    if not path.is_file():
        raise BackupManifestMissing(file=str(backup_file),
                                    reason=f"its manifest {path.name} is missing")
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (ValueError, TypeError) as error:
        raise BackupCorrupt(file=str(backup_file),
                            reason=f"its manifest {path.name} is unreadable ({error})") from error
    if manifest.format != FORMAT:
        raise BackupCorrupt(file=str(backup_file), reason=f"unknown format {manifest.format}")
    return manifest


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(backup_file: Path, kind: str) -> Manifest:
    """The manifest, once the file exists, is of `kind` and matches its sha256."""
    if not backup_file.is_file():
        raise BackupCorrupt(file=str(backup_file), reason="the file does not exist")
    manifest = read_manifest(backup_file)
    if manifest.database != kind:
        raise BackupWrongKind(file=str(backup_file),
                              reason=f"it is a {manifest.database} backup, the target is {kind}")
    actual = sha256_of(backup_file)
    if actual != manifest.sha256:
        raise BackupChecksumMismatch(
            file=str(backup_file),
            reason=f"its sha256 is {actual[:16]}…, the manifest says {manifest.sha256[:16]}… "
                   "(the file was changed or cut short)")
    return manifest


def medwms_version() -> str:
    try:
        return version("medwms")
    except PackageNotFoundError:
        return "unknown"


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per medwms table (tables missing from the database are left out)."""
    present = set(inspect(conn).get_table_names())
    return {table.name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in sorted(metadata().sorted_tables, key=lambda t: t.name)
            if table.name in present}


def revision_of(conn: Connection) -> str | None:
    """The alembic revision stamped in the database (None if it has none)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    found = conn.scalar(text("SELECT version_num FROM alembic_version"))
    return None if found is None else str(found)


def known_revisions() -> tuple[set[str], str | None]:
    """Every revision this medwms knows, and its head."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    return {s.revision for s in script.walk_revisions()}, script.get_current_head()


def check_copy(url: str, manifest: Manifest, file: Path) -> None:
    """Check a restored scratch copy: revision, row counts, then the ledger's verify."""
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            revision, counts = revision_of(conn), row_counts(conn)
        _check_revision(revision, manifest, file)
        if counts != manifest.row_counts:
            raise BackupCorrupt(file=str(file), reason="its row counts differ from the "
                                f"manifest's ({_first_difference(counts, manifest.row_counts)})")
        _, head = known_revisions()
        if revision != head:
            migrate.upgrade(db.engine)
        with db.reading() as session:
            report = verify(session)
        if not report.ok:
            raise BackupVerifyFailed(file=str(file), reason="the ledger check failed: "
                                     + "; ".join(report.problems[:3]))
    finally:
        db.dispose()


def _check_revision(revision: str | None, manifest: Manifest, file: Path) -> None:
    known, _ = known_revisions()
    if revision is None:
        raise BackupCorrupt(file=str(file), reason="it holds no medwms schema (no alembic "
                            "revision)")
    if revision != manifest.alembic_revision:
        raise BackupCorrupt(file=str(file), reason=f"it is at revision {revision}, the "
                            f"manifest says {manifest.alembic_revision}")
    if revision not in known:
        raise BackupUnknownRevision(file=str(file), reason=f"revision {revision} comes from "
                                    "a newer medwms; upgrade medwms first")


def _first_difference(actual: dict[str, int], expected: dict[str, int]) -> str:
    for name in sorted(set(actual) | set(expected)):
        if actual.get(name) != expected.get(name):
            return f"{name}: {actual.get(name)} rows, manifest {expected.get(name)}"
    return "none"


def occupancy(counts: dict[str, int]) -> str | None:
    """A short description of what the tables hold, or None when every table is empty."""
    held = [f"{name}: {rows} rows" for name, rows in sorted(counts.items()) if rows]
    if not held:
        return None
    return ", ".join(held[:3]) + (f" and {len(held) - 3} more tables" if len(held) > 3 else "")
