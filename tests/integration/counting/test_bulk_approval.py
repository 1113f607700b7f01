"""A 2,000-line count: closing and approving issue a bounded number of statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select

from medwms.core.db import Database
from medwms.counting import approval, counting
from medwms.counting.tables import CountLine
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from tests.support.counting import seed_bulk_count
from tests.support.users import PASSWORD


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def reasons_for_all(db: Database, plan_no: str, manager) -> None:
    with db.reading() as s:
        ids = list(s.scalars(select(CountLine.id).where(CountLine.variance != 0)))
    approval.set_reasons(db, actor=manager, plan_no=plan_no,
                         reasons=dict.fromkeys(ids, "MISCOUNTED"))


def test_approving_2000_lines_issues_a_bounded_number_of_statements(db):
    bulk = seed_bulk_count(db, locations=40, items=50)
    with statements(db) as closing:
        for task_id in bulk.task_ids:
            counting.close_location(db, actor=bulk.counter, task_id=task_id)
    assert len(closing) <= 25 * len(bulk.task_ids)  # a fixed number per location
    reasons_for_all(db, bulk.plan_no, bulk.manager)
    with statements(db) as approving:
        done = approval.approve(db, actor=bulk.manager, plan_no=bulk.plan_no, password=PASSWORD)
    assert done.lines_adjusted == 200 and done.movements == 200
    assert len(approving) <= 40, approving
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Movement)
                        .where(Movement.doc_type == "CNT")) == 200
        assert verify(s).ok


def test_the_statement_count_of_an_approval_does_not_grow_with_lines(db):
    small = seed_bulk_count(db, locations=4, items=50)
    for task_id in small.task_ids:
        counting.close_location(db, actor=small.counter, task_id=task_id)
    reasons_for_all(db, small.plan_no, small.manager)
    with statements(db) as approving:
        approval.approve(db, actor=small.manager, plan_no=small.plan_no, password=PASSWORD)
    assert len(approving) <= 30
