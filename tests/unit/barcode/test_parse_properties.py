"""Property tests: valid data survives every encoding; any input gives a Scan or a ScanError."""

from __future__ import annotations

import calendar
import re
from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medwms.barcode import DEFAULT_GS_SUBSTITUTES, Scan, ScanError
from medwms.barcode.front import route
from tests.unit.barcode.conftest import GS, hibc, with_check

TODAY = date(2025, 6, 1)
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_HRI_LIKE = re.compile(r"\(\d{2,4}\)")


def _safe(value: str) -> bool:
    return not any(s in value for s in DEFAULT_GS_SUBSTITUTES) and not _HRI_LIKE.search(value)


gtins = st.text("0123456789", min_size=13, max_size=13).filter(lambda body: body.strip("0")).map(
    with_check)  # a GTIN of zeros is a placeholder, refused (ALL_ZEROS)
texts = st.text(CSET82, min_size=1, max_size=20).filter(_safe)
# The GS1 sliding window seen from 2025-06-01 covers 1976-2075.
dates = st.dates(min_value=date(1976, 1, 1), max_value=date(2075, 12, 31))


def yymmdd(day: date, as_00: bool) -> str:
    last = calendar.monthrange(day.year, day.month)[1]
    dd = 0 if as_00 and day.day == last else day.day
    return f"{day.year % 100:02d}{day.month:02d}{dd:02d}"


@st.composite
def udis(draw: st.DrawFn) -> dict[str, object]:
    lot = draw(st.none() | texts)
    return {
        "gtin": draw(gtins), "lot": lot, "serial": draw(st.none() | texts),
        "expiry": draw(st.none() | dates), "production_date": draw(st.none() | dates),
        "as_00": draw(st.booleans()),
    }


def element_string(u: dict[str, object], separator: str) -> str:
    out = f"01{u['gtin']}"
    for ai, key in (("11", "production_date"), ("17", "expiry")):
        if isinstance(u[key], date):
            out += ai + yymmdd(u[key], bool(u["as_00"]))  # type: ignore[arg-type]
    variable = [f"{ai}{u[key]}" for ai, key in (("10", "lot"), ("21", "serial")) if u[key]]
    return out + separator.join(variable)


def hri(u: dict[str, object]) -> str:
    out = f"(01){u['gtin']}"
    for ai, key in (("11", "production_date"), ("17", "expiry"), ("10", "lot"), ("21", "serial")):
        value = u[key]
        if isinstance(value, date):
            out += f"({ai}){yymmdd(value, bool(u['as_00']))}"
        elif value:
            out += f"({ai}){value}"
    return out


def digital_link(u: dict[str, object]) -> str:
    path = f"https://id.gs1.org/01/{u['gtin']}"
    for ai, key in (("10", "lot"), ("21", "serial")):
        if u[key]:
            path += f"/{ai}/{quote(str(u[key]), safe='')}"
    query = [f"{ai}={yymmdd(u[key], bool(u['as_00']))}"  # type: ignore[arg-type]
             for ai, key in (("11", "production_date"), ("17", "expiry"))
             if isinstance(u[key], date)]
    return path + ("?" + "&".join(query) if query else "")


ENCODINGS = {
    "gs": lambda u: element_string(u, GS),
    "dm": lambda u: "]d2" + element_string(u, GS),
    "gs1-128-leading-gs": lambda u: "]C1" + GS + element_string(u, GS),
    "substitute": lambda u: element_string(u, "<GS>"),
    "hri": hri,
    "digital-link": digital_link,
    "digital-link-q1": lambda u: "]Q1" + digital_link(u),
}


def assert_round_trip(u: dict[str, object], raw: str) -> None:
    scan = route(raw, today=TODAY, gs_substitutes=DEFAULT_GS_SUBSTITUTES)
    got = (scan.gtin, scan.lot, scan.serial, scan.expiry, scan.production_date)
    assert got == (u["gtin"], u["lot"], u["serial"], u["expiry"], u["production_date"])


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@settings(max_examples=150, deadline=None)
@given(u=udis())
def test_valid_udis_come_back_from_every_encoding(encoding: str, u: dict[str, object]) -> None:
    assert_round_trip(u, ENCODINGS[encoding](u))


hibc_text = st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=13)


@settings(max_examples=200, deadline=None)
@given(lic=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=1),
       lic_rest=st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3),
       pcn=hibc_text, unit=st.integers(0, 9), lot=hibc_text, expiry=dates)
def test_hibc_concatenated_and_split_come_back(lic: str, lic_rest: str, pcn: str, unit: int,
                                               lot: str, expiry: date) -> None:
    primary = f"+{lic}{lic_rest}{pcn}{unit}"
    secondary = f"$$3{expiry:%y%m%d}{lot}"
    whole = route(hibc(f"{primary}/{secondary}"), today=TODAY, gs_substitutes=())
    link = hibc(primary)[-1]
    alone = route(hibc(f"+{secondary}{link}"), today=TODAY, gs_substitutes=())
    assert (whole.di, whole.lot, whole.expiry) == (primary[1:], lot, expiry)
    assert (alone.lot, alone.expiry, alone.link) == (lot, expiry, link)


NOISE = st.sampled_from([
    *"0123456789AZaz]+$/.#:%()=&_-*é ", GS, "\r", "\x00", "<GS>", "]d2", "]C1", "]Q1", "]D2",
    "01", "10", "17", "21", "00", "414", "https://id.gs1.org/", "MA.156.M0.", "#L:", "+A123",
    "$$", "$$+", "/16D", "/14D", "/S", "?17=", "%2F", "\u241d", "\U0001f600", "٣",
])
noise = st.lists(NOISE, max_size=25).map("".join)
SEEDS = [
    f"]d201{with_check('0761234500001')}17280630{GS}10LOTA1{GS}21SN1",
    f"(01){with_check('0761234500001')}(17)280600(10)A1",
    f"https://id.gs1.org/01/{with_check('0761234500001')}/10/A1?17=280630",
    hibc("+A123BJC5D6E71/$$8120928L1/16D20240101/SX1"),
    "MA.156.M0.100001.10000013.L2301A.E251231",
    "#L:A-01-02",
]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        piece = draw(NOISE)
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + 1:]
        else:
            text = text[:at] + piece + text[at + len(piece):]
    return text


inputs = noise | mutated() | st.text(max_size=60)


def assert_scan_or_scan_error(raw: str) -> None:
    try:
        result = route(raw, today=TODAY, gs_substitutes=DEFAULT_GS_SUBSTITUTES)
    except ScanError as err:
        assert err.code and err.message("en") and err.message("zh-CN")
        return
    assert isinstance(result, Scan)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=inputs)
def test_any_input_gives_a_scan_or_a_scan_error(raw: str) -> None:
    assert_scan_or_scan_error(raw)


# The long run is `medwms bench fuzz-scans --count 1000000` (docs/security.md); CI's share of
# it here is kept to about a minute of one worker.
@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=inputs)
def test_any_input_gives_a_scan_or_a_scan_error_at_length(raw: str) -> None:
    assert_scan_or_scan_error(raw)
