"""Master data over HTTP: CRUD, permission, import with a row report, export files."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.auth.rules import Actor
from medwms.config import Settings
from medwms.masterdata.tables import Item
from tests.integration.masterdata.files import (
    ITEM_HEADER,
    count,
    csv_bytes,
    gs1,
    xlsx_bytes,
)

BASE = "/api/v1/masterdata"
STENT = {"code": "stent-1", "name_zh": "冠脉支架", "risk_class": "III", "tracking": "LOT_SERIAL",
         "temp_min": "2", "temp_max": "25", "unit_cost": "1234.5", "implant": True,
         "registration_expiry": "2030-06-30"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_as(db, role):
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: Actor(None, "t", frozenset({role}))
    return TestClient(app)


@pytest.fixture
def manager(db):
    return client_as(db, "manager")


def test_an_item_is_created_read_listed_updated_and_deactivated(manager):
    created = manager.post(f"{BASE}/items", json={**STENT, "reason": "首营"})
    assert created.status_code == 201, created.text
    assert created.json()["code"] == "STENT-1"
    assert created.json()["unit_cost"] == "1234.5"
    got = manager.get(f"{BASE}/items/STENT-1").json()
    assert (got["registration_expiry"], got["implant"]) == ("2030-06-30", True)
    listed = manager.get(f"{BASE}/items", params={"q": "支架"}).json()
    assert listed["total"] == 1
    changed = manager.patch(f"{BASE}/items/STENT-1", json={"name_en": "Stent", "reason": "x"})
    assert changed.json()["name_en"] == "Stent"
    gone = manager.delete(f"{BASE}/items/STENT-1", params={"reason": "withdrawn"})
    assert gone.json()["active"] is False


def test_a_picker_gets_403_problem_json(db):
    picker = client_as(db, "picker")
    response = picker.post(f"{BASE}/items", json=STENT)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "PERMISSION_DENIED"
    assert picker.get(f"{BASE}/items").status_code == 200


def test_bad_values_give_422_with_each_problem(manager):
    response = manager.post(f"{BASE}/items", json={**STENT, "code": "支架", "temp_min": "30"})
    assert response.status_code == 422
    assert [p["column"] for p in response.json()["problems"]] == ["code"]


def test_a_duplicate_gives_409_and_an_unknown_kind_404(manager):
    manager.post(f"{BASE}/items", json=STENT)
    assert manager.post(f"{BASE}/items", json=STENT).status_code == 409
    assert manager.get(f"{BASE}/gizmos").status_code == 404
    assert manager.get(f"{BASE}/items/NOPE").status_code == 404


def test_an_import_with_bad_rows_gives_422_listing_every_row(manager, db):
    rows = [["A-1", "导管", "III", "LOT", ""], ["A_2", "x", "II", "LOT", "2030/01/01"]]
    response = manager.post(f"{BASE}/items/import",
                            files={"file": ("items.csv", csv_bytes(ITEM_HEADER, rows))},
                            headers={"Accept-Language": "en"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "IMPORT_REJECTED"
    assert [(p["row"], p["column"]) for p in body["problems"]] == [
        (3, "code"), (3, "registration_expiry")]
    assert "nothing was written" in body["detail"]
    assert count(db, Item) == 0


def test_a_renamed_file_gives_422_not_500(manager):
    response = manager.post(f"{BASE}/items/import",
                            files={"file": ("items.xlsx", b"hello, I am text")})
    assert response.status_code == 422
    assert "xlsx" in response.json()["problems"][0]["message"]


def test_a_good_xlsx_import_returns_counts(manager):
    rows = [["A-1", "导管", "III", "LOT", "2030-01-01"], ["A-2", "手套", "I", "LOT", ""]]
    response = manager.post(f"{BASE}/items/import", data={"reason": "initial load"},
                            files={"file": ("items.xlsx", xlsx_bytes(ITEM_HEADER, rows), XLSX)})
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["rows"]) == (2, 2)
    packs = csv_bytes(["gtin", "item_code", "quantity"], [[gs1("0690123400001"), "A-1", 1]])
    response = manager.post(f"{BASE}/packaging/import", files={"file": ("p.csv", packs)})
    assert response.json()["created"] == 1


def test_export_gives_csv_and_xlsx_files_that_import_back(manager):
    manager.post(f"{BASE}/items", json=STENT)
    as_csv = manager.get(f"{BASE}/items/export", params={"format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    assert "STENT-1" in as_csv.content.decode("utf-8-sig")
    as_xlsx = manager.get(f"{BASE}/items/export", params={"format": "xlsx"})
    assert as_xlsx.content.startswith(b"PK")
    again = manager.post(f"{BASE}/items/import", files={"file": ("items.xlsx", as_xlsx.content)})
    assert again.json()["unchanged"] == 1
    assert manager.get(f"{BASE}/items/export", params={"format": "pdf"}).status_code == 422
