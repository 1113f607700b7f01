"""SQLite writers of one process queue on a thread lock per database file: a write unit
holds its file's turn from BEGIN IMMEDIATE until its transaction ends — commit, rollback,
a failed command, a request unit closed from another thread — and then gives it back."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from medwms.core import migrate
from medwms.core.db import Database, WriterQueue


@pytest.fixture
def lite(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'writers.db'}")
    migrate.upgrade(db.engine)
    yield db
    db.dispose()


def turn(db: Database) -> threading.Lock:
    return WriterQueue.of(db.engine.url.database or "")


def test_a_write_unit_holds_the_turn_until_it_commits(lite):
    with lite.unit_of_work() as uow:
        uow.session.execute(text("SELECT 1"))
        assert turn(lite).locked()
        uow.commit()
        assert not turn(lite).locked()


def test_a_failed_command_gives_the_turn_back(lite):
    with pytest.raises(RuntimeError), lite.unit_of_work() as uow:
        uow.session.execute(text("SELECT 1"))
        raise RuntimeError("refused")
    assert not turn(lite).locked()


def test_reads_take_no_turn(lite):
    with lite.reading() as s:
        s.execute(text("SELECT 1"))
        assert not turn(lite).locked()


def test_a_request_unit_closed_on_another_thread_gives_the_turn_back(lite):
    unit = lite.request_unit()
    unit.session.execute(text("SELECT 1"))
    assert turn(lite).locked()
    closing = threading.Thread(target=unit.close)
    closing.start()
    closing.join()
    assert not turn(lite).locked()


def test_two_databases_on_one_file_share_the_turn(lite):
    other = Database(str(lite.engine.url))
    try:
        with lite.unit_of_work() as uow:
            uow.session.execute(text("SELECT 1"))
            assert turn(other) is turn(lite) and turn(other).locked()
            uow.commit()
        with other.unit_of_work() as uow:  # the sealer's engine beside the app's
            uow.session.execute(text("SELECT 1"))
            uow.commit()
    finally:
        other.dispose()


def test_a_second_writer_waits_for_the_turn_and_then_writes(lite):
    order: list[str] = []
    holding, waiting = threading.Event(), threading.Event()

    def second() -> None:
        waiting.set()
        with lite.unit_of_work() as uow:
            uow.session.execute(text("SELECT 1"))
            order.append("second")
            uow.commit()

    with lite.unit_of_work() as uow:
        uow.session.execute(text("SELECT 1"))
        holding.set()
        thread = threading.Thread(target=second)
        thread.start()
        waiting.wait(5)
        thread.join(0.2)  # it queues behind us
        order.append("first")
        uow.commit()
    thread.join(10)
    assert order == ["first", "second"]
