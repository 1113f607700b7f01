"""SQLite's WAL checkpoints leave the commits of a server process: the sealer's loop copies
the log into the database file, off every writer's turn (Database.hold_checkpoints)."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from medwms.core.db import WAL_CEILING_PAGES, Database
from medwms.ledger.sealer import BackgroundSealer
from tests.support.databases import migrated_database
from tests.support.sealing import anchor_in

PAGE = 4096
WRITES = 40  # commits of 100 pages each: 4,000 pages, past SQLite's own 1,000


def write_a_lot(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(text("CREATE TABLE IF NOT EXISTS filler (data BLOB)"))
        uow.commit()
    for _ in range(WRITES):
        with db.unit_of_work() as uow:
            uow.session.execute(text("INSERT INTO filler VALUES (randomblob(:size))"),
                                {"size": 100 * PAGE})
            uow.commit()


def test_a_commit_checkpoints_by_itself_unless_held(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'plain.db'}")
    write_a_lot(db)
    assert (tmp_path / "plain.db").stat().st_size > 1000 * PAGE  # SQLite's own, at 1,000
    db.dispose()


def test_held_checkpoints_wait_for_the_background_one(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'held.db'}")
    db.hold_checkpoints()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == WAL_CEILING_PAGES
    write_a_lot(db)
    assert (tmp_path / "held.db").stat().st_size < 100 * PAGE  # all of it still in the log
    db.checkpoint()
    assert (tmp_path / "held.db").stat().st_size > WRITES * 100 * PAGE
    db.dispose()


def test_the_background_sealer_holds_the_checkpoints_and_makes_them(tmp_path: Path):
    db = migrated_database("sqlite", tmp_path)
    sealer = BackgroundSealer(db, anchor_in(tmp_path), interval=0.05)
    sealer.start()
    try:
        write_a_lot(db)
        file = Path(db.engine.url.database or "")
        deadline = time.monotonic() + 10
        while file.stat().st_size < WRITES * 100 * PAGE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert file.stat().st_size > WRITES * 100 * PAGE
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == \
                WAL_CEILING_PAGES
    finally:
        sealer.stop()
        db.dispose()


def test_an_in_memory_database_has_no_checkpoints_to_hold():
    db = Database("sqlite://")
    db.hold_checkpoints()
    db.checkpoint()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
