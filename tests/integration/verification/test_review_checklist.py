"""The outbound review checklist (G26): four conditions and the UDI per reviewed unit; a "no"
stops the order's shipment and raises a quality task until quality decides it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from medwms.core.errors import DomainError
from medwms.masterdata.tables import Item
from medwms.picking import picks
from medwms.shipping.packing import open_shipment
from medwms.verification import blocks, review
from medwms.verification import service as verification
from tests.support.builders import NOW
from tests.support.picks import PACER_GTIN, STENT_GTIN, at, counts, standard, unit
from tests.support.users import PASSWORD, actor_of, make_user


@pytest.fixture
def people(db):
    """pat picks, vera verifies, sam ships, quinn is the quality manager."""
    return {name: actor_of(make_user(db, name, *roles)) for name, roles in (
        ("pat", ("picker",)), ("vera", ("verifier",)), ("sam", ("shipper",)),
        ("quinn", ("quality",)))}


@pytest.fixture
def number(db, people):
    """SO-1 fully picked by pat, its verification started by vera."""
    standard(db)
    for scan_id, raw, location in (("a", unit(STENT_GTIN, "L1", count=5), "A-01"),
                                   ("b", unit(PACER_GTIN, "PL1", "P1"), "A-02"),
                                   ("c", unit(PACER_GTIN, "PL1", "P2"), "A-02")):
        picks.pick_unit(db, actor=people["pat"], wave_no="WAV-1", location_raw=at(location),
                        raw=raw, scan_id=scan_id, now=NOW)
    return verification.start_verification(db, actor=people["vera"], order_no="SO-1",
                                           now=NOW).verification_no


def review_all(db, vera, number, **stent_answers):
    first = verification.scan_unit(db, actor=vera, verification_no=number,
                                   raw=unit(STENT_GTIN, "L1", count=5), scan_id="v1", now=NOW,
                                   **stent_answers)
    for scan_id, serial in (("v2", "P1"), ("v3", "P2")):
        verification.scan_unit(db, actor=vera, verification_no=number,
                               raw=unit(PACER_GTIN, "PL1", serial), scan_id=scan_id, now=NOW)
    verification.finish(db, actor=vera, verification_no=number, now=NOW)
    return first


def ship(db, people):
    return open_shipment(db, actor=people["sam"], order_no="SO-1", now=NOW)


def test_all_fine_by_default_records_the_udi_and_lets_the_order_ship(db, people, number):
    first = review_all(db, people["vera"], number)
    assert first.failed == "" and first.udi.startswith("(01)") and "(10)L1" in first.udi
    assert "(17)280630" in first.udi  # the lot's expiry when the barcode carries none
    assert ship(db, people).status == "PACKING"


def test_a_label_mismatch_blocks_the_shipment_and_raises_a_quality_task(db, people, number):
    first = review_all(db, people["vera"], number, failed=["label"])
    assert first.failed == "LABEL"
    with db.reading() as s:
        [task] = blocks.review_blocks(s)
    assert (task.order_no, task.failed, task.item, task.udi) == (
        "SO-1", ("LABEL",), "STENT", first.udi)
    before = counts(db)
    with pytest.raises(DomainError) as caught:
        ship(db, people)
    refusal = caught.value
    assert refusal.code == "REVIEW_BLOCKED" and refusal.status == 409
    assert "SO-1" in refusal.message("en") and "label" in refusal.message("en")
    assert first.udi in refusal.message("en") and "2026" in refusal.message("en")
    assert "标签" in refusal.message("zh-CN")
    assert counts(db) == before


def test_quality_clears_the_block_with_an_e_signature_and_the_order_ships(db, people, number):
    review_all(db, people["vera"], number, failed=["PACKAGING"])
    with db.reading() as s:
        [task] = blocks.review_blocks(s)
    with pytest.raises(DomainError) as caught:
        blocks.clear_review_block(db, actor=people["vera"], block_id=task.id,
                                  decision="fine", password=PASSWORD)
    assert caught.value.code == "PERMISSION_DENIED"
    cleared = blocks.clear_review_block(db, actor=people["quinn"], block_id=task.id,
                                        decision="outer carton only; inner seal intact",
                                        password=PASSWORD)
    assert cleared.status == "CLEARED"
    with pytest.raises(DomainError) as again:
        blocks.clear_review_block(db, actor=people["quinn"], block_id=task.id,
                                  decision="again", password=PASSWORD)
    assert again.value.code == "REVIEW_BLOCK_CLEARED"
    assert ship(db, people).status == "PACKING"


def test_other_anomaly_needs_a_note_and_an_unknown_condition_is_refused(db, people, number):
    before = counts(db)
    for failed, code in ((["OTHER"], "ANOMALY_NEEDS_NOTE"), (["SMELL"], "BAD_CHECKLIST")):
        with pytest.raises(DomainError) as caught:
            verification.scan_unit(db, actor=people["vera"], verification_no=number,
                                   raw=unit(STENT_GTIN, "L1", count=5), scan_id="x", now=NOW,
                                   failed=failed)
        assert caught.value.code == code
    assert counts(db) == before


def test_the_review_record_has_every_field_of_each_reviewed_unit(db, people, number):
    with db.unit_of_work() as uow:
        uow.session.execute(update(Item).where(Item.code == "STENT").values(
            model="3.0×18 mm", manufacturer="微创医疗 / 受托: 苏州工厂",
            registration_no="国械注准20173130001"))
        uow.commit()
    review_all(db, people["vera"], number, failed=["OTHER", "EXPIRY"], note="wet carton")
    with db.reading() as s:
        record = review.review_record(s, number)
    assert (record.order_no, record.reviewer, record.status) == ("SO-1", "vera", "PASSED")
    assert record.outbound_date == date(2026, 11, 25)
    assert (record.customer, record.customer_code) == ("City Hospital", "HOSP")
    assert len(record.lines) == 3
    stent = record.lines[0]
    assert (stent.item, stent.lot, stent.quantity, stent.note) == ("STENT", "L1", 5, "wet carton")
    assert stent.name_zh and stent.expiry is not None and stent.unit and stent.udi
    assert stent.checklist == {"packaging_ok": True, "label_ok": True, "not_expired": False,
                               "no_anomaly": False}
    pacer = record.lines[1]
    assert pacer.serial == "P1" and all(pacer.checklist.values())
    assert (stent.model_spec, stent.manufacturer, stent.registration_no) == (
        "3.0×18 mm", "微创医疗 / 受托: 苏州工厂", "国械注准20173130001")
    assert stent.expiry == date(2028, 6, 30) and stent.unit == "unit"
