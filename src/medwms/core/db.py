"""Database engine and the unit of work.

One unit of work per command: `with db.unit_of_work() as uow: ...; uow.commit()`.
It rolls back unless `commit()` was called, so a failed command writes nothing.
On SQLite a command's transaction starts with BEGIN IMMEDIATE (the write lock is taken
up front, so two writers queue instead of failing half-way); read-only work uses a
deferred BEGIN. Writers of one process queue on an in-process lock per database file
before their BEGIN IMMEDIATE (`WriterQueue`): SQLite's own busy handler polls with
sleeps of up to 100 ms, so under load a writer could wait a tenth of a second after the
lock was free; a thread lock hands it over at once. On PostgreSQL, rows are locked with
SELECT … FOR UPDATE where changed.

A request unit (`db.request_unit()`, made active with `with unit.active():`) lets a door
put a whole request in one transaction: the API's Idempotency-Key middleware claims the
key, runs the route and stores its response there, and commits once. While it is active,
`db.unit_of_work()` hands out a unit on that same session whose `commit()` only flushes
(its after-commit callbacks wait for the real commit), and `db.reading()` yields that
session, so reads see the request's own writes. A unit that ends without committing rolls
the request back (the first one) or back to its savepoint (one after an earlier unit
committed), so each command is still all or nothing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from types import TracebackType
from typing import Any, ClassVar, TypeVar, cast

from sqlalchemy import (
    DateTime,
    Engine,
    Insert,
    MetaData,
    Table,
    create_engine,
    event,
    insert,
    text,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


UNBOUNDED_POOL = 1000
MEMORY_URLS = ("sqlite://", "sqlite:///:memory:")
# Connections kept open per process. All of them stay in the pool between requests (no
# overflow that is closed on return and opened again on the next burst: on PostgreSQL each
# new connection is a new server process).
POOL_SIZE = 15


class Base(DeclarativeBase):
    """Base of every table; constraint names follow one convention on both databases."""

    metadata = MetaData(naming_convention=NAMING)


M = TypeVar("M", bound=Base)


def insert_row(session: Session, model: type[M], values: dict[str, Any]) -> M:
    """Insert one row of `model` by a Core INSERT … RETURNING id, and give it back as a
    detached object holding `values` and its id, not added to the session. For the scan
    path, where the ORM's flush of one new object cost more than the insert itself."""
    row_id = session.execute(_inserting(cast(Table, model.__table__)), values).scalar_one()
    return model(id=row_id, **values)


