"""Verification (复核) by a second person: matches, discrepancies that block, resolutions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from medwms.core.errors import DomainError
from medwms.orders.tables import OrderLine
from medwms.picking import picks
from medwms.verification import queries as records
from medwms.verification import service as verification
from medwms.verification.queries import pick_accuracy, shippable_units
from tests.support.builders import NOW, gtin
from tests.support.picks import (
    OTHER_GTIN,
    PACER_GTIN,
    STENT_GTIN,
    at,
    counts,
    order_status,
    standard,
    unit,
)
from tests.support.users import actor_of, make_user


@pytest.fixture
def people(db):
    """pat picks (and could verify), vera verifies, max manages."""
    return {name: actor_of(make_user(db, name, *roles)) for name, roles in (
        ("pat", ("picker", "verifier")), ("vera", ("verifier",)), ("max", ("manager",)))}


@pytest.fixture
def picked(db, people):
    """SO-1 fully picked by pat: 5 STENT L1, PACER P1 and P2."""
    standard(db)
    for scan_id, raw, location in (("a", unit(STENT_GTIN, "L1", count=5), "A-01"),
                                   ("b", unit(PACER_GTIN, "PL1", "P1"), "A-02"),
                                   ("c", unit(PACER_GTIN, "PL1", "P2"), "A-02")):
        picks.pick_unit(db, actor=people["pat"], wave_no="WAV-1", location_raw=at(location),
                        raw=raw, scan_id=scan_id, now=NOW)
    assert order_status(db) == "PICKED"
    return people


def start(db, actor):
    return verification.start_verification(db, actor=actor, order_no="SO-1", now=NOW)


def scan(db, actor, number, raw, scan_id, packs=None):
    return verification.scan_unit(db, actor=actor, verification_no=number, raw=raw,
                                  scan_id=scan_id, packs=packs, now=NOW)


def scan_all_but_p2(db, vera, number):
    scan(db, vera, number, unit(STENT_GTIN, "L1", count=5), "v1")
    scan(db, vera, number, unit(PACER_GTIN, "PL1", "P1"), "v2")


def test_verification_by_the_picker_is_refused(db, picked):
    before = counts(db)
    with pytest.raises(DomainError) as caught:
        start(db, picked["pat"])
    assert caught.value.code == "VERIFIER_WAS_PICKER"
    assert caught.value.status == 403
    assert counts(db) == before


def test_an_order_not_fully_picked_cannot_be_verified(db, people):
    standard(db)
    with pytest.raises(DomainError) as caught:
        start(db, people["vera"])
    assert caught.value.code == "ORDER_NOT_PICKED"


def test_an_unknown_order_is_not_found(db, people):
    with pytest.raises(DomainError) as caught:
        verification.start_verification(db, actor=people["vera"], order_no="NOPE")
    assert caught.value.code == "ORDER_NOT_FOUND"


def test_every_unit_rescanned_passes_and_the_order_is_verified(db, picked):
    vera = picked["vera"]
    number = start(db, vera).verification_no
    scan_all_but_p2(db, vera, number)
    last = scan(db, vera, number, unit(PACER_GTIN, "PL1", "P2"), "v3")
    assert (last.discrepancy, last.picked, last.confirmed) == ("", 7, 7)
    done = verification.finish(db, actor=vera, verification_no=number, now=NOW)
    assert done.status == "PASSED"
    assert order_status(db) == "VERIFIED"
    assert [line.discrepancy for line in done.lines] == ["", "", ""]
    assert done.verifier == "vera" and done.pickers == ["pat"]


def test_a_resubmitted_verification_scan_applies_once(db, picked):
    vera = picked["vera"]
    number = start(db, vera).verification_no
    first = scan(db, vera, number, unit(STENT_GTIN, "L1"), "same")
    again = scan(db, vera, number, unit(STENT_GTIN, "L1"), "same")
    assert again.replayed and again.line_id == first.line_id
    assert counts(db).verification_lines == 1


def test_a_missing_unit_blocks_until_found_and_rescanned(db, picked):
    vera, boss = picked["vera"], picked["max"]
    number = start(db, vera).verification_no
    scan_all_but_p2(db, vera, number)
    blocked = verification.finish(db, actor=vera, verification_no=number, now=NOW)
    assert blocked.status == "BLOCKED" and order_status(db) == "PICKED"
    missing = next(line for line in blocked.lines if line.discrepancy == "MISSING")
    assert (missing.item, missing.serial, missing.quantity) == ("PACER", "P2", 1)
    with pytest.raises(DomainError) as early:
        verification.resolve(db, actor=boss, verification_no=number, line_id=missing.id,
                             action="FOUND", resolution="found under the tote")
    assert early.value.code == "UNIT_NOT_RESCANNED"
    scan(db, vera, number, unit(PACER_GTIN, "PL1", "P2"), "v3")
    done = verification.resolve(db, actor=boss, verification_no=number, line_id=missing.id,
                                action="FOUND", resolution="found under the tote")
    assert done.status == "PASSED" and order_status(db) == "VERIFIED"
    resolved = next(line for line in done.lines if line.id == missing.id)
    assert resolved.resolved_by == "max" and "found under the tote" in resolved.resolution


def test_a_missing_unit_short_shipped_reduces_the_line(db, picked):
    vera, boss = picked["vera"], picked["max"]
    number = start(db, vera).verification_no
    scan_all_but_p2(db, vera, number)
    missing = next(line for line in verification.finish(
        db, actor=vera, verification_no=number, now=NOW).lines if line.discrepancy)
    done = verification.resolve(db, actor=boss, verification_no=number, line_id=missing.id,
                                action="SHORT_SHIP", resolution="unit damaged, not found")
    assert done.status == "PASSED"
    assert [e.short_shipped for e in done.expected if e.serial == "P2"] == [1]
    with db.reading() as s:
        pacer_line = s.scalars(select(OrderLine).where(OrderLine.line_no == 2)).one()
        assert (pacer_line.picked_qty, pacer_line.backorder_qty) == (1, 1)
        assert "short-shipped" in pacer_line.backorder_reason
        assert sum(shippable_units(s, pacer_line.order_id).values()) == 6


@pytest.mark.parametrize(("raw", "kind"), [
    (unit(STENT_GTIN, "L9"), "WRONG_LOT"),
    (unit(OTHER_GTIN, "X1"), "WRONG_ITEM"),
    (unit(PACER_GTIN, "PL1", "P3"), "WRONG_SERIAL"),
    (unit(STENT_GTIN, "L1", count=6), "OVER"),
    (f"]d201{gtin('0999999999999')}10X", "EXTRA"),
])
def test_a_mismatching_scan_blocks(db, picked, raw, kind):
    vera = picked["vera"]
    number = start(db, vera).verification_no
    answer = scan(db, vera, number, raw, "bad")
    assert (answer.discrepancy, answer.status) == (kind, "BLOCKED")


def test_a_discrepancy_names_what_was_scanned_when_we_never_had_it(db, picked):
    vera = picked["vera"]
    number = start(db, vera).verification_no
    unknown = gtin("0999999999999")
    extra = scan(db, vera, number, f"]d201{unknown}10X7", "extra")
    assert (extra.item, extra.lot, extra.discrepancy) == (f"GTIN {unknown}", "X7", "EXTRA")
    never = scan(db, vera, number, unit(STENT_GTIN, "L404"), "never")
    assert (never.item, never.lot, never.discrepancy) == ("STENT", "L404", "WRONG_LOT")
    with db.reading() as s:
        shown = records.record(s, records.verification_by_no(s, number))
    lines = {line.scan_id: line for line in shown.lines}
    assert (lines["extra"].item, lines["never"].lot) == (f"GTIN {unknown}", "L404")


def test_a_wrong_lot_blocks_until_removed_then_passes(db, picked):
    vera, boss = picked["vera"], picked["max"]
    number = start(db, vera).verification_no
    wrong = scan(db, vera, number, unit(STENT_GTIN, "L9"), "bad")
    scan_all_but_p2(db, vera, number)
    scan(db, vera, number, unit(PACER_GTIN, "PL1", "P2"), "v3")
    assert verification.finish(db, actor=vera, verification_no=number,
                               now=NOW).status == "BLOCKED"
    with pytest.raises(DomainError) as bad:
        verification.resolve(db, actor=boss, verification_no=number, line_id=wrong.line_id,
                             action="FOUND", resolution="?")
    assert bad.value.code == "BAD_RESOLUTION"
    done = verification.resolve(db, actor=boss, verification_no=number,
                                line_id=wrong.line_id, action="REMOVED",
                                resolution="L9 unit taken out, returned to A-01")
    assert done.status == "PASSED" and order_status(db) == "VERIFIED"


def test_only_a_manager_resolves(db, picked):
    vera = picked["vera"]
    number = start(db, vera).verification_no
    wrong = scan(db, vera, number, unit(STENT_GTIN, "L9"), "bad")
    with pytest.raises(DomainError) as caught:
        verification.resolve(db, actor=vera, verification_no=number, line_id=wrong.line_id,
                             action="REMOVED", resolution="mine")
    assert caught.value.code == "PERMISSION_DENIED"


def test_a_serial_rescanned_twice_is_refused(db, picked):
    vera = picked["vera"]
    number = start(db, vera).verification_no
    scan(db, vera, number, unit(PACER_GTIN, "PL1", "P1"), "v1")
    before = counts(db)
    with pytest.raises(DomainError) as caught:
        scan(db, vera, number, unit(PACER_GTIN, "PL1", "P1"), "v2")
    assert caught.value.code == "SERIAL_ALREADY_VERIFIED"
    assert counts(db) == before


def test_another_user_may_not_scan_into_a_verification(db, picked):
    number = start(db, picked["vera"]).verification_no
    other = actor_of(make_user(db, "otto", "verifier"))
    with pytest.raises(DomainError) as caught:
        scan(db, other, number, unit(STENT_GTIN, "L1"), "x")
    assert caught.value.code == "NOT_YOUR_VERIFICATION"


def test_a_passed_verification_is_closed(db, picked):
    vera = picked["vera"]
    number = start(db, vera).verification_no
    scan_all_but_p2(db, vera, number)
    scan(db, vera, number, unit(PACER_GTIN, "PL1", "P2"), "v3")
    verification.finish(db, actor=vera, verification_no=number, now=NOW)
    with pytest.raises(DomainError) as caught:
        scan(db, vera, number, unit(STENT_GTIN, "L1"), "late")
    assert caught.value.code == "VERIFICATION_CLOSED"


def test_errors_found_count_in_pick_accuracy(db, picked):
    vera = picked["vera"]
    number = start(db, vera).verification_no
    scan(db, vera, number, unit(STENT_GTIN, "L9"), "bad")
    with db.reading() as s:
        kpi = pick_accuracy(s, warehouse="WH1")
    assert (kpi.picks, kpi.units, kpi.verification_errors) == (3, 7, 1)
    assert kpi.accuracy == pytest.approx(2 / 3)
