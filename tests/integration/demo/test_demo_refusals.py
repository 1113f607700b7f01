"""The demo refuses a database holding other data, is deterministic, and is never dated
after the moment it is loaded."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from medwms.auth.rules import SYSTEM
from medwms.coldchain.tables import Reading
from medwms.core.db import Database
from medwms.core.errors import Conflict
from medwms.demo import load_demo
from medwms.demo.stock import KEPT_FREE
from medwms.ledger.tables import Movement, Stock
from medwms.masterdata.tables import Location, Warehouse, Zone, ZoneKind
from medwms.schema import metadata
from tests.support.builders import make_item
from tests.support.databases import migrated_database

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
EARLY = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # 06:30 in Shanghai, before the day starts

# Numbers with a random tail, salted hashes, and the clock of the services that take none.
UNREPEATABLE = {
    "app_user": {"password_hash"}, "audit_record": {"at", "entity_key", "after", "hash",
                                                    "prev_hash"},
    "chain_head": {"hash"}, "movement": {"doc_no", "reason", "recorded_at"},
    "wave": {"wave_no"}, "verification": {"verification_no"}, "shipment": {"shipment_no"},
    "handling_unit": {"sscc"}, "count_plan": {"plan_no", "created_at"},
    "recall_case": {"recall_no", "opened_at", "consignees_listed_at", "response_ms",
                    "closed_at", "closing_report"},
    "recall_consignee": {"units", "notified_at", "acknowledged_at"},
}


def test_loading_into_a_database_with_other_items_is_refused(db):
    with db.unit_of_work() as uow:
        make_item(uow.session, "OTHER")
        uow.commit()
    with pytest.raises(Conflict, match="already holds 1 items"):
        load_demo(db, actor=SYSTEM, now=NOW)
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Warehouse)) == 0


def _snapshot(db: Database) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    with db.reading() as s:
        for table in metadata().sorted_tables:
            skip = UNREPEATABLE.get(table.name, set())
            columns = [c for c in table.columns if c.name not in skip]
            out[table.name] = [tuple(r) for r in s.execute(
                select(*columns).order_by(*table.primary_key.columns))]
    return out


def test_the_same_seed_and_moment_give_the_same_data(tmp_path: Path):
    first, second = (migrated_database("sqlite", tmp_path, tag) for tag in ("a", "b"))
    for db in (first, second):
        load_demo(db, actor=SYSTEM, now=NOW, seed=11)
    one, other = _snapshot(first), _snapshot(second)
    assert one == other
    assert len(one["outbound_order"]) == 4 and len(one["reading"]) > 500
    for db in (first, second):
        db.dispose()


def test_a_demo_loaded_before_nine_in_the_morning_holds_nothing_dated_later(db):
    load_demo(db, actor=SYSTEM, now=EARLY)
    with db.reading() as s:
        moved = s.scalar(select(func.max(Movement.created_at)))
        stocked = s.scalar(select(func.max(Stock.updated_at)))
        read = s.scalar(select(func.max(Reading.at)))
    assert moved is not None and stocked is not None and read is not None
    assert max(moved, stocked, read) <= EARLY


# Days whose seeds once filled every ambient bin of SH1, leaving putaway nowhere to go.
FULL_DAYS = (datetime(2026, 12, 1, 3, 0, tzinfo=UTC), datetime(2026, 12, 8, 3, 0, tzinfo=UTC))


@pytest.mark.parametrize("now", FULL_DAYS, ids=lambda moment: moment.date().isoformat())
def test_every_storage_zone_keeps_empty_bins_for_the_days_receipts(tmp_path: Path, now):
    db = migrated_database("sqlite", tmp_path)
    load_demo(db, actor=SYSTEM, now=now)
    stocked = select(Stock.location_id).where(Stock.quantity > 0)
    with db.reading() as s:
        empty = dict(s.execute(
            select(Warehouse.code + "-" + Zone.code, func.count(Location.id))
            .join(Zone, Zone.id == Location.zone_id)
            .join(Warehouse, Warehouse.id == Location.warehouse_id)
            .where(Zone.kind == ZoneKind.STORAGE, Location.id.not_in(stocked))
            .group_by(Warehouse.code, Zone.code)).all())
    assert empty == {"SH1-STG": KEPT_FREE[False], "SH1-CLD": KEPT_FREE[True],
                     "BJ1-STG": KEPT_FREE[False]}
    db.dispose()
