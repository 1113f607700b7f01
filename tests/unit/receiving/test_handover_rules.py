"""What a receipt's handover still lacks before the receipt may be completed."""

from __future__ import annotations

from medwms.receiving.rules import (
    DELIVERY_NOTE,
    TEMPERATURE_RECORD,
    WAYBILL,
    HandoverState,
    handover_missing,
    missing_words,
)


def state(*papers, signed=True, cold=False):
    return HandoverState(papers=frozenset(papers), deliverer_signed=signed,
                         receiver_signed=signed, cold=cold)


def test_nothing_kept_and_nothing_signed_lacks_the_note_and_both_signatures():
    assert handover_missing(state(signed=False)) == (
        "DELIVERY_NOTE", "DELIVERER_SIGNATURE", "RECEIVER_SIGNATURE")


def test_the_note_and_both_signatures_complete_an_ambient_receipt():
    assert handover_missing(state(DELIVERY_NOTE)) == ()
    assert handover_missing(state(WAYBILL)) == ("DELIVERY_NOTE",)


def test_a_cold_receipt_also_needs_the_transport_temperature_record():
    assert handover_missing(state(DELIVERY_NOTE, cold=True)) == ("TEMPERATURE_RECORD",)
    assert handover_missing(state(DELIVERY_NOTE, TEMPERATURE_RECORD, cold=True)) == ()


def test_the_missing_pieces_are_named_in_both_languages():
    en, zh = missing_words(("DELIVERY_NOTE", "TEMPERATURE_RECORD"))
    assert en == "the delivery note scan, the transport temperature record"
    assert zh == "随货同行单扫描件、运输温度记录"
