"""An item's own near-expiry warning days (G19): imported, exported, edited on the item page
and over the API, each change audited with its old and new value; bad values refused."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.auth.audit import parse_snapshot
from medwms.auth.rules import SYSTEM, Actor
from medwms.config import Settings
from medwms.core.errors import ImportRejected
from medwms.masterdata import exporting
from medwms.masterdata.tables import Item
from tests.e2e.web.forms_data import prepare
from tests.integration.masterdata.files import audits, count, csv_bytes, load, xlsx_bytes
from tests.integration.masterdata.test_pages import ITEM, post, signed_in, trail

HEADER = ["code", "name_zh", "risk_class", "tracking", "near_expiry_days"]


def days_of(db, code):
    with db.reading() as s:
        return s.query(Item.near_expiry_days).filter(Item.code == code).scalar()


def test_an_import_sets_and_clears_the_days_and_the_export_writes_them(db):
    load(db, "items", csv_bytes(HEADER, [["A-1", "导管", "III", "LOT", "30"],
                                         ["A-2", "支架", "III", "LOT", ""]]))
    assert (days_of(db, "A-1"), days_of(db, "A-2")) == (30, None)
    rows = list(csv.DictReader(io.StringIO(
        exporting.export_file(db=db, actor=SYSTEM, kind="items",
                              file_format="csv").decode("utf-8-sig"))))
    assert [(r["code"], r["near_expiry_days"]) for r in rows] == [("A-1", "30"), ("A-2", "")]
    load(db, "items", csv_bytes(HEADER, [["A-1", "导管", "III", "LOT", ""]]))
    assert days_of(db, "A-1") is None
    update = audits(db)[-1]
    assert (update.action, parse_snapshot(update.before)["near_expiry_days"],
            parse_snapshot(update.after)["near_expiry_days"]) == ("update", 30, None)


@pytest.mark.parametrize("filename, make", [("f.csv", csv_bytes), ("f.xlsx", xlsx_bytes)])
def test_an_import_refuses_a_negative_or_non_numeric_value_naming_row_and_column(db, filename,
                                                                               make):
    rows = [["B-1", "导管", "III", "LOT", "-5"], ["B-2", "支架", "III", "LOT", "abc"],
            ["B-3", "缝线", "II", "LOT", "3651"]]
    with pytest.raises(ImportRejected) as error:
        load(db, "items", make(HEADER, rows), filename)
    problems = error.value.problems
    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "near_expiry_days", "-5"), (3, "near_expiry_days", "abc"),
        (4, "near_expiry_days", "3651")]
    assert "at least 0" in problems[0].message and "whole number" in problems[1].message
    assert count(db, Item) == 0 and audits(db) == []


def test_the_item_page_shows_edits_and_audits_the_days(db):
    prepare(db)
    app = create_app(Settings(database_url=db.url), db=db)
    client = signed_in(app)
    assert post(client, "/masterdata/items/new", **ITEM, reason="首营").status_code == 303
    form = client.get("/masterdata/items/CATH-09/edit").text
    assert 'name="near_expiry_days"' in form
    changed = post(client, "/masterdata/items/CATH-09/edit",
                   **(ITEM | {"near_expiry_days": "90"}), reason="short-dated product")
    assert changed.status_code == 303 and days_of(db, "CATH-09") == 90
    page = client.get("/masterdata/items/CATH-09").text
    assert "Near-expiry warning (days; empty = the setting)" in page
    _, update = trail(db, "CATH-09")
    assert parse_snapshot(update.before)["near_expiry_days"] is None
    assert parse_snapshot(update.after)["near_expiry_days"] == 90
    assert update.reason == "short-dated product"
    refused = post(signed_in(app, lang="zh-CN"), "/masterdata/items/CATH-09/edit",
                   **(ITEM | {"near_expiry_days": "-5"}), reason="x")
    assert refused.status_code == 422 and 'data-field="near_expiry_days">不能小于 0' in refused.text
    assert days_of(db, "CATH-09") == 90 and len(trail(db, "CATH-09")) == 2


def test_the_api_takes_the_days_and_refuses_a_bad_one(db):
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: Actor(None, "t", frozenset({"manager"}))
    api = TestClient(app)
    made = api.post("/api/v1/masterdata/items", json={
        "code": "c-1", "name_zh": "导管", "risk_class": "II", "tracking": "LOT",
        "near_expiry_days": 45})
    assert made.status_code == 201, made.text
    assert made.json()["near_expiry_days"] == 45
    bad = api.patch("/api/v1/masterdata/items/C-1", json={"near_expiry_days": 4000})
    assert bad.status_code == 422 and "near_expiry_days" in bad.text
    cleared = api.patch("/api/v1/masterdata/items/C-1",
                        json={"near_expiry_days": None, "reason": "follow the setting"})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["near_expiry_days"] is None and days_of(db, "C-1") is None
    last = audits(db)[-1]
    assert (parse_snapshot(last.before)["near_expiry_days"], last.reason) == (
        45, "follow the setting")
