"""The master-data pages through a signed-in session: create, edit, take out of use and put
back through the page routes, each audited with its old and new values; a refused form
names the field in the UI language and writes nothing."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.auth.audit import parse_snapshot
from medwms.auth.rules import SYSTEM
from medwms.config import Settings
from medwms.masterdata import service
from medwms.masterdata.tables import Item, Partner
from tests.e2e.web.forms_data import prepare
from tests.integration.masterdata.files import audits, count
from tests.support.users import PASSWORD

ITEM = {"code": "cath-09", "name_zh": "中心静脉导管", "name_en": "CVC", "risk_class": "III",
        "tracking": "LOT", "temp_min": "2", "temp_max": "25", "shelf_life_days": "730",
        "min_remaining_days": "180", "registration_no": "国械注准20243030009",
        "registration_expiry": "2031-01-31", "unit_cost": "12.5000", "implant": "yes"}


@pytest.fixture
def app(db):
    prepare(db)
    return create_app(Settings(database_url=db.url), db=db)


def signed_in(app, username: str = "mona", lang: str = "en") -> TestClient:
    client = TestClient(app)
    answer = client.post("/login", data={"username": username, "password": PASSWORD},
                         follow_redirects=False)
    assert answer.status_code == 303
    client.cookies.set("medwms_lang", lang)
    return client


def csrf(client: TestClient) -> str:
    html = client.get("/").text
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf(client), **data}, follow_redirects=False)


def trail(db, key):
    return [a for a in audits(db) if a.entity_key == key]


def test_an_item_created_changed_and_taken_out_of_use_is_audited_with_old_and_new_values(app,
                                                                                          db):
    client = signed_in(app)
    made = post(client, "/masterdata/items/new", **ITEM, reason="首营审核")
    assert (made.status_code, made.headers["location"]) == (303, "/masterdata/items/CATH-09")
    page = client.get("/masterdata/items/CATH-09").text
    assert "国械注准20243030009" in page and "12.5000" in page and "Created" in page

    changed = post(client, "/masterdata/items/CATH-09/edit",
                   **(ITEM | {"registration_no": "国械注准20263030001"}), reason="renewed")
    assert changed.status_code == 303
    out = post(client, "/masterdata/items/CATH-09/deactivate", reason="discontinued")
    assert out.status_code == 303
    create, update, deactivate = trail(db, "CATH-09")
    assert (create.action, create.reason, create.actor_name) == ("create", "首营审核", "mona")
    assert parse_snapshot(update.before)["registration_no"] == "国械注准20243030009"
    assert parse_snapshot(update.after)["registration_no"] == "国械注准20263030001"
    assert (update.reason, deactivate.action, deactivate.reason) == ("renewed", "deactivate",
                                                                     "discontinued")
    assert parse_snapshot(deactivate.before)["active"] is True
    assert parse_snapshot(deactivate.after)["active"] is False
    history = client.get("/masterdata/items/CATH-09").text
    assert "out-of-use" in history and "discontinued" in history
    assert "国械注准20243030009" in history and "国械注准20263030001" in history

    back = post(client, "/masterdata/items/CATH-09/reactivate", reason="supplier resumed")
    assert back.status_code == 303
    assert trail(db, "CATH-09")[-1].action == "reactivate"
    assert "CATH-09" in client.get("/masterdata/items").text


def test_an_edit_without_a_reason_is_refused_beside_the_reason_and_changes_nothing(app, db):
    client = signed_in(app, lang="zh-CN")
    post(client, "/masterdata/items/new", **ITEM)
    refused = post(client, "/masterdata/items/CATH-09/edit", **(ITEM | {"name_zh": "改名"}))
    assert refused.status_code == 422
    assert re.search(r'data-field="reason">请填写原因', refused.text)
    assert 'value="改名"' in refused.text
    assert [a.action for a in trail(db, "CATH-09")] == ["create"]


def test_a_bad_value_is_named_beside_its_field_in_the_ui_language_and_nothing_is_written(app,
                                                                                        db):
    client = signed_in(app, lang="zh-CN")
    bad = {"temp_min": "30", "registration_expiry": "2020-01-01"}
    refused = post(client, "/masterdata/items/new", **(ITEM | bad))
    assert refused.status_code == 422
    assert re.search(r'data-field="temp_min">最低温度 30 °C 高于最高温度 25 °C', refused.text)
    assert re.search(r'data-field="registration_expiry">已过期', refused.text)
    assert count(db, Item) == 1  # the prepared device only
    english = signed_in(app, lang="en")
    duplicate = post(english, "/masterdata/items/new", **(ITEM | {"code": "STENT"}))
    assert duplicate.status_code == 409
    assert re.search(r'data-field="code">item STENT already exists', duplicate.text)


def test_a_customer_with_a_lapsed_licence_is_fixed_from_its_page(app, db):
    client = signed_in(app)
    post(client, "/masterdata/partners/new", code="HOSP-9", name="第九医院", kind="CUSTOMER",
         licence_no="PDY0001", licence_expiry="2030-01-01")
    with db.unit_of_work() as uow:  # the licence lapsed since (as in the demo)
        partner = uow.session.query(Partner).filter_by(code="HOSP-9").one()
        partner.licence_expiry = partner.licence_expiry.replace(year=2020)
        uow.commit()
    assert 'data-state="expired"' in client.get("/masterdata/partners/HOSP-9").text
    fixed = post(client, "/masterdata/partners/HOSP-9/edit", name="第九医院", kind="CUSTOMER",
                 licence_no="PDY0002", licence_expiry="2031-06-30", reason="licence renewed")
    assert fixed.status_code == 303
    page = client.get("/masterdata/partners/HOSP-9").text
    assert 'data-state="valid"' in page and "PDY0002" in page
    update = trail(db, "HOSP-9")[-1]
    assert parse_snapshot(update.before)["licence_no"] == "PDY0001"
    assert parse_snapshot(update.after)["licence_expiry"] == "2031-06-30"


def test_the_pages_are_read_only_for_a_reader_and_refuse_a_write(app, db):
    reader = signed_in(app, "rita")
    page = reader.get("/masterdata/items/STENT")
    assert page.status_code == 200 and "edit-record" not in page.text
    assert reader.get("/masterdata/items/new").status_code == 403
    refused = post(reader, "/masterdata/items/STENT/deactivate", reason="no")
    assert refused.status_code == 403
    assert trail(db, "STENT") == []


def test_a_location_created_in_a_zone_is_listed_by_its_filters(app):
    client = signed_in(app)
    made = post(client, "/masterdata/locations/new", code="wh1-a-99", warehouse_code="WH1",
                zone_code="A", aisle="A", bay="9", level="1", x="3", y="4", pick_seq="99")
    assert made.status_code == 303
    listed = client.get("/masterdata/locations?warehouse=WH1&zone=A&q=WH1-A-9").text
    assert 'data-key="WH1-A-99"' in listed and 'data-key="WH1-A-01"' not in listed
    assert client.get("/masterdata/locations?storage=HOT").status_code == 422


def test_the_list_turns_pages_by_key_and_a_zone_key_opens_its_record(app, db):
    service.create_record(db=db, actor=SYSTEM, kind="zones",
                          values={"warehouse_code": "WH2", "code": "B", "kind": "STORAGE"})
    for n in range(1, 55):
        service.create_record(db=db, actor=SYSTEM, kind="locations", values={
            "code": f"WH2-B-{n:03d}", "warehouse_code": "WH2", "zone_code": "B"})
    client = signed_in(app)
    first = client.get("/masterdata/locations?warehouse=WH2&zone=B").text
    keys = re.findall(r'<tr data-key="([^"]+)"', first)
    assert len(keys) == 50 and keys == sorted(keys)
    following = re.search(r'class="button next-page" href="([^"]+)"', first).group(1)
    assert "after=" + keys[-1] in following and "zone=B" in following
    rest = client.get(following.replace("&amp;", "&")).text
    more = re.findall(r'<tr data-key="([^"]+)"', rest)
    assert set(more).isdisjoint(keys) and len(keys) + len(more) == 54
    assert "next-page" not in rest and "first-page" in rest
    assert client.get("/masterdata/zones/WH2:B").status_code == 200
