"""The GS1 Barcode Syntax Dictionary we ship, and how its pairing rules are read."""

from __future__ import annotations

import hashlib

from biip.gs1_application_identifiers import _GS1_APPLICATION_IDENTIFIERS as BIIP_AIS

from medwms.barcode.gs1_rules import (
    DICTIONARY_RELEASE,
    RULES,
    dictionary_text,
    load,
    matches,
    unmet,
)

# sha256 of gs1-syntax-dictionary.txt at tag 2026-01-27 of github.com/gs1/gs1-syntax-dictionary.
RELEASE_SHA256 = "6461ece7c03420fb27a3f18163ef9a08694aa4bb2491dea25f63bcdf22451a99"


def test_the_shipped_dictionary_is_gs1s_release_unchanged() -> None:
    text = dictionary_text()
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == RELEASE_SHA256
    assert f"# Release: {DICTIONARY_RELEASE}" in text.splitlines()


def test_biip_and_the_dictionary_know_the_same_ais_and_separators() -> None:
    # If a biip upgrade or a new dictionary release diverges, the parser and the rules no
    # longer speak of the same AIs: this says so before a scan does.
    assert set(RULES) == set(BIIP_AIS)
    assert [ai for ai, rule in RULES.items()
            if rule.separator_required != BIIP_AIS[ai].separator_required] == []


def test_the_serial_may_go_with_a_gtin_an_mto_gtin_or_an_itip() -> None:
    assert RULES["21"].requires == ((("01",), ("03",), ("8006",)),)
    assert RULES["21"].excludes == ("235",)
    assert not RULES["21"].dl_attribute  # a serial belongs in a link's path


def test_ranges_groups_and_repeated_requirements_are_read() -> None:
    rules = load("3100-3102  *?  N6  req=01,02 ex=310n  # NET WEIGHT (kg)\n"
                 "37  ?  N..8  req=00 req=02,8026  # COUNT\n"
                 "8030  ?  Z..90  req=00,01+21  # DIGSIG\n")
    assert sorted(rules) == ["3100", "3101", "3102", "37", "8030"]
    assert rules["3101"].excludes == ("310n",) and not rules["3101"].separator_required
    assert rules["37"].requires == ((("00",),), (("02",), ("8026",)))
    assert rules["8030"].requires == ((("00",), ("01", "21")),)
    assert rules["3100"].title == "NET WEIGHT (kg)"


def test_n_in_a_pattern_is_any_digit() -> None:
    assert matches("31nn", "3103") and matches("310n", "3105")
    assert not matches("31nn", "3203") and not matches("310n", "310")
    assert matches("01", "01") and not matches("01", "02")


def test_a_requirement_is_met_by_any_one_whole_group_never_by_the_ai_itself() -> None:
    requirement = (("00",), ("01", "21"))
    assert not unmet(requirement, ["8030", "00"], besides="8030")
    assert not unmet(requirement, ["8030", "01", "21"], besides="8030")
    assert unmet(requirement, ["8030", "01"], besides="8030")
    assert unmet((("3100",),), ["3100"], besides="3100")
