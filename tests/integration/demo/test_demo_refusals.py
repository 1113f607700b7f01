"""The demo refuses a database holding other data, and is deterministic."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from medwms.auth.rules import SYSTEM
from medwms.core.db import Database
from medwms.core.errors import Conflict
from medwms.demo import load_demo
from medwms.masterdata.tables import Warehouse
from medwms.schema import metadata
from tests.support.builders import make_item
from tests.support.databases import migrated_database

TODAY = date(2026, 11, 25)


def test_loading_into_a_database_with_other_items_is_refused(db):
    with db.unit_of_work() as uow:
        make_item(uow.session, "OTHER")
        uow.commit()
    with pytest.raises(Conflict, match="already holds 1 items"):
        load_demo(db, actor=SYSTEM, today=TODAY)
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Warehouse)) == 0


def _snapshot(db: Database) -> dict[str, list[tuple[object, ...]]]:
    skip = {"audit_record": {"at", "hash", "prev_hash"}, "chain_head": {"hash"},
            "app_user": {"password_hash"}, "movement": {"recorded_at"}}
    out = {}
    with db.reading() as s:
        for table in metadata().sorted_tables:
            columns = [c for c in table.columns if c.name not in skip.get(table.name, set())]
            out[table.name] = [tuple(r) for r in s.execute(
                select(*columns).order_by(*table.primary_key.columns))]
    return out


def test_the_same_seed_and_day_give_the_same_data(tmp_path: Path):
    first, second = (migrated_database("sqlite", tmp_path, tag) for tag in ("a", "b"))
    for db in (first, second):
        load_demo(db, actor=SYSTEM, today=TODAY, seed=11)
    assert _snapshot(first) == _snapshot(second)
    for db in (first, second):
        db.dispose()
