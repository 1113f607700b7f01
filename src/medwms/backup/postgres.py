"""PostgreSQL backup (pg_dump -Fc) and restore (pg_restore), checked in a scratch database.

The dump and the manifest's row counts come from one exported snapshot, so they agree
even while medwms keeps writing. A restore goes first into a scratch database, is checked
there, and only then replaces the target's `public` schema: the old schema is renamed
aside, the dump restored in one transaction and checked again; on any failure the old
schema is put back.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
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
from medwms.core.db import normalise_url

MAINTENANCE_DB = "postgres"


def _url(db_url: str) -> URL:
    return make_url(normalise_url(db_url))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(reason=f"{name} was not found: install the PostgreSQL client tools")
    return found


def _libpq_env(url: URL) -> dict[str, str]:
    """libpq settings for pg_dump/pg_restore; the password stays out of the process list."""
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    return env


def _run(args: list[str], url: URL) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=_libpq_env(url), capture_output=True, text=True,  # noqa: S603
                          check=False)


def _engine(url: URL, **kwargs: Any) -> Engine:
    return create_engine(url, poolclass=NullPool, **kwargs)


def backup_postgres(db_url: str, final: Path, created_at: str) -> Path:
    """pg_dump -Fc the database into `final` and write its manifest."""
    url, pg_dump = _url(db_url), _tool("pg_dump")
    partial = final.with_name(final.name + ".partial")
    engine = _engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            snapshot = str(conn.scalar(text("SELECT pg_export_snapshot()")))
            revision, counts = revision_of(conn), row_counts(conn)
            if revision is None:
                raise BackupFailed(reason=f"{url.database} is not a medwms database")
            done = _run([pg_dump, "-Fc", f"--snapshot={snapshot}", "-f", str(partial)], url)
            conn.rollback()
        if done.returncode != 0:
            raise BackupFailed(reason=f"pg_dump failed: {done.stderr.strip()[-500:]}")
        partial.replace(final)
    finally:
        engine.dispose()
        partial.unlink(missing_ok=True)
    Manifest(file=final.name, created_at=created_at, database="postgresql",
             alembic_revision=revision, sha256=sha256_of(final), size=final.stat().st_size,
             row_counts=counts, medwms_version=medwms_version()).write(final)
    return final


def restore_postgres(source: Path, db_url: str, *, force: bool) -> Manifest:
    """Check `source` in a scratch database, then restore it into the target's schema."""
    manifest = check_file(source, "postgresql")
    url, pg_restore = _url(db_url), _tool("pg_restore")
    listed = _run([pg_restore, "--list", str(source)], url)
    if listed.returncode != 0:
        raise BackupCorrupt(file=str(source), reason="pg_restore cannot read it ("
                            f"{listed.stderr.strip()[-300:]})")
    _ensure_database(url)
    _refuse_occupied(url, force)
    with _scratch_database(url) as scratch:
        _pg_restore(pg_restore, source, scratch)
        check_copy(scratch.render_as_string(hide_password=False), manifest, source)
    _replace_schema(pg_restore, source, url, manifest)
    return manifest


def _pg_restore(pg_restore: str, source: Path, url: URL) -> None:
    done = _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error",
                 "--single-transaction", "-d", str(url.database), str(source)], url)
    if done.returncode != 0:
        raise BackupCorrupt(file=str(source), reason="pg_restore failed ("
                            f"{done.stderr.strip()[-300:]})")


@contextmanager
def _admin(url: URL) -> Iterator[Connection]:
    engine = _engine(url.set(database=MAINTENANCE_DB), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _ensure_database(url: URL) -> None:
    with _admin(url) as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                             {"name": url.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))


@contextmanager
def _scratch_database(url: URL) -> Iterator[URL]:
    name = f"{str(url.database)[:40]}_restore_{secrets.token_hex(4)}"
    with _admin(url) as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name)
    finally:
        with _admin(url) as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _refuse_occupied(url: URL, force: bool) -> None:
    if force:
        return
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            held = occupancy(row_counts(conn))
    finally:
        engine.dispose()
    if held:
        raise RestoreTargetNotEmpty(target=str(url.database), detail=held)


def _replace_schema(pg_restore: str, source: Path, url: URL, manifest: Manifest) -> None:
    """Swap the target's public schema for the dump's; put the old one back on failure."""
    aside = f"medwms_pre_restore_{secrets.token_hex(4)}"
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'ALTER SCHEMA public RENAME TO "{aside}"'))
            conn.execute(text("CREATE SCHEMA public"))
        try:
            _pg_restore(pg_restore, source, url)
            check_copy(url.render_as_string(hide_password=False), manifest, source)
        except BaseException:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text(f'ALTER SCHEMA "{aside}" RENAME TO public'))
            raise
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{aside}" CASCADE'))
    finally:
        engine.dispose()
