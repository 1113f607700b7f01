"""Counting what a request asks of the database (like Saleor's `django_assert_num_queries`).

`count_statements(db)` records every statement the engine sends while the block runs: its
SQL, parameters and the rows it returned or changed (`cursor.rowcount`; PostgreSQL reports
rows returned by a SELECT, SQLite reports -1 for them). On SQLite it also counts the
virtual-machine steps the statements took (a progress handler called every `STEP` VM
instructions): a statement that walks every line of a document takes steps in proportion
to the lines, an indexed look-up does not.

    with count_statements(db) as seen:
        client.post(...)
    assert len(seen) <= 9, seen.report()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from medwms.core.db import Database

STEP = 100  # SQLite VM instructions per progress-handler call


@dataclass
class Statement:
    sql: str
    parameters: Any
    rowcount: int = -1  # set once the statement ran
    vm_steps: int = 0  # SQLite: VM steps from its start to the next statement's (rows
    # of a SELECT are stepped while they are fetched, after the execute event)


@dataclass
class Statements:
    """The statements seen, in order, and (SQLite) the VM work they took."""

    seen: list[Statement] = field(default_factory=list)
    vm_steps: int = 0

    def __len__(self) -> int:
        return len(self.seen)

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.seen)

    @property
    def sql(self) -> list[str]:
        return [s.sql for s in self.seen]

    @property
    def most_rows(self) -> int:
        """The most rows any one statement returned or changed (-1 when none was known)."""
        return max((s.rowcount for s in self.seen), default=-1)

    def report(self) -> str:
        """The statements, numbered, for an assertion message."""
        lines = [f"{len(self.seen)} statements:"]
        for number, s in enumerate(self.seen, start=1):
            lines.append(f"{number:3}. [{s.rowcount} rows, {s.vm_steps} steps] "
                         f"{' '.join(s.sql.split())}")
        return "\n".join(lines)


@contextmanager
def count_statements(db: Database) -> Iterator[Statements]:
    """Record every statement `db`'s engine executes inside the block."""
    found = Statements()
    handled: list[Any] = []
    started: list[int] = []

    def tick() -> int:
        found.vm_steps += STEP
        return 0

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        if db.dialect == "sqlite":
            raw = conn.connection.dbapi_connection
            if all(raw is not other for other in handled):
                raw.set_progress_handler(tick, STEP)
                handled.append(raw)
        if found.seen:
            found.seen[-1].vm_steps = found.vm_steps - started[-1]
        started.append(found.vm_steps)
        found.seen.append(Statement(statement, parameters))

    def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
              executemany: bool) -> None:
        found.seen[-1].rowcount = cursor.rowcount

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield found
        if found.seen:
            found.seen[-1].vm_steps = found.vm_steps - started[-1]
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
        for raw in handled:
            raw.set_progress_handler(None, STEP)
