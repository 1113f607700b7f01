"""Test databases: one migrated SQLite file, and one PostgreSQL database per test worker.

A test gets an empty, migrated database; its rows are deleted after the test (services
commit for real, so a rolled-back outer transaction would hide what they do).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from medwms.core import migrate
from medwms.core.db import Database, normalise_url
from medwms.schema import metadata

PG_ENV = "MEDWMS_TEST_DATABASE_URL"


def postgres_base_url() -> str | None:
    url = os.environ.get(PG_ENV)
    return normalise_url(url) if url else None


def worker_suffix() -> str:
    """The process id: test processes (xdist workers, other sessions) never share a database."""
    return f"p{os.getpid()}"


def fresh_postgres(name: str) -> str:
    """Create (or recreate) database `name` on the test server and return its URL."""
    base = postgres_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1/test)")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def drop_postgres(name: str) -> None:
    base = postgres_base_url()
    if base is None:
        return
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def migrated_database(backend: str, tmp: Path, tag: str = "") -> Database:
    """A new database of `backend` ("sqlite" or "postgresql"), migrated to head."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp / f'medwms{tag}.db'}"
    else:
        url = fresh_postgres(f"medwms_test_{worker_suffix()}{tag}")
    db = Database(url)
    migrate.upgrade(db.engine)
    return db


def empty_all_tables(db: Database) -> None:
    """Delete every row, children first."""
    tables = list(reversed(metadata().sorted_tables))
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


def backends() -> list[str]:
    return ["sqlite", "postgresql"]


def database_fixture(request: pytest.FixtureRequest,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    backend = request.param
    db = migrated_database(backend, tmp_path_factory.mktemp(backend))
    yield db
    db.dispose()
    if backend == "postgresql":
        drop_postgres(f"medwms_test_{worker_suffix()}")
