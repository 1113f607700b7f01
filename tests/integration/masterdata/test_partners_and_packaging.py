"""Issue 17 point 1, the gaps left in master data: carriers as partners, a partner's licence
kind and scope, and packaging levels taken out of use (never deleted) — through the pages,
the commands, the files and the API."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.auth.audit import parse_snapshot
from medwms.auth.rules import SYSTEM, Actor
from medwms.config import Settings
from medwms.core.errors import ImportRejected, ValidationError
from medwms.masterdata import choices, exporting, service
from medwms.masterdata.tables import Packaging, Partner
from tests.e2e.web.forms_data import CARTON_GTIN, UNIT_GTIN, prepare
from tests.integration.masterdata.files import audits, csv_bytes, load
from tests.integration.masterdata.test_pages import post, signed_in, trail

SCOPE = "III类: 6846 植入器材; 6877 介入器材"


@pytest.fixture
def app(db):
    prepare(db)
    return create_app(Settings(database_url=db.url), db=db)


def test_a_carrier_is_created_listed_by_its_type_and_offered_to_shipping(app, db):
    client = signed_in(app, lang="zh-CN")
    form = client.get("/masterdata/partners/new").text
    assert '<option value="CARRIER">物流承运商</option>' in form
    made = post(client, "/masterdata/partners/new", code="sf-exp", name="顺丰医药",
                kind="CARRIER", licence_no="沪交运管许可货字310000001",
                licence_expiry="2030-12-31", contact="400-811-1111", reason="承运商审核")
    assert (made.status_code, made.headers["location"]) == (303, "/masterdata/partners/SF-EXP")
    carriers = client.get("/masterdata/partners?partner_kind=CARRIER").text
    assert 'data-key="SF-EXP"' in carriers and 'data-key="SUP1"' not in carriers
    assert "物流承运商" in carriers
    english = signed_in(app, lang="en")
    assert "Logistics carrier" in english.get("/masterdata/partners/SF-EXP").text
    post(client, "/masterdata/partners/new", code="OLD-EXP", name="旧承运商", kind="CARRIER")
    service.deactivate_partner(db=db, actor=SYSTEM, key="OLD-EXP", reason="合同终止")
    with db.reading() as s:  # the shipping station's datalist: active carriers only
        assert choices.carriers(s) == [("SF-EXP", "顺丰医药")]
    with pytest.raises(ValidationError) as refused:  # a carrier has no parent customer
        service.create_partner(db=db, actor=SYSTEM, values={
            "code": "X-EXP", "name": "x", "kind": "CARRIER", "parent_code": "SUP1"})
    assert refused.value.problems[0].column == "parent_code"


def test_carriers_are_imported_and_exported_with_their_type(db):
    header = ["code", "name", "kind", "licence_kind", "licence_scope"]
    result = load(db, "partners", csv_bytes(header, [
        ["ems-med", "中国邮政医药物流", "carrier", "", ""],
        ["sup9", "器械供应商", "SUPPLIER", "trading", SCOPE]]))
    assert result.created == 2
    text = exporting.export_file(db=db, actor=SYSTEM, kind="partners",
                                 file_format="csv").decode("utf-8-sig")
    assert "EMS-MED,中国邮政医药物流,,CARRIER," in text
    assert "TRADING" in text and SCOPE in text


def test_a_licence_scope_and_kind_are_edited_shown_and_audited(app, db):
    client = signed_in(app, lang="zh-CN")
    changed = post(client, "/masterdata/partners/SUP1/edit", name="迈瑞供应链", kind="SUPPLIER",
                   licence_no="沪食药监械经营20190001", licence_expiry="2031-06-30",
                   licence_kind="TRADING", licence_scope=SCOPE, reason="换发新证")
    assert changed.status_code == 303, changed.text
    page = client.get("/masterdata/partners/SUP1").text
    assert re.search(r'class="licence-kind">医疗器械经营许可证<', page)
    assert re.search(r'class="md-scope licence-scope">III类: 6846 植入器材; 6877 介入器材<', page)
    history = re.search(r'<ul class="changes">.*?</ul>', page, re.S).group(0)
    assert 'data-column="licence_scope"' in history and "经营范围" in history
    update = trail(db, "SUP1")[-1]
    assert parse_snapshot(update.before)["licence_scope"] == ""
    assert parse_snapshot(update.after)["licence_scope"] == SCOPE
    assert parse_snapshot(update.after)["licence_kind"] == "TRADING"
    edit = client.get("/masterdata/partners/SUP1/edit").text
    assert f">{SCOPE}</textarea>" in edit
    assert '<option value="TRADING" selected>医疗器械经营许可证</option>' in edit

    refused = post(client, "/masterdata/partners/SUP1/edit", name="迈瑞供应链", kind="SUPPLIER",
                   licence_no="沪食药监械经营20190001", licence_kind="PERMIT",
                   licence_scope="x" * 501, reason="错误")
    assert refused.status_code == 422
    assert re.search(r'data-field="licence_kind">应为以下之一：TRADING, TRADING_FILING',
                     refused.text)
    assert re.search(r'data-field="licence_scope">超过 500 个字符', refused.text)
    with db.reading() as s:
        assert s.scalar(select(Partner.licence_scope).where(Partner.code == "SUP1")) == SCOPE


def test_a_bad_licence_kind_in_a_file_is_named_with_its_row(db):
    with pytest.raises(ImportRejected) as rejected:
        load(db, "partners", csv_bytes(["code", "name", "kind", "licence_kind"], [
            ["H1", "医院", "CUSTOMER", "MEDICAL_PRACTICE"], ["H2", "医院二", "CUSTOMER", "GSP"]]))
    [problem] = rejected.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "licence_kind", "GSP")


def test_a_packaging_level_is_taken_out_of_use_from_its_page_and_kept(app, db):
    client = signed_in(app)
    page = client.get(f"/masterdata/packaging/{CARTON_GTIN}").text
    assert 'id="in-use-form"' in page and "Take out of use" in page
    refused = post(client, f"/masterdata/packaging/{CARTON_GTIN}/deactivate", reason="")
    assert refused.status_code == 422
    out = post(client, f"/masterdata/packaging/{CARTON_GTIN}/deactivate",
               reason="supplier changed the case GTIN")
    assert (out.status_code, out.headers["location"]) == (
        303, f"/masterdata/packaging/{CARTON_GTIN}")
    with db.reading() as s:  # kept, marked
        assert s.scalar(select(Packaging.active).where(Packaging.gtin == CARTON_GTIN)) is False
    record = client.get(f"/masterdata/packaging/{CARTON_GTIN}").text
    assert "out-of-use" in record and "Put back in use" in record
    assert "supplier changed the case GTIN" in record
    deactivated = trail(db, CARTON_GTIN)[-1]
    assert deactivated.action == "deactivate"
    assert (parse_snapshot(deactivated.before)["active"],
            parse_snapshot(deactivated.after)["active"]) == (True, False)

    item = client.get("/masterdata/items/STENT").text  # hidden from the item by default
    assert f'data-gtin="{UNIT_GTIN}"' in item and f'data-gtin="{CARTON_GTIN}"' not in item
    assert "show-all-packaging" in item
    every = client.get("/masterdata/items/STENT?packaging=all").text
    assert re.search(rf'data-gtin="{CARTON_GTIN}" class="out-of-use-row"', every)
    listed = client.get("/masterdata/packaging").text  # the list shows those in use
    assert f'data-key="{UNIT_GTIN}"' in listed and f'data-key="{CARTON_GTIN}"' not in listed
    assert f'data-key="{CARTON_GTIN}"' in client.get("/masterdata/packaging?status=inactive").text

    back = post(client, f"/masterdata/packaging/{CARTON_GTIN}/reactivate", reason="still used")
    assert back.status_code == 303
    assert f'data-gtin="{CARTON_GTIN}"' in client.get("/masterdata/items/STENT").text
    assert [a.action for a in trail(db, CARTON_GTIN)] == ["deactivate", "reactivate"]


def test_the_api_delete_of_a_gtin_takes_it_out_of_use_instead_of_deleting_it(app, db):
    api = TestClient(app)
    app.dependency_overrides[get_actor] = lambda: Actor(None, "t", frozenset({"manager"}))
    gone = api.delete(f"/api/v1/masterdata/packaging/{CARTON_GTIN}", params={"reason": "old"})
    assert gone.status_code == 200, gone.text
    assert gone.json()["active"] is False and gone.json()["gtin"] == CARTON_GTIN
    assert api.get(f"/api/v1/masterdata/packaging/{CARTON_GTIN}").json()["active"] is False
    again = api.patch(f"/api/v1/masterdata/packaging/{CARTON_GTIN}",
                      json={"active": True, "reason": "back"})
    assert again.json()["active"] is True
    assert [a.action for a in audits(db) if a.entity_key == CARTON_GTIN] == [
        "deactivate", "update"]
