"""The pure inspection rules: conclusions, splits, status lines, holds and the record hash."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medwms.ledger.rules import deltas
from medwms.quality import rules
from medwms.quality.errors import (
    BadInspectionInput,
    ColdChainUnresolved,
    FailedCheckAccepted,
    RejectNeedsReason,
    SplitMismatch,
    TemperatureNotAnswered,
)
from medwms.quality.rules import Checks, Finding, LotUnderInspection, QuarantineBalance, Split

LOT = LotUnderInspection(item="STENT", lot="LOTA1", quantity=10)
GOOD = Checks(True, True, True, True, "ok")
HOLD = "HOLD: arrival 12.0 °C outside 2.0–8.0 °C"


def finding(conclusion: str = "ACCEPT", **kw: object) -> Finding:
    return Finding(conclusion=conclusion, sample_size=kw.pop("sample_size", 2),  # type: ignore[arg-type]
                   checks=kw.pop("checks", GOOD), **kw)  # type: ignore[arg-type]


def test_accept_releases_the_whole_quantity() -> None:
    assert rules.decide(LOT, finding()) == Split(10, 0)


def test_reject_needs_reason_and_disposition() -> None:
    with pytest.raises(RejectNeedsReason):
        rules.decide(LOT, finding("REJECT", reason="broken"))
    assert rules.decide(LOT, finding("REJECT", reason="broken", disposition="return")) == \
        Split(0, 10)


def test_partial_needs_both_quantities_adding_up() -> None:
    assert rules.decide(LOT, finding("PARTIAL", accepted_qty=7, rejected_qty=3, reason="r",
                                     disposition="d")) == Split(7, 3)
    for accepted, rejected in [(7, 2), (10, 0), (None, 3), (0, 10)]:
        with pytest.raises(SplitMismatch):
            rules.decide(LOT, finding("PARTIAL", accepted_qty=accepted, rejected_qty=rejected,
                                      reason="r", disposition="d"))


def test_accept_with_contradicting_quantities_is_refused() -> None:
    with pytest.raises(SplitMismatch):
        rules.decide(LOT, finding(accepted_qty=9))


def test_full_accept_with_a_failed_check_is_refused() -> None:
    with pytest.raises(FailedCheckAccepted) as raised:
        rules.decide(LOT, finding(checks=replace(GOOD, label_ok=False)))
    assert raised.value.fields["check"] == "label_ok"


def test_held_lot_needs_temperature_ok_and_notes_to_be_accepted() -> None:
    held = replace(LOT, hold_reasons=(HOLD,), cold_chain=True)
    for checks in (replace(GOOD, notes=""), replace(GOOD, temperature_ok=None,
                                                    notes="logger shows 2-8 °C throughout")):
        with pytest.raises(ColdChainUnresolved):
            rules.decide(held, finding(checks=checks))
    explained = replace(GOOD, notes="logger shows 2-8 °C throughout")
    assert rules.decide(held, finding(checks=explained)).accepted == 10
    assert rules.decide(held, finding("REJECT", checks=Checks(), reason="warm",
                                      disposition="destroy")).rejected == 10


def test_cold_item_needs_a_temperature_answer_to_accept() -> None:
    with pytest.raises(TemperatureNotAnswered):
        rules.decide(replace(LOT, cold_chain=True), finding(checks=replace(GOOD,
                                                                           temperature_ok=None)))
    assert rules.decide(LOT, finding(checks=replace(GOOD, temperature_ok=None))).accepted == 10


@pytest.mark.parametrize("bad", [{"sample_size": 11}, {"sample_size": -1},
                                 {"conclusion": "MAYBE"}, {"reason": "x" * 301}])
def test_input_out_of_range_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(BadInspectionInput):
        rules.decide(LOT, finding(**bad))  # type: ignore[arg-type]


def test_hold_reasons_are_distinct_and_only_holds() -> None:
    assert rules.hold_reasons(["", HOLD, "note", HOLD, "hold: other"]) == (HOLD, "hold: other")


def test_meaning_follows_the_split() -> None:
    assert [rules.meaning_of(s) for s in (Split(1, 0), Split(0, 1), Split(1, 1))] == \
        ["released", "rejected", "partially released"]


def test_status_lines_stay_at_each_location_accepted_first() -> None:
    balances = [QuarantineBalance(1, location_id=20, quantity=6),
                QuarantineBalance(1, location_id=10, quantity=4)]
    lines = rules.status_lines(item_id=5, lot_id=7, balances=balances, split=Split(7, 3),
                               accept_reason="ok", reject_reason="bad")
    assert [(x.from_location_id, x.to_location_id, x.to_status, x.quantity) for x in lines] == [
        (10, 10, "AVAILABLE", 4), (20, 20, "AVAILABLE", 3), (20, 20, "REJECTED", 3)]
    assert all(x.kind == "STATUS" and x.from_status == "QUARANTINE" for x in lines)


balances_st = st.lists(st.builds(QuarantineBalance, owner_id=st.just(1),
                                 location_id=st.integers(1, 5), quantity=st.integers(1, 50),
                                 serial_id=st.none() | st.integers(1, 1000),
                                 hu_id=st.none() | st.integers(1, 3)),
                       min_size=1, max_size=8, unique_by=lambda b: (b.location_id, b.serial_id,
                                                                      b.hu_id))


@given(balances=balances_st, data=st.data())
def test_any_split_empties_quarantine_into_exactly_accepted_and_rejected(
        balances: list[QuarantineBalance], data: st.DataObject) -> None:
    total = sum(b.quantity for b in balances)
    accepted = data.draw(st.integers(0, total))
    lines = rules.status_lines(item_id=1, lot_id=1, balances=balances,
                               split=Split(accepted, total - accepted),
                               accept_reason="a", reject_reason="r")
    change = deltas(lines)
    by_status: dict[str, int] = {}
    for key, delta in change.items():
        by_status[key.status] = by_status.get(key.status, 0) + delta
    assert by_status.get("QUARANTINE", 0) == -total
    assert by_status.get("AVAILABLE", 0) == accepted
    assert by_status.get("REJECTED", 0) == total - accepted
    for balance in balances:
        taken = sum(x.quantity for x in lines if x.from_location_id == balance.location_id
                    and x.serial_id == balance.serial_id and x.from_hu_id == balance.hu_id)
        assert taken == balance.quantity


@given(quantity=st.integers(1, 10**6), accepted=st.integers(-5, 10**6),
       rejected=st.integers(-5, 10**6))
def test_partial_split_is_accepted_only_when_it_adds_up(quantity: int, accepted: int,
                                                         rejected: int) -> None:
    if accepted > 0 and rejected > 0 and accepted + rejected == quantity:
        assert rules.split_of("PARTIAL", quantity, accepted, rejected) == Split(accepted,
                                                                                rejected)
    else:
        with pytest.raises(SplitMismatch):
            rules.split_of("PARTIAL", quantity, accepted, rejected)


def signed(**changes: object) -> rules.SignedRecord:
    record = rules.SignedRecord(
        inspection_no="QC-20261125-AAAAA", receipt_no="RCV-1", item="STENT", lot="LOTA1",
        expiry=date(2028, 6, 30), quantity=10, sample_size=2, checks=GOOD, conclusion="ACCEPT",
        accepted_qty=10, rejected_qty=0, reject_reason="", disposition="", hold_reasons=(),
        inspector="ivan", meaning="released",
        concluded_at=datetime(2026, 11, 25, 8, tzinfo=UTC))
    return replace(record, **changes)  # type: ignore[arg-type]


def test_record_hash_is_sha256_of_stable_text_and_covers_every_field() -> None:
    base = rules.record_hash(signed())
    assert base == rules.record_hash(signed()) and len(base) == 64
    assert '"lot":"LOTA1"' in rules.record_hash_input(signed())
    for change in ({"lot": "LOTA2"}, {"accepted_qty": 9}, {"checks": replace(GOOD, notes="x")},
                   {"conclusion": "REJECT"}, {"inspector": "inga"}, {"quantity": 11}):
        assert rules.record_hash(signed(**change)) != base, change
    assert rules.record_ref("QC-1", base) == f"inspection:QC-1:{base}"