@cache
def _inserting(table: Table) -> Insert:
    return insert(table).returning(table.c.id)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC; always read back as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def driver_time(dialect: str, moment: datetime | None) -> Any:
    """A UTC timestamp as the driver takes it in raw SQL, stored exactly as `UTCDateTime`
    would bind it (SQLite: naive UTC text with microseconds; PostgreSQL: the aware value)."""
    if moment is None or dialect != "sqlite":
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`: SQLite in WAL mode with foreign keys on, or PostgreSQL."""
    url = normalise_url(url)
    if "poolclass" not in kwargs and "pool_size" not in kwargs and url not in MEMORY_URLS:
        kwargs.update(pool_size=POOL_SIZE, max_overflow=0)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


WRITER_WAIT_SECONDS = 30  # as long as SQLite's own busy timeout
WAL_CEILING_PAGES = 20_000  # ~80 MB: where a commit checkpoints if the background one stops


class WriterQueue:
    """The writers of one SQLite file in this process, one at a time, handed over at once.

    Taken before BEGIN IMMEDIATE, given back when the transaction ends (commit, rollback
    or close of the connection, whichever thread does it: a request's transaction crosses
    threads). Other processes on the same file still wait in SQLite's busy handler.
    """

    _by_file: ClassVar[dict[str, threading.Lock]] = {}
    _guard: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def of(cls, path: str) -> threading.Lock:
        key = os.path.realpath(path)
        with cls._guard:
            return cls._by_file.setdefault(key, threading.Lock())


class QueuedConnection(sqlite3.Connection):
    """A pysqlite connection that gives its file's writer lock back when its transaction
    ends."""

    writer_lock: threading.Lock | None = None

    def take_writer_lock(self, lock: threading.Lock) -> None:
        if not lock.acquire(timeout=WRITER_WAIT_SECONDS):
            raise sqlite3.OperationalError(
                f"database is locked: no write turn within {WRITER_WAIT_SECONDS} s")
        self.writer_lock = lock

    def give_writer_lock_back(self) -> None:
        lock, self.writer_lock = self.writer_lock, None
        if lock is not None:
            lock.release()

    def commit(self) -> None:
        self._ending(super().commit)

    def rollback(self) -> None:
        self._ending(super().rollback)

    def close(self) -> None:
        self._ending(super().close)

    def _ending(self, end: Callable[[], None]) -> None:
        """End the transaction (or the connection), then give the turn back, even if the
        end failed."""
        try:
            end()
        finally:
            self.give_writer_lock_back()


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    memory = url in MEMORY_URLS
    if memory:
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30,
                                              "factory": QueuedConnection},
                           **kwargs)
    writers = None if memory or not engine.url.database else WriterQueue.of(
        engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        queued = conn.connection.dbapi_connection
        if writers is None or mode != "IMMEDIATE" or not isinstance(queued, QueuedConnection):
            conn.exec_driver_sql(f"BEGIN {mode}")
            return
        queued.take_writer_lock(writers)
        try:
            conn.exec_driver_sql(f"BEGIN {mode}")
        except BaseException:
            queued.give_writer_lock_back()
            raise

    return engine


class UnitOfWork:
    """One command's transaction: rolls back unless `commit()` is called."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._after_commit: list[Callable[[], None]] = []
        self.committed = False

    def commit(self) -> None:
        """Commit everything this command wrote, then run its side effects."""
        self.session.commit()
        self.committed = True
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the commit succeeded (printing, alerts, webhooks)."""
        self._after_commit.append(callback)

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.committed:
            self.session.rollback()
        self.session.close()


class RequestUnit:
    """One request's write transaction, shared by every unit of work the request opens.

    `wrote` says a unit committed into the current transaction (a later unit then takes a
    savepoint); `failed` says a unit ended without committing and the transaction was
    rolled back — whatever the door had written before it (an idempotency claim) is gone.
    """

    def __init__(self, db: Database, session: Session) -> None:
        self.db = db
        self.session = session
        self.wrote = False
        self.failed = False
        self._after_commit: list[Callable[[], None]] = []

    @contextmanager
    def active(self) -> Iterator[RequestUnit]:
        """Make this the unit that `db.unit_of_work()` and `db.reading()` join."""
        token = _REQUEST.set(self)
        try:
            yield self
        finally:
            _REQUEST.reset(token)

    def joined(self, callbacks: list[Callable[[], None]]) -> None:
        """A unit committed into this transaction; its callbacks wait for the real commit."""
        self.wrote = True
        self._after_commit.extend(callbacks)

    def abandon(self) -> None:
        """A unit failed: roll the whole transaction back, with its queued callbacks."""
        self.session.rollback()
        self.failed, self.wrote = True, False
        self._after_commit.clear()

    def commit(self) -> list[Callable[[], None]]:
        """Commit the request; returns the callbacks to run now, outside the request."""
        self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        return callbacks

    def close(self) -> None:
        """Roll back what was not committed and give the connection back."""
        self._after_commit.clear()
        self.session.rollback()
        self.session.close()


_REQUEST: ContextVar[RequestUnit | None] = ContextVar("medwms_request_unit", default=None)


class JoinedUnitOfWork(UnitOfWork):
    """A command's unit inside a request unit: `commit()` flushes, the request commits."""

    def __init__(self, request: RequestUnit) -> None:
        super().__init__(request.session)
        self._request = request
        self._savepoint: SessionTransaction | None = (
            request.session.begin_nested() if request.wrote else None)

    def commit(self) -> None:
        """Write this command's changes into the request's transaction."""
        if self._savepoint is not None:
            self._savepoint.commit()
        else:
            self.session.flush()
        self.committed = True
        callbacks, self._after_commit = self._after_commit, []
        self._request.joined(callbacks)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.committed:
            return
        if self._savepoint is not None:
            self._savepoint.rollback()
        else:
            self._request.abandon()


class Database:
    """The engine and session factories of one database."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self._write = sessionmaker(
            bind=self.engine.execution_options(sqlite_begin="IMMEDIATE"),
            expire_on_commit=False)
        # PostgreSQL reads run in READ ONLY transactions, ended by COMMIT: a ROLLBACK makes
        # psycopg drop every statement it has prepared on the connection, so each read
        # would be parsed and planned afresh (the trace: ~5 ms against ~1–2 ms prepared).
        # They are REPEATABLE READ too: every statement of a read sees one snapshot, so a
        # report of several queries (verify's chain heads, checkpoints and rows) never mixes
        # states while a sealer or another worker commits between its statements. A READ
        # ONLY transaction at this level never fails to serialise, and takes one snapshot
        # instead of one per statement.
        read_options: dict[str, Any] = (
            {"postgresql_readonly": True, "isolation_level": "REPEATABLE READ"}
            if self.dialect == "postgresql" else {})
        self._read = sessionmaker(bind=self.engine.execution_options(**read_options),
                                  expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def pool_capacity(self) -> int:
        """How many connections the pool opens at most (pool_size + max_overflow)."""
        pool = self.engine.pool
        if isinstance(pool, QueuePool):
            overflow: int = pool._max_overflow  # no public accessor
            return pool.size() + (overflow if overflow >= 0 else UNBOUNDED_POOL)
        return 1

    def unit_of_work(self) -> UnitOfWork:
        """A write transaction for one command (inside a request unit: a part of it)."""
        request = self._request()
        if request is not None:
            return JoinedUnitOfWork(request)
        return UnitOfWork(self._write())

    def request_unit(self) -> RequestUnit:
        """A write transaction for a whole request; see the module docstring."""
        return RequestUnit(self, self._write())

    def _request(self) -> RequestUnit | None:
        request = _REQUEST.get()
        return request if request is not None and request.db is self else None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session for queries (in a request: its session). It writes nothing:
        on SQLite it is rolled back; on PostgreSQL its transaction is READ ONLY (a write
        fails), REPEATABLE READ (all its statements see one snapshot), and ends by COMMIT
        when the block ends cleanly, else by ROLLBACK. On SQLite a read transaction sees one
        snapshot of the WAL already."""
        request = self._request()
        if request is not None:
            yield request.session
            return
        session = self._read()
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        else:
            if self.dialect == "postgresql":
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()

    def ping(self) -> None:
        """Run `SELECT 1` in a read session: raises when the database cannot be reached."""
        with self.reading() as session:
            session.execute(text("SELECT 1"))

    @property
    def _wal_file(self) -> bool:
        return self.dialect == "sqlite" and self.url not in MEMORY_URLS

    def hold_checkpoints(self) -> None:
        """Leave SQLite's WAL checkpoints to `checkpoint()`, run in the background.

        A commit that finds the WAL at SQLite's 1,000 pages copies it into the database
        file before it returns, while its writer's turn is held: every other writer of the
        process waits 5-20 ms behind it (about once a second under the scan load). A server
        process's sealer checkpoints after each pass instead, off the writer's turn; a
        commit still checkpoints at `WAL_CEILING_PAGES`, should that stop."""
        if not self._wal_file:
            return

        @event.listens_for(self.engine, "connect")
        def _checkpoint_later(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CEILING_PAGES}")

        self.engine.dispose()  # connections made before open with the new setting

    def checkpoint(self) -> None:
        """Copy what it can of SQLite's WAL into the database file without waiting for any
        reader or writer (a PASSIVE checkpoint); nothing on PostgreSQL."""
        if not self._wal_file:
            return
        connection = self.engine.raw_connection()
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            connection.close()

    def dispose(self) -> None:
        self.engine.dispose()
