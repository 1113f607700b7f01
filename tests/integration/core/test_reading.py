"""Read sessions write nothing, and on PostgreSQL they keep the connection's prepared
statements: they end by COMMIT of a READ ONLY transaction, since a ROLLBACK makes psycopg
deallocate every statement it has prepared."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from medwms.core.db import Database
from medwms.core.tables import IdempotencyRecord
from tests.integration.core.test_request_unit import keys, record


def test_a_read_session_writes_nothing(db: Database) -> None:
    if db.dialect == "postgresql":
        with pytest.raises(DBAPIError, match="read-only transaction"), db.reading() as s:
            s.add(record("K1"))
            s.flush()
    else:
        with db.reading() as s:
            s.add(record("K1"))
            s.flush()
    assert keys(db) == []


def test_a_failed_read_leaves_the_connection_usable(db: Database) -> None:
    with pytest.raises(DBAPIError), db.reading() as s:
        s.execute(text("SELECT * FROM no_such_table"))
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def test_postgresql_reads_keep_their_prepared_statements(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("prepared statements are psycopg's (PostgreSQL)")
    prepared = text("SELECT count(*) FROM pg_prepared_statements")
    seen: set[int] = set()
    kept = []
    for _ in range(20):
        with db.reading() as s:
            connection = id(s.connection().connection.dbapi_connection)
            if connection in seen:  # a connection an earlier read ended on
                kept.append(s.scalar(prepared))
            seen.add(connection)
            for _ in range(6):  # psycopg prepares a statement on its 5th execution
                s.execute(select(IdempotencyRecord.key).where(IdempotencyRecord.key == "x"))
    assert kept and min(kept) >= 1, kept
