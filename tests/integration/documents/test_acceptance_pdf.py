"""The receipt/acceptance record PDF: every GSP field, both languages, the receipt barcode."""

from __future__ import annotations

from datetime import UTC, datetime

import pypdfium2 as pdfium
import pytest
import zxingcpp

from medwms.barcode import parse_scan
from medwms.documents.acceptance import acceptance_pdf, acceptance_record
from medwms.masterdata.tables import Partner
from medwms.quality.service import conclude_inspection, open_inspection
from medwms.receiving.tables import Receipt
from tests.support.quality import PASSWORD, RECEIPT, accept, make_arrival, reject


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def released(db, finding=None, with_receipt=True):
    arrival = make_arrival(db)
    if with_receipt:
        add_receipt(db, arrival)
    view = open_inspection(db, actor=arrival.inspector, receipt_no=RECEIPT, item="STENT",
                           lot="LOTA1")
    return conclude_inspection(db, actor=arrival.inspector, inspection_no=view.inspection_no,
                               finding=finding or accept(), password=PASSWORD)


def add_receipt(db, arrival):
    with db.unit_of_work() as uow:
        s = uow.session
        supplier = Partner(code="SUP1", name="北京康达医疗器械有限公司", kind="SUPPLIER",
                           licence_no="京食药监械经营许20150123号", address="北京市朝阳区",
                           contact="010-12345678", updated_at=datetime(2026, 1, 1, tzinfo=UTC))
        s.add(supplier)
        s.flush()
        s.add(Receipt(receipt_no=RECEIPT, supplier_id=supplier.id, po_no="PO-778",
                      warehouse_id=arrival.warehouse_id, owner_id=arrival.owner_id,
                      location_id=arrival.dock_id,
                      opened_at=datetime(2026, 11, 25, 1, tzinfo=UTC)))
        uow.commit()


def record_pdf(db, language, **kw):
    with db.reading() as s:
        return acceptance_pdf(acceptance_record(s, **kw), language=language)


def test_chinese_record_has_every_gsp_field_and_value(db):
    view = released(db)
    text = pdf_text(record_pdf(db, "zh-CN", inspection_no=view.inspection_no))
    for label in ("入库验收记录", "产品名称", "型号规格", "注册证编号", "生产企业", "批号",
                  "生产日期", "有效期至", "到货数量", "供货单位", "验收结论", "验收员",
                  "验收日期", "电子签名"):
        assert label in text, label
    for value in ("冠脉支架", "3.0×18 mm", "国械注准20153130541", "上海微创医疗器械", "LOTA1",
                  "2025-01-02", "2028-06-30", "北京康达医疗器械有限公司", "合格", "验收员 Ivan",
                  "合格放行", RECEIPT, "PO-778", "06900000000014", view.record_hash):
        assert value in text, value


def test_english_record_has_english_labels(db):
    view = released(db, reject())
    text = pdf_text(record_pdf(db, "en", receipt_no=RECEIPT))
    for label in ("Receipt and acceptance record", "Name", "Model / specification",
                  "Registration certificate no.", "Manufacturer", "Lot / serial", "Expiry",
                  "Quantity received", "Supplier", "Conclusion", "Rejected", "Inspector",
                  "Reason for rejection", "Disposition", "Electronic signature"):
        assert label in text, label
    assert "Coronary stent" in text and "crushed cartons" in text
    assert "return to supplier" in text and view.signature.split(" – ")[0] in text


def test_record_without_a_receipt_row_still_prints(db):
    view = released(db, with_receipt=False)
    text = pdf_text(record_pdf(db, "zh-CN", inspection_no=view.inspection_no))
    assert "LOTA1" in text and "供货单位" in text


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_receipt_number_barcode_scans_back_as_the_document(db, language):
    released(db)
    pdf = record_pdf(db, language, receipt_no=RECEIPT)
    image = pdfium.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil()
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    scans = [parse_scan(f"{b.symbology_identifier}{b.text}") for b in found]
    assert [s.document for s in scans] == [RECEIPT]
