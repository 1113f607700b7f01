"""A fresh database for one bench run: a temporary SQLite file or `medwms_bench_<pid>` on
the PostgreSQL server a URL names; migrated to head, dropped afterwards."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from medwms.core import migrate
from medwms.core.db import Database, normalise_url


def bench_database_name() -> str:
    """The PostgreSQL database of this process's run."""
    return f"medwms_bench_{os.getpid()}"


@contextmanager
def fresh_database(url: str | None) -> Iterator[Database]:
    """A new migrated database on the server of `url` (SQLite when None or sqlite:…)."""
    if url is None or normalise_url(url).startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="medwms-bench-") as tmp:
            db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
            try:
                migrate.upgrade(db.engine)
                yield db
            finally:
                db.dispose()
        return
    name = bench_database_name()
    db = Database(_create_postgres(normalise_url(url), name))
    try:
        migrate.upgrade(db.engine)
        yield db
    finally:
        db.dispose()
        _drop_postgres(normalise_url(url), name)


def _create_postgres(base: str, name: str) -> str:
    _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _drop_postgres(base: str, name: str) -> None:
    _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(base: str, *statements: str) -> None:
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()
