"""The demo barcode sheet: every symbol on its PDF scans back to the demo's own data."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium
import zxingcpp
from sqlalchemy import select

from medwms.barcode import parse_scan
from medwms.barcode.labels import LabelSize
from medwms.barcode.render_png import sheet_png
from medwms.demo.sheet import demo_sheet
from medwms.demo.sheet_pdf import sheet_pdf
from medwms.masterdata.tables import Location
from medwms.orders import queries as orders
from medwms.receiving import queries as receiving
from tests.support.demo import TODAY


def scans_of_pdf(pdf: bytes) -> list:
    document = pdfium.PdfDocument(pdf)
    found = []
    for index in range(len(document)):
        image = document[index].render(scale=300 / 72).to_pil()
        found += zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    document.close()
    return [parse_scan(f"{b.symbology_identifier}{b.text}", today=TODAY) for b in found]


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    text = "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    document.close()
    return text


def units(scans) -> set[tuple[str | None, str | None, str | None, date | None]]:
    return {(s.gtin, s.lot, s.serial, s.expiry) for s in scans if s.gtin}


def test_every_symbol_of_the_sheet_pdf_scans_back(demo):
    db, _ = demo
    with db.reading() as s:
        sheet = demo_sheet(s)
    scans = scans_of_pdf(sheet_pdf(sheet))
    assert len(scans) == len(sheet.codes) > 80


def test_the_notice_units_on_the_pdf_are_the_lines_of_the_notice(demo):
    db, summary = demo
    with db.reading() as s:
        sheet = demo_sheet(s)
        notice = receiving.get_notice(s, summary.documents.notice or "")
    expected = {(line.gtin, line.lot, serial, date.fromisoformat(line.expiry or ""))
                for line in notice.lines for serial in (line.serials or [None])}
    assert expected <= units(scans_of_pdf(sheet_pdf(sheet)))
    assert len(expected) == 7  # two lot lines, three stents and two occluders by serial


def test_the_wave_lots_documents_and_locations_on_the_pdf_are_the_demo_s(demo):
    db, summary = demo
    documents = summary.documents
    with db.reading() as s:
        sheet = demo_sheet(s)
        allocated = {(a.lot, a.serial) for n in documents.wave_orders
                     for line in orders.order_view(s, n).lines for a in line.allocations}
        locations = set(s.scalars(select(Location.code)))
    scans = scans_of_pdf(sheet_pdf(sheet))
    assert allocated <= {(lot, serial) for _, lot, serial, _ in units(scans)}
    assert {s.document for s in scans if s.document} == {
        documents.notice, documents.wave, *documents.wave_orders, documents.open_order,
        documents.count_plan, documents.shipped_order, documents.shipment,
        documents.mock_recall}
    assert {s.location for s in scans if s.location} == locations


def test_the_pdf_says_how_often_to_scan_and_names_the_items_in_both_languages(demo):
    db, _ = demo
    with db.reading() as s:
        text = pdf_text(sheet_pdf(demo_sheet(s)))
    for words in ("到货通知上的货品 Units on the advance notice", "库位标签 Location labels",
                  "扫 scan ×2", "心肌肌钙蛋白I测定试剂盒", "Cardiac troponin I assay kit",
                  "ASN-DEMO-SH1", "SH1-K01-1"):
        assert words in text, words


def test_the_first_sheet_as_png_scans_back_too(demo):
    db, _ = demo
    with db.reading() as s:
        sheet = demo_sheet(s)
    labels = [code.label for code in sheet.codes][:18]
    image = sheet_png(labels, LabelSize.L60X40, dpi=300)
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    assert len(found) == len(labels)
