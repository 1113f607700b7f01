"""The request unit: a whole request in one transaction that the commands' units join."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from medwms.core.clock import utc_now
from medwms.core.db import Database, JoinedUnitOfWork
from medwms.core.tables import IdempotencyRecord


class Refused(Exception):
    pass


def record(key: str, now: datetime | None = None) -> IdempotencyRecord:
    return IdempotencyRecord(key=key, principal="user:1", method="POST", path="/p",
                             request_hash="h", status_code=200, response_body="",
                             content_type="", created_at=now or utc_now())


def keys(db: Database) -> list[str]:
    """The committed keys, read on a connection of its own."""
    with db.engine.connect() as conn:
        return list(conn.scalars(select(IdempotencyRecord.key).order_by(IdempotencyRecord.key)))


def write(db: Database, key: str) -> None:
    """A command: one unit of work that writes one row and commits."""
    with db.unit_of_work() as uow:
        uow.session.add(record(key))
        uow.commit()


def refuse(db: Database, key: str) -> None:
    """A command that writes, then is refused before it commits."""
    with db.unit_of_work() as uow:
        uow.session.add(record(key))
        uow.session.flush()
        raise Refused(key)


def test_a_unit_inside_a_request_commits_only_when_the_request_does(db):
    unit = db.request_unit()
    with unit.active():
        with db.unit_of_work() as uow:
            assert isinstance(uow, JoinedUnitOfWork)
            uow.session.add(record("a"))
            uow.commit()
        assert keys(db) == []
    unit.commit()
    unit.close()
    assert keys(db) == ["a"]


def test_reads_inside_a_request_see_its_own_writes(db):
    unit = db.request_unit()
    with unit.active():
        write(db, "a")
        with db.reading() as session:
            assert session is unit.session
            assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
    unit.close()
    assert keys(db) == []


def test_after_commit_callbacks_wait_for_the_request_and_get_units_of_their_own(db):
    ran: list[str] = []

    def side_effect() -> None:
        ran.append("printed")
        write(db, "by-callback")  # outside the request: a normal unit that commits itself

    unit = db.request_unit()
    with unit.active():
        with db.unit_of_work() as uow:
            uow.session.add(record("a"))
            uow.after_commit(side_effect)
            uow.commit()
        assert ran == []
    callbacks = unit.commit()
    unit.close()
    assert ran == []
    for callback in callbacks:
        callback()
    assert ran == ["printed"]
    assert keys(db) == ["a", "by-callback"]


def test_a_refused_first_command_rolls_the_request_back(db):
    unit = db.request_unit()
    unit.session.add(record("claim"))
    unit.session.flush()
    with unit.active(), pytest.raises(Refused):
        refuse(db, "a")
    assert unit.failed
    assert unit.commit() == []
    unit.close()
    assert keys(db) == []


def test_a_refused_later_command_rolls_back_to_its_savepoint_only(db):
    unit = db.request_unit()
    with unit.active():
        write(db, "a")
        with pytest.raises(Refused):
            refuse(db, "b")
        write(db, "c")
    assert not unit.failed
    unit.commit()
    unit.close()
    assert keys(db) == ["a", "c"]


def test_a_request_closed_without_commit_leaves_nothing(db):
    unit = db.request_unit()
    with unit.active():
        write(db, "a")
    unit.close()
    assert keys(db) == []


def test_outside_a_request_units_commit_on_their_own(db):
    write(db, "a")
    assert keys(db) == ["a"]
    with db.unit_of_work() as uow:
        assert not isinstance(uow, JoinedUnitOfWork)
