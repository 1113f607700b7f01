"""The master-data file pages over HTTP, on SQLite and PostgreSQL: an upload is checked and
shown, nothing written, until the same file is applied; an export reads back unchanged."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from medwms.api.app import create_app
from medwms.auth.rules import SYSTEM
from medwms.config import Settings
from medwms.masterdata import service
from medwms.masterdata.tables import Item, Location
from tests.integration.masterdata.files import (
    ITEM_HEADER,
    audits,
    count,
    csv_bytes,
    site,
    xlsx_bytes,
)
from tests.support.builders import NOW
from tests.support.users import PASSWORD, make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = [["A-1", "导管", "III", "LOT", "2030-01-31"], ["A-2", "支架", "II", "SERIAL", ""]]


@pytest.fixture
def client(db):
    make_user(db, "ada", "admin")
    make_user(db, "pia", "picker")
    return TestClient(create_app(Settings(database_url=db.url), db=db))


def item_audits(db) -> list:
    return [a for a in audits(db) if a.entity == "item"]


def signed_in(client, username: str = "ada") -> str:
    client.post("/login", data={"username": username, "password": PASSWORD},
                follow_redirects=False)
    client.get("/lang/en?next=/")
    page = client.get("/masterdata/items/import")
    if page.status_code != 200:
        return re.search(r'name="csrf-token" content="([0-9a-f]*)"', page.text).group(1)
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)


def upload(client, csrf: str, kind: str, data: bytes, name: str = "items.xlsx"):
    return client.post(f"/masterdata/{kind}/import", data={"csrf_token": csrf},
                       files={"file": (name, data, XLSX)})


def token_of(page: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]{64})"', page).group(1)


def apply(client, csrf: str, kind: str, token: str, name: str = "items.xlsx"):
    return client.post(f"/masterdata/{kind}/import/apply",
                       data={"csrf_token": csrf, "token": token, "filename": name})


def test_a_bad_upload_shows_each_problem_by_row_and_column_and_writes_nothing(client, db):
    csrf = signed_in(client)
    bad = [GOOD[0], ["A 2", "支架", "IV", "SERIAL", ""]]
    answer = upload(client, csrf, "items", xlsx_bytes(ITEM_HEADER, bad))
    assert answer.status_code == 422
    assert 'data-row="3" data-column="code"' in answer.text
    assert 'data-row="3" data-column="risk_class"' in answer.text
    assert "must be one of I, II, III" in answer.text  # why
    assert "One of: I, II, III." in answer.text  # how to fix it
    assert 'name="token"' not in answer.text
    assert count(db, Item) == 0 and item_audits(db) == []


def test_a_clean_upload_is_previewed_then_applied_once(client, db):
    csrf = signed_in(client)
    previewed = upload(client, csrf, "items", xlsx_bytes(ITEM_HEADER, GOOD))
    assert previewed.status_code == 200
    assert previewed.text.count('data-action="create"') == 2
    assert count(db, Item) == 0
    token = token_of(previewed.text)
    applied = apply(client, csrf, "items", token)
    assert applied.status_code == 200 and "2 created" in applied.text
    assert count(db, Item) == 2
    assert {a.reason for a in item_audits(db)} == {"import items.xlsx (web)"}
    again = apply(client, csrf, "items", token)
    assert again.status_code == 422 and "upload it again" in again.text
    assert count(db, Item) == 2


def test_a_csv_file_is_previewed_and_applied_too(client, db):
    csrf = signed_in(client)
    data = csv_bytes(ITEM_HEADER, GOOD)
    answer = client.post("/masterdata/items/import", data={"csrf_token": csrf,
                                                           "reason": "first stock list"},
                         files={"file": ("items.csv", data, "text/csv")})
    assert answer.status_code == 200 and 'value="first stock list"' in answer.text
    applied = client.post("/masterdata/items/import/apply", data={
        "csrf_token": csrf, "token": token_of(answer.text), "filename": "items.csv",
        "reason": "first stock list"})
    assert applied.status_code == 200 and count(db, Item) == 2
    assert {a.reason for a in item_audits(db)} == {"first stock list"}


def test_a_file_that_no_longer_passes_when_applied_writes_nothing(client, db):
    site(db)
    csrf = signed_in(client)
    header = ["code", "warehouse_code", "zone_code", "barcode"]
    data = xlsx_bytes(header, [["WH1-S1-01", "WH1", "S1", ""],
                               ["WH1-S1-02", "WH1", "S1", "LEGACY-7"]])
    token = token_of(upload(client, csrf, "locations", data, "loc.xlsx").text)
    service.create_record(db=db, actor=SYSTEM, kind="locations", now=NOW, values={
        "code": "OLD-1", "warehouse_code": "WH1", "zone_code": "S1", "barcode": "LEGACY-7"})
    refused = apply(client, csrf, "locations", token, "loc.xlsx")
    assert refused.status_code == 422
    assert 'data-row="3" data-column="barcode"' in refused.text
    assert "nothing was written" in refused.text
    assert count(db, Location) == 1


def test_the_export_downloads_the_xlsx_the_import_reads_back_unchanged(client, db):
    csrf = signed_in(client)
    token = token_of(upload(client, csrf, "items", xlsx_bytes(ITEM_HEADER, GOOD)).text)
    apply(client, csrf, "items", token)
    exported = client.get("/masterdata/items/export")
    assert exported.status_code == 200 and exported.content.startswith(b"PK\x03\x04")
    assert exported.headers["content-type"] == XLSX
    assert exported.headers["content-disposition"] == 'attachment; filename="items.xlsx"'
    back = upload(client, csrf, "items", exported.content)
    assert back.status_code == 200
    assert "2 rows checked, no problems: 0 to create, 0 to change, 2 unchanged" in back.text


def test_a_post_without_the_csrf_token_or_by_a_picker_is_refused(client, db):
    signed_in(client)
    assert upload(client, "0" * 64, "items", xlsx_bytes(ITEM_HEADER, GOOD)).status_code == 403
    picker = TestClient(client.app)
    csrf = signed_in(picker, "pia")
    assert picker.get("/masterdata/items/import").status_code == 403
    assert upload(picker, csrf, "items", xlsx_bytes(ITEM_HEADER, GOOD)).status_code == 403
    assert count(db, Item) == 0


def test_an_unknown_kind_or_no_file_is_said_in_words(client):
    csrf = signed_in(client)
    assert client.get("/masterdata/things/import").status_code == 404
    answer = client.post("/masterdata/items/import", data={"csrf_token": csrf},
                         files={"file": ("empty.xlsx", b"", XLSX)})
    assert answer.status_code == 422 and "Choose a spreadsheet" in answer.text


def test_the_location_labels_page_lists_the_zone_and_its_pdf_opens(client, db):
    site(db)
    for code in ("WH1-S1-01", "WH1-S1-02"):
        service.create_record(db=db, actor=SYSTEM, kind="locations", now=NOW, values={
            "code": code, "warehouse_code": "WH1", "zone_code": "S1"})
    signed_in(client)
    page = client.get("/masterdata/locations/labels", params={"zone": "WH1/S1"})
    assert page.status_code == 200 and "2 locations selected." in page.text
    assert "labels.pdf?warehouse=&amp;zone=WH1%2FS1" in page.text
    pdf = client.get("/masterdata/locations/labels.pdf", params={"zone": "WH1/S1",
                                                                 "size": "60x40"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    none = client.get("/masterdata/locations/labels", params={"warehouse": "WH1",
                                                              "prefix": "ZZ"})
    assert "No location matches" in none.text
    assert client.get("/masterdata/locations/labels.pdf",
                      params={"size": "A3"}).status_code == 422


MiB = 1024 * 1024
BIG_HEADER = ["code", "name_zh", "name_en", "model", "manufacturer", "registration_no",
              "registration_expiry", "risk_class", "tracking", "temp_min", "temp_max"]


def big_rows(n: int) -> list[list[str]]:
    """`n` items as a real stock list has them: Chinese and English names, a registration
    number, a maker."""
    return [[f"ITEM-{i:06d}", f"一次性使用无菌导管 {i}", f"Sterile single-use catheter {i}",
             f"M-{i % 997:03d}", "上海某某医疗器械有限公司", f"国械注准2023303{i:05d}",
             "2030-06-30", ("I", "II", "III")[i % 3], ("LOT", "SERIAL")[i % 2], "2", "25"]
            for i in range(n)]


def big_xlsx(n: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(BIG_HEADER)
    for row in big_rows(n):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_signed_in_upload_over_the_request_limit_is_previewed(client, db):
    data = csv_bytes(BIG_HEADER, big_rows(20_000))
    assert 2.5 * MiB < len(data) < 4 * MiB  # ~3 MiB: over the 1 MiB request limit
    csrf = signed_in(client)
    import_page = client.get("/masterdata/items/import")
    assert "at most 20 MiB" in import_page.text
    answer = upload(client, csrf, "items", data, "items.csv")
    assert answer.status_code == 200, answer.text[:300]
    assert "20000 rows checked, no problems: 20000 to create" in answer.text
    assert answer.text.count('data-action="create"') == 300  # the rest counted, not listed
    assert 'name="token"' in answer.text
    assert count(db, Item) == 0
    forged = upload(client, "0" * 40, "items", data, "items.csv")
    assert forged.status_code == 403  # the size check let it in; the CSRF check did not


def test_a_50000_row_items_workbook_previews_from_the_page(client, db):
    data = big_xlsx(50_000)
    assert MiB < len(data) < 20 * MiB  # about 2.4 MiB: needs the upload limit
    csrf = signed_in(client)
    answer = upload(client, csrf, "items", data)
    assert answer.status_code == 200, answer.text[:300]
    assert "50000 rows checked, no problems: 50000 to create, 0 to change" in answer.text
    assert "… and 49700 more rows to create or change." in answer.text
    assert count(db, Item) == 0


def test_the_locations_list_links_to_the_labels_of_what_it_shows(client, db):
    site(db)
    signed_in(client)
    page = client.get("/masterdata/locations", params={"q": "WH1-S1", "warehouse": "WH1",
                                                       "zone": "S1"})
    assert page.status_code == 200
    assert ('href="/masterdata/locations/labels?warehouse=WH1&amp;zone=WH1%2FS1&amp;'
            'prefix=WH1-S1"') in page.text
    assert 'href="/masterdata/locations/import"' in page.text
    assert 'href="/masterdata/locations/export"' in page.text
    unfiltered = client.get("/masterdata/locations")
    assert 'href="/masterdata/locations/labels?warehouse=&amp;zone=&amp;prefix="' \
        in unfiltered.text
    items = client.get("/masterdata/items")
    assert 'href="/masterdata/items/import"' in items.text
    assert "/masterdata/locations/labels" not in items.text
