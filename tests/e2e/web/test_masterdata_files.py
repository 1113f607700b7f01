"""Master-data files in real Chromium: an administrator uploads a spreadsheet with a mistake,
reads the row and column of it (in Chinese), fixes it, uploads again, applies, and the items
exist; the export downloads and reads back unchanged; location labels download as a PDF whose
barcodes scan as the locations' codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from medwms.barcode import parse_scan
from medwms.masterdata.tables import Item
from tests.e2e.web.forms_data import DESK, prepare, signed_in
from tests.e2e.web.live import no_horizontal_scroll, shot
from tests.integration.masterdata.files import ITEM_HEADER, count, csv_bytes, xlsx_bytes
from tests.support.users import make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [*ITEM_HEADER, "name_en"]
MISTAKE = [["GW-01", "导丝", "II", "LOT", "2030-06-30", "Guide wire"],
           ["GW-02", "导丝（长）", "IV", "LOT", "2030-06-30", "Long guide wire"]]
FIXED = [MISTAKE[0], [*MISTAKE[1][:2], "II", *MISTAKE[1][3:]]]


@pytest.fixture(scope="module")
def world(live_db):
    forms = prepare(live_db)
    make_user(live_db, "adam", "admin", display_name="管理员 Adam")
    return forms


def choose(page, name: str, data: bytes) -> None:
    page.set_input_files("#upload-form input[name=file]",
                         files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    with page.expect_navigation():
        page.click("#upload-form button.check")


def test_a_mistake_is_shown_by_row_and_column_fixed_and_the_file_applied(browser, server,
                                                                         live_db, world):
    context, page = signed_in(browser, server.url, "adam", DESK, "zh-CN")
    page.click("details.menu summary")
    page.click("a[href='/masterdata/files']")
    page.wait_for_url("**/masterdata/files")
    assert page.locator("h1").inner_text() == "导入与导出"
    page.click("tr[data-kind=items] a.import")
    page.wait_for_url("**/masterdata/items/import")
    assert page.locator("h1").inner_text() == "导入 · 产品"

    choose(page, "guide-wires.xlsx", xlsx_bytes(HEADER, MISTAKE))
    problem = page.locator("table.import-problems tbody tr")
    assert problem.count() == 1
    assert problem.get_attribute("data-row") == "3"
    assert problem.get_attribute("data-column") == "risk_class"
    assert problem.locator("td.row").inner_text() == "3"
    assert problem.locator("td.column").inner_text() == "risk_class"
    assert problem.locator("td.value").inner_text() == "IV"
    assert problem.locator("td.why").inner_text() == "应为以下之一：I, II, III"
    assert problem.locator("td.fix").inner_text().startswith("以下之一：I, II, III。")
    headings = page.locator("table.import-problems th").all_inner_texts()
    assert headings == ["行", "列", "单元格内容", "问题", "如何修改"]
    assert "未写入任何数据" in page.locator(".refusal").first.inner_text()
    assert page.locator("#apply-form").count() == 0
    assert no_horizontal_scroll(page)
    shot(page, "masterdata-import-problem-1280")
    assert count(live_db, Item) == 1  # the prepared STENT only

    choose(page, "guide-wires.xlsx", xlsx_bytes(HEADER, FIXED))
    assert page.locator("table.import-rows tr[data-action=create]").count() == 2
    assert "新建 2" in page.locator(".preview-summary").inner_text()
    assert count(live_db, Item) == 1
    shot(page, "masterdata-import-preview-1280")
    with page.expect_navigation():
        page.click("#apply-form button.apply")
    assert "新建 2" in page.locator(".import-done").inner_text()
    with live_db.reading() as s:
        made = {i.code: (i.name_zh, i.name_en, i.risk_class)
                for i in s.query(Item).filter(Item.code.like("GW-%"))}
    assert made == {"GW-01": ("导丝", "Guide wire", "II"),
                    "GW-02": ("导丝（长）", "Long guide wire", "II")}
    context.close()


def test_the_exported_items_read_back_unchanged(browser, server, live_db, world):
    context, page = signed_in(browser, server.url, "adam", DESK, "en")
    page.goto(f"{server.url}/masterdata/files")
    assert page.locator("tr[data-kind] td strong").all_inner_texts() == [
        "Items", "Packaging levels", "Owners", "Partners", "Warehouses", "Zones", "Locations"]
    assert no_horizontal_scroll(page)
    shot(page, "masterdata-files-1280")
    with page.expect_download() as download:
        page.click("tr[data-kind=items] a.export")
    exported = download.value
    assert exported.suggested_filename == "items.xlsx"
    data = Path(exported.path()).read_bytes()
    assert data.startswith(b"PK\x03\x04")
    page.goto(f"{server.url}/masterdata/items/import")
    choose(page, "items.xlsx", data)
    items = count(live_db, Item)
    assert f"{items} rows checked, no problems: 0 to create, 0 to change, {items} unchanged" \
        in page.locator(".preview-summary").inner_text()
    context.close()


def test_location_labels_download_and_scan_as_the_location_codes(browser, server, world):
    context, page = signed_in(browser, server.url, "adam", DESK, "en")
    page.goto(f"{server.url}/masterdata/files")
    page.click("a.location-labels")
    page.select_option("select[name=zone]", "WH1/A")
    page.select_option("select[name=size]", "60x40")
    with page.expect_navigation():
        page.click("button.show-locations")
    assert page.locator(".labels-summary").inner_text().startswith("2 locations selected.")
    assert page.locator("table.label-locations code").all_inner_texts() == ["WH1-A-01",
                                                                          "WH1-A-02"]
    shot(page, "location-labels-1280")
    href = page.locator("a.labels-pdf").get_attribute("href")
    answer = context.request.get(f"{server.url}{href}")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    document = pdfium.PdfDocument(answer.body())
    codes = []
    for i in range(len(document)):
        image = document[i].render(scale=300 / 72).to_pil()
        for symbol in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain):
            scan = parse_scan(f"{symbol.symbology_identifier}{symbol.text}",
                              today=date.today())
            codes.append(scan.location)
    assert codes == ["WH1-A-01", "WH1-A-02"]
    context.close()


def test_the_list_pages_link_to_import_export_and_the_filtered_labels(browser, server, world):
    context, page = signed_in(browser, server.url, "adam", DESK, "en")
    page.goto(f"{server.url}/masterdata/items")
    assert page.locator("a.md-import").inner_text() == "Import a file"
    assert page.locator("a.md-export").inner_text() == "Export XLSX"
    assert page.locator("a.md-labels").count() == 0  # labels are for locations only
    with page.expect_navigation():
        page.click("a.md-import")
    assert page.url == f"{server.url}/masterdata/items/import"
    assert page.locator("h1").inner_text() == "Import · Items"
    page.go_back()
    with page.expect_download() as download:
        page.click("a.md-export")
    assert download.value.suggested_filename == "items.xlsx"
    page.goto(f"{server.url}/masterdata/locations?warehouse=WH1&zone=A")
    assert no_horizontal_scroll(page)
    shot(page, "masterdata-locations-actions-1280")
    with page.expect_navigation():
        page.click("a.md-labels")
    assert page.url.startswith(f"{server.url}/masterdata/locations/labels?")
    assert page.locator("select[name=zone]").input_value() == "WH1/A"
    assert page.locator(".labels-summary").inner_text().startswith("2 locations selected.")
    context.close()


def test_the_list_links_speak_chinese_and_only_writers_see_import(browser, server, world):
    context, page = signed_in(browser, server.url, "adam", DESK, "zh-CN")
    page.goto(f"{server.url}/masterdata/locations")
    assert page.locator("a.md-import").inner_text() == "导入文件"
    assert page.locator("a.md-labels").inner_text() == "打印标签"
    context.close()
    context, page = signed_in(browser, server.url, "rita", DESK, "zh-CN")
    page.goto(f"{server.url}/masterdata/locations")
    assert page.locator("h1").count() == 1
    assert page.locator("a.md-import, a.md-export").count() == 0
    assert page.locator("a.md-labels").count() == 1
    context.close()


def test_a_3_mib_spreadsheet_from_the_browser_is_previewed(browser, server, live_db, world):
    rows = [[f"BIG-{i:06d}", f"一次性使用无菌导管 {i}", "III", "LOT", "2030-06-30",
             f"Sterile single-use catheter, long model {i:06d}"] for i in range(30_000)]
    data = csv_bytes(HEADER, rows)
    assert 3 * 1024 * 1024 < len(data) < 4 * 1024 * 1024  # over the 1 MiB of a plain request
    items = count(live_db, Item)
    context, page = signed_in(browser, server.url, "adam", DESK, "en")
    page.goto(f"{server.url}/masterdata/items/import")
    assert "at most 20 MiB" in page.locator("#upload-form").inner_text()
    page.set_input_files("#upload-form input[name=file]",
                         files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": data}])
    with page.expect_navigation():
        page.click("#upload-form button.check")
    assert "30000 rows checked, no problems: 30000 to create" in \
        page.locator(".preview-summary").inner_text()
    assert page.locator("#apply-form").count() == 1
    assert count(live_db, Item) == items  # nothing written before Apply
    context.close()
