"""Location labels: the selected locations' Code 128 symbols scan back from the PDF as their
codes, in walking order; a selection is a warehouse, a zone, a code prefix."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp

from medwms.auth.rules import SYSTEM
from medwms.barcode import parse_scan
from medwms.barcode.labels import LabelSize
from medwms.core.errors import ValidationError
from medwms.documents.location_labels import Selection, location_labels_pdf, selected_locations
from medwms.masterdata import service
from tests.integration.masterdata.files import site
from tests.support.builders import NOW


def located(db, *codes: tuple[str, str]) -> None:
    for code, zone in codes:
        service.create_record(db=db, actor=SYSTEM, kind="locations", now=NOW, values={
            "code": code, "warehouse_code": "WH1", "zone_code": zone})


def decoded(pdf: bytes) -> list[str]:
    """The location code of every symbol in the PDF, page by page, as a station reads it."""
    document = pdfium.PdfDocument(pdf)
    codes = []
    for i in range(len(document)):
        image = document[i].render(scale=300 / 72).to_pil()
        found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
        for symbol in sorted(found, key=lambda s: (s.position.top_left.y, s.position.top_left.x)):
            scan = parse_scan(f"{symbol.symbology_identifier}{symbol.text}",
                              today=date(2026, 12, 8))
            assert scan.issuer == "INTERNAL" and scan.symbology == "]C0", scan
            codes.append(scan.location)
    return codes


def test_the_labels_of_a_zone_scan_back_as_its_location_codes(db):
    site(db)
    located(db, ("WH1-S1-02", "S1"), ("WH1-S1-01", "S1"), ("WH1-RCV-01", "RCV"))
    with db.reading() as s:
        pdf = location_labels_pdf(s, Selection(warehouse="wh1", zone="s1"))
    assert pdf.startswith(b"%PDF")
    assert decoded(pdf) == ["WH1-S1-01", "WH1-S1-02"]


def test_a_code_prefix_selects_across_zones_and_a4_sheets_hold_many(db):
    site(db)
    located(db, ("WH1-S1-01", "S1"), ("WH1-RCV-01", "RCV"), ("X-9", "S1"))
    with db.reading() as s:
        chosen = selected_locations(s, Selection(prefix="wh1-"))
        pdf = location_labels_pdf(s, Selection(prefix="WH1-"), size=LabelSize.L60X40,
                                  sheet=True)
    assert [c.code for c in chosen] == ["WH1-RCV-01", "WH1-S1-01"]
    assert chosen[0].label.zone.startswith("WH1/RCV")
    assert len(pdfium.PdfDocument(pdf)) == 1
    assert sorted(decoded(pdf)) == ["WH1-RCV-01", "WH1-S1-01"]


def test_a_selection_of_nothing_is_refused_in_words(db):
    site(db)
    located(db, ("WH1-S1-01", "S1"))
    with db.reading() as s, pytest.raises(ValidationError) as refused:
        location_labels_pdf(s, Selection(warehouse="WH1", zone="RCV"))
    assert "no location matches" in refused.value.problems[0].message
