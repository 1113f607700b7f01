"""The receiving handover (G07, G08, G12): no receipt is completed without the delivery note
kept and both signatures, nor a cold one without its transport temperature record."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pypdfium2 as pdfium
import pytest

from medwms.attachments.service import Upload
from medwms.core.errors import DomainError
from medwms.documents.acceptance import AcceptanceRecord, Supplier, acceptance_pdf
from medwms.documents.pdf_parts import local_text
from medwms.receiving import handover, handover_queries, rules, service
from medwms.receiving.tables import ReceiptStatus
from tests.support.handover import PDF, PNG, hand_over, papers, scratch_store, signing_receiver
from tests.support.receiving import COLD_BOX, NOW, RECEIVER, STENT_BOX, udi
from tests.support.users import PASSWORD

GOOD = date(2028, 6, 30)


def scan(db, receipt_no, raw, scan_id="s1", **kw):
    return service.receive_scan(db, actor=RECEIVER, receipt_no=receipt_no, raw=raw,
                                scan_id=scan_id, now=NOW, **kw)


def sign(db, receipt_no, **kw):
    args = dict(store=scratch_store(), actor=signing_receiver(db), receipt_no=receipt_no,
                deliverer_name="Wang Wei", deliverer_signature=Upload("sig.png", PNG),
                signed_by="DRAWN", papers=papers(), password=PASSWORD, now=NOW)
    return handover.record_handover(db, **{**args, **kw})


def refused_close(db, receipt_no):
    with pytest.raises(DomainError) as caught:
        service.close_receipt(db, actor=RECEIVER, receipt_no=receipt_no, now=NOW)
    return caught.value


def test_a_receipt_without_its_handover_cannot_be_completed(db, site, po_receipt):
    scan(db, po_receipt, udi(STENT_BOX, lot="L1", expiry=GOOD))
    error = refused_close(db, po_receipt)
    assert error.code == "HANDOVER_INCOMPLETE"
    assert error.fields["missing"] == ["DELIVERY_NOTE", "DELIVERER_SIGNATURE",
                                       "RECEIVER_SIGNATURE"]
    assert "SUP1" in error.message("en") and "2026-11-25" in error.message("en")
    assert "随货同行单" in error.message("zh-CN")
    with db.reading() as s:
        assert service.queries.get_receipt(s, po_receipt).header.status == ReceiptStatus.OPEN


def test_with_the_note_and_both_signatures_the_receipt_completes(db, site, po_receipt):
    scan(db, po_receipt, udi(STENT_BOX, lot="L1", expiry=GOOD))
    view = hand_over(db, po_receipt, now=NOW)
    assert view.complete and view.deliverer_method == "DRAWN"
    assert view.receiver_username == "hana" and view.signed_at is not None
    assert {p.purpose for p in view.papers} == {"DELIVERY_NOTE", "WAYBILL"}
    assert view.deliverer_signature is not None
    assert view.deliverer_signature.sha256 == hashlib.sha256(PNG).hexdigest()
    closed = service.close_receipt(db, actor=RECEIVER, receipt_no=po_receipt, now=NOW)
    assert closed.status == ReceiptStatus.CLOSED


def test_signing_without_the_delivery_note_is_refused_and_keeps_nothing(db, site, po_receipt):
    with pytest.raises(DomainError) as caught:
        sign(db, po_receipt, papers=[(rules.WAYBILL, Upload("waybill.pdf", PDF))])
    assert caught.value.code == "HANDOVER_INCOMPLETE"
    with db.reading() as s:
        view = handover_queries.receipt_handover(s, po_receipt)
    assert view.papers == () and view.signed_at is None


def test_a_wrong_password_signs_nothing(db, site, po_receipt):
    with pytest.raises(DomainError) as caught:
        sign(db, po_receipt, password="not-my-password")
    assert caught.value.code == "WRONG_PASSWORD"
    assert refused_close(db, po_receipt).code == "HANDOVER_INCOMPLETE"


def test_a_drawn_signature_must_be_a_png_but_a_signed_paper_may_be_a_scan(db, site, po_receipt):
    with pytest.raises(DomainError) as caught:
        sign(db, po_receipt, deliverer_signature=Upload("sig.pdf", PDF))
    assert caught.value.code == "VALIDATION_ERROR"
    view = sign(db, po_receipt, deliverer_signature=Upload("signed note.pdf", PDF),
                signed_by="PAPER")
    assert view.complete and view.deliverer_method == "PAPER"


def test_a_signed_handover_is_not_signed_again(db, site, po_receipt):
    sign(db, po_receipt)
    with pytest.raises(DomainError) as caught:
        sign(db, po_receipt, deliverer_name="Someone Else")
    assert caught.value.code == "HANDOVER_ALREADY_RECORDED"
    assert "Wang Wei" in caught.value.message("en")


def test_the_deliverer_name_and_signing_way_are_required(db, site, po_receipt):
    with pytest.raises(DomainError) as caught:
        sign(db, po_receipt, deliverer_name="  ", signed_by="FAX")
    assert {p.column for p in caught.value.problems} == {  # type: ignore[attr-defined]
        "deliverer_name", "signed_by"}


def test_a_cold_receipt_needs_the_transport_temperature_record(db, site, po_receipt):
    scan(db, po_receipt, udi(COLD_BOX, lot="C1", expiry=GOOD), arrival_temp=Decimal("5.0"),
         logger_id="LOG-77")
    with pytest.raises(DomainError) as caught:
        sign(db, po_receipt)
    assert caught.value.fields["missing"] == ["TEMPERATURE_RECORD"]
    assert "运输温度记录" in caught.value.message("zh-CN")
    view = hand_over(db, po_receipt, cold=True, now=NOW)
    record = next(p for p in view.papers if p.purpose == "TEMPERATURE_RECORD")
    assert record.media_type == "text/csv" and view.cold
    service.close_receipt(db, actor=RECEIVER, receipt_no=po_receipt, now=NOW)


def test_the_acceptance_record_prints_the_handover(db, site, po_receipt):
    view = hand_over(db, po_receipt, now=NOW)
    record = AcceptanceRecord(receipt_no=po_receipt, supplier=Supplier(name="SUP1"), po_no="PO-1",
                              purchase_date="2026-11-25", warehouse=site.warehouse,
                              timezone="Asia/Shanghai", lines=(), udi_di={}, handover=view)
    document = pdfium.PdfDocument(acceptance_pdf(record, language="en"))
    text = "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    document.close()
    flat = " ".join(text.split())
    signed = local_text(view.signed_at, "Asia/Shanghai")
    assert "Wang Wei" in flat and "Hana Li" in flat and signed in flat
    for kept in (*view.papers, view.deliverer_signature):
        assert kept is not None and kept.sha256[:32] in flat.replace(" ", "")
    assert "waybill.jpg" in flat
