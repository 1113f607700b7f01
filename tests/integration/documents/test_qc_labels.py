"""QC-passed labels: the UDI DataMatrix scans back from the PDF; ZPL carries the same data."""

from __future__ import annotations

import re
from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp

from medwms.barcode import parse_scan
from medwms.documents.qc_labels import LabelsPer, qc_labels, qc_labels_pdf, qc_labels_zpl
from medwms.quality.errors import NothingReleased
from medwms.quality.service import conclude_inspection, open_inspection
from tests.support.builders import gtin
from tests.support.quality import GTIN_BODY, PASSWORD, RECEIPT, accept, make_arrival, reject

GTIN = gtin(GTIN_BODY)


def concluded(db, finding=None, **arrival_kw):
    arrival = make_arrival(db, **arrival_kw)
    view = open_inspection(db, actor=arrival.inspector, receipt_no=RECEIPT, item="STENT",
                           lot="LOTA1")
    return conclude_inspection(db, actor=arrival.inspector, inspection_no=view.inspection_no,
                               finding=finding or accept(), password=PASSWORD)


def scans_of(pdf):
    document = pdfium.PdfDocument(pdf)
    out = []
    for i in range(len(document)):
        image = document[i].render(scale=300 / 72).to_pil()
        for found in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain):
            out.append(parse_scan(f"{found.symbology_identifier}{found.text}",
                                  today=date(2026, 11, 25)))
    return out


def pdf_text(pdf):
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_lot_label_datamatrix_decodes_to_the_released_udi(db):
    view = concluded(db, cold=True)
    with db.reading() as s:
        pdf = qc_labels_pdf(s, view.inspection_no)
    [scan] = scans_of(pdf)
    assert scan.symbology == "]d2"
    assert (scan.gtin, scan.lot, scan.expiry, scan.production_date) == (
        GTIN, "LOTA1", date(2028, 6, 30), date(2025, 1, 2))
    text = pdf_text(pdf)
    for shown in ("合格 PASSED", "冠脉支架", "Coronary stent", "3.0×18 mm", "验收员 Ivan",
                  "2.0–8.0 °C", f"(01){GTIN}", "LOTA1", "2028-06-30"):
        assert shown in text, shown


def test_unit_labels_carry_each_released_serial(db):
    view = concluded(db, reject(conclusion="PARTIAL", accepted_qty=2, rejected_qty=1),
                     serials=("SN1", "SN2", "SN3"))
    with db.reading() as s:
        pdf = qc_labels_pdf(s, view.inspection_no, per=LabelsPer.UNIT)
    assert sorted(scan.serial for scan in scans_of(pdf)) == ["SN1", "SN2"]


def test_handling_unit_labels_carry_the_quantity(db):
    view = concluded(db, quantity=12)
    with db.reading() as s:
        [label] = qc_labels(s, view.inspection_no, LabelsPer.HU)
    assert label.device.udi.quantity == 12


def test_zpl_label_has_the_gs1_datamatrix_with_fnc1s(db):
    view = concluded(db)
    with db.reading() as s:
        zpl = qc_labels_zpl(s, view.inspection_no)
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert "^BXN," in zpl and ",200,,,,_^FD" in zpl
    field = re.search(r"\^BXN,[^\^]*\^FD([^\^]*)\^FS", zpl).group(1)
    assert field == f"_101{GTIN}11250102172806301" + "0LOTA1"
    assert "_5" not in field  # the FNC1 escape, not a hex escape


def test_zpl_of_serial_units_separates_lot_and_serial_with_fnc1(db):
    view = concluded(db, accept(sample_size=1), serials=("SN1",))
    with db.reading() as s:
        zpl = qc_labels_zpl(s, view.inspection_no, per=LabelsPer.UNIT)
    assert f"^FD_101{GTIN}11250102172806301" + "0LOTA1_121SN1^FS" in zpl


def test_a_rejected_lot_has_no_qc_passed_label(db):
    view = concluded(db, reject())
    with db.reading() as s, pytest.raises(NothingReleased):
        qc_labels(s, view.inspection_no)
