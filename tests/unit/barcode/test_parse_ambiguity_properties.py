"""Property tests: input that could mean two things is refused, never guessed."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medwms.barcode import DEFAULT_GS_SUBSTITUTES, Scan, ScanError
from medwms.barcode.front import route
from medwms.barcode.gs1_rules import RULES
from tests.unit.barcode.conftest import GS, with_check
from tests.unit.barcode.test_parse_properties import (
    assert_round_trip,
    gtins,
    texts,
    udis,
    yymmdd,
)

TODAY = date(2025, 6, 1)
G = with_check("0761234500001")
DL = f"https://id.gs1.org/01/{G}"
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2075, 12, 31)).map(
    lambda day: yymmdd(day, as_00=False))
VALUES = {"01": gtins, "10": texts, "21": texts, "11": dates, "17": dates}


def parse(raw: str) -> Scan:
    return route(raw, today=TODAY, gs_substitutes=DEFAULT_GS_SUBSTITUTES)


def refused(raw: str) -> ScanError:
    with pytest.raises(ScanError) as caught:
        parse(raw)
    return caught.value


@st.composite
def two_values(draw: st.DrawFn) -> tuple[str, str, str]:
    ai = draw(st.sampled_from(sorted(VALUES)))
    first = draw(VALUES[ai])
    return ai, first, draw(VALUES[ai].filter(lambda value: value != first))


def with_gtin(ai: str, elements: str) -> str:
    """`elements` behind the GTIN the other AIs need (a repeated GTIN needs none)."""
    return elements if ai == "01" else f"01{G}{elements}"


@settings(max_examples=200, deadline=None)
@given(repeat=two_values())
def test_a_repeated_ai_with_another_value_is_refused_in_element_strings_and_hri(
        repeat: tuple[str, str, str]) -> None:
    ai, first, second = repeat
    for raw in (with_gtin(ai, f"{ai}{first}{GS}{ai}{second}"),
                ("" if ai == "01" else f"(01){G}") + f"({ai}){first}({ai}){second}"):
        error = refused(raw)
        assert error.code == "CONFLICTING_REPEAT", raw
        assert (error.fields["what"], error.fields["value"], error.fields["second"]) == (
            ai, first, second)


@settings(max_examples=200, deadline=None)
@given(repeat=two_values())
def test_a_link_whose_query_contradicts_its_path_or_itself_is_refused(
        repeat: tuple[str, str, str]) -> None:
    ai, first, second = repeat
    if ai in ("01", "10", "21"):  # path keys: the query contradicts the path
        path = (f"https://id.gs1.org/01/{first}" if ai == "01"
                else f"{DL}/{ai}/{quote(first, safe='')}")
        raw = f"{path}?{ai}={quote(second, safe='')}"
    else:  # data attributes: the query contradicts itself
        raw = f"{DL}?{ai}={first}&{ai}={second}"
    error = refused(raw)
    assert error.code == "CONFLICTING_REPEAT", raw
    assert {error.fields["value"], error.fields["second"]} == {first, second}


@settings(max_examples=150, deadline=None)
@given(u=udis())
def test_an_element_repeated_with_the_same_value_changes_nothing(u: dict[str, object]) -> None:
    once = f"01{u['gtin']}"
    for ai, key in (("11", "production_date"), ("17", "expiry")):
        if isinstance(u[key], date):
            once += ai + yymmdd(u[key], bool(u["as_00"]))  # type: ignore[arg-type]
    variable = [f"{ai}{u[key]}" for ai, key in (("10", "lot"), ("21", "serial")) if u[key]]
    twice = GS.join([once, *variable, once, *variable])
    assert_round_trip(u, twice)


@settings(max_examples=100, deadline=None)
@given(ai=st.sampled_from(sorted(RULES)))
def test_an_empty_ai_in_a_link_query_is_refused(ai: str) -> None:
    for query in (f"{ai}=", ai, f"17=280630&{ai}="):
        error = refused(f"{DL}?{query}")
        assert error.code == "EMPTY_VALUE" and error.fields["what"] == ai


@settings(max_examples=100, deadline=None)
@given(key=st.text("0123456789", min_size=1, max_size=6).filter(lambda key: key not in RULES),
       value=texts)
def test_a_numeric_query_key_that_is_no_ai_is_refused(key: str, value: str) -> None:
    error = refused(f"{DL}?{key}={quote(value, safe='')}&17=280630")
    assert error.code == "UNKNOWN_AI" and error.fields["value"] == key


extension_keys = st.text("abcxyzABC-._~0123456789", min_size=1, max_size=12).filter(
    lambda key: not key.isdigit())


@settings(max_examples=100, deadline=None)
@given(keys=st.lists(st.tuples(extension_keys, st.text(max_size=12)), max_size=4))
def test_query_keys_that_are_not_numeric_are_extensions_and_skipped(
        keys: list[tuple[str, str]]) -> None:
    extra = "".join(f"&{key}={quote(value, safe='')}" for key, value in keys)
    scan = parse(f"{DL}/10/L1?17=280630{extra}")
    assert scan.elements == (("01", G), ("10", "L1"), ("17", "280630"))


# One valid value for each AI the pairing property combines (GS1's formats).
POOL = {
    "00": with_check("10614141123456789"), "01": G, "02": with_check("0950600013435"),
    "03": with_check("0400638133393"), "10": "L1", "11": "240115", "17": "280630", "20": "01",
    "21": "S1", "22": "V1", "235": "T1", "240": "A1", "250": "S2", "251": "R1", "254": "E1",
    "30": "5", "37": "12", "414": with_check("123456789012"), "8006": G + "0102",
    "8026": G + "0102", "3100": "000123", "3102": "000456", "7003": "2806301200", "91": "X1",
}


def _named(pattern: str, ais: list[str], besides: str) -> bool:
    return any(ai != besides and len(ai) == len(pattern) and all(
        p in (c, "n") for p, c in zip(pattern, ai, strict=True)) for ai in ais)


def expected(ais: list[str]) -> str | None:
    """What GS1's ex= and req= say of these AIs together (37's need of 00 is only warned)."""
    for ai in ais:
        if any(_named(pattern, ais, ai) for pattern in RULES[ai].excludes):
            return "INVALID_PAIR"
    for ai in ais:
        for requirement in RULES[ai].requires:
            if ai == "37" and requirement == (("00",),):
                continue
            if not any(all(_named(member, ais, ai) for member in group)
                       for group in requirement):
                return "MISSING_REQUIRED_AI"
    return None


@settings(max_examples=400, deadline=None)
@given(ais=st.lists(st.sampled_from(sorted(POOL)), min_size=1, max_size=5, unique=True))
def test_gs1_pairing_rules_refuse_exactly_the_invalid_combinations(ais: list[str]) -> None:
    raw = GS.join(ai + POOL[ai] for ai in ais)
    verdict = expected(ais)
    if verdict is None:
        assert [ai for ai, _ in parse(raw).elements] == ais
    else:
        assert refused(raw).code == verdict, raw


# AIs of variable length whose data can stop after an optional part, with valid data.
RUN_ON = {
    "7007": st.sampled_from(["250101", "250101250131"]),
    "8008": st.sampled_from(["25010112", "2501011230", "250101123059"]),
    "7011": st.sampled_from(["250101", "2501011200"]),
    "8003": st.sampled_from(["0" + with_check("123456789012"), "0" + with_check("123456789012")
                             + "A1"]),
    "10": texts, "21": texts, "30": st.sampled_from(["5", "12345678"]),
}
tails = st.sampled_from(["21SN1", "9921SN", "10L1", "17280630", "3712", "00", "2", "99"])


@settings(max_examples=400, deadline=None)
@given(ai=st.sampled_from(sorted(RUN_ON)), data=st.data(), tail=tails)
def test_no_split_of_a_run_on_field_invents_an_element(ai: str, data: st.DataObject,
                                                       tail: str) -> None:
    value = data.draw(RUN_ON[ai])
    try:
        scan = parse(f"01{G}{ai}{value}{tail}")
    except ScanError:
        return
    assert scan.elements == (("01", G), (ai, value + tail))
