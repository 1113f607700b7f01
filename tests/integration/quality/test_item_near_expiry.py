"""The near-expiry list takes each item's own warning days, else the setting; a number asked
for on the view wins for every item; each line says which threshold applied (G19)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from medwms.api.app import create_app
from medwms.config import Settings
from medwms.masterdata.tables import Item
from medwms.quality import expiry_queries
from tests.support.nonconforming import put, quality_floor
from tests.support.picking import make_product, put_stock
from tests.support.users import PASSWORD

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 16:00 on 25 November in Shanghai
TODAY = date(2026, 11, 25)


@pytest.fixture
def q(db):
    floor = quality_floor(db)
    with db.unit_of_work() as uow:
        gauze = make_product(uow.session, "GAUZE", unit=None, box=None)
        put_stock(uow.session, floor.world.floor, gauze, "G60", TODAY + timedelta(days=60), 4,
                  at="A-03")
        uow.session.execute(update(Item).where(Item.code == "STENT").values(near_expiry_days=30))
        uow.commit()
    put(db, floor, "S60", TODAY + timedelta(days=60), 2)
    put(db, floor, "S30", TODAY + timedelta(days=30), 1, at="A-02")
    put(db, floor, "S31", TODAY + timedelta(days=31), 1, at="A-02")
    return floor


def listed(db, **kw):
    with db.reading() as s:
        found = expiry_queries.near_expiry_stock(s, now=NOW, days=180, **kw)
    return [(f.lot, f.days_left, f.threshold, f.applied) for f in found]


def test_an_item_with_its_own_30_days_is_not_listed_at_60_days_left_and_one_without_is(db, q):
    assert listed(db) == [("S30", 30, 30, "ITEM"), ("G60", 60, 180, "SETTING")]


def test_days_asked_for_apply_to_every_item_of_that_view(db, q):
    assert listed(db, asked=60) == [("S30", 30, 60, "ASKED"), ("S31", 31, 60, "ASKED"),
                                    ("G60", 60, 60, "ASKED"), ("S60", 60, 60, "ASKED")]
    assert listed(db, asked=0) == []


def test_an_item_with_zero_days_is_listed_only_on_its_expiry_day(db, q):
    with db.unit_of_work() as uow:
        uow.session.execute(update(Item).where(Item.code == "STENT").values(near_expiry_days=0))
        uow.commit()
    put(db, q, "LAST", TODAY, 1, at="A-04")
    assert listed(db) == [("LAST", 0, 0, "ITEM"), ("G60", 60, 180, "SETTING")]


def test_the_page_shows_the_threshold_and_where_it_came_from_in_chinese(db, q):
    client = TestClient(create_app(Settings(database_url=db.url), db=db))
    signed = client.post("/login", data={"username": "ivy", "password": PASSWORD},
                         follow_redirects=False)
    assert signed.status_code == 303
    client.cookies.set("medwms_lang", "zh-CN")
    page = client.get("/quality/near-expiry").text
    assert 'data-lot="S30"' in page and 'data-lot="S60"' not in page
    assert "产品自设" in page and "系统设置" in page and 'placeholder="180"' in page
    asked = client.get("/quality/near-expiry", params={"days": "60"}).text
    assert 'data-lot="S60"' in asked and "本页查询指定" in asked and 'value="60"' in asked
