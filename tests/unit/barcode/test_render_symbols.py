"""Symbols: data is validated before encoding, and every kind scans back to its data."""

from __future__ import annotations

import string
from datetime import date

import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medwms.barcode.checkdigit import gs1_check_digit
from medwms.barcode.render_data import GlnLocationData, SsccData, UdiData
from medwms.barcode.symbols import SymbolKind, render_svg, render_symbol, symbol_matrix
from medwms.core.errors import ValidationError
from tests.unit.barcode.conftest_render import GLN, SSCC, a_udi, assert_scan_matches, decode


def test_element_string_puts_fixed_fields_first_and_separates_variable_ones_with_gs() -> None:
    udi = UdiData("7612345000015", lot="L1", serial="S9", expiry=date(2028, 6, 30),
                  production_date=date(2025, 1, 2), quantity=5)
    assert udi.gtin == "07612345000015"
    assert udi.element_string() == "010761234500001511250102172806301" "0L1\x1d21S9\x1d305"
    assert udi.hri() == "(01)07612345000015(11)250102(17)280630(10)L1(21)S9(30)5"


@pytest.mark.parametrize(("make", "field"), [
    (lambda: UdiData("07612345000016"), "gtin"),
    (lambda: UdiData("0761234500001"), "gtin"),
    (lambda: UdiData("0761234500001X"), "gtin"),
    (lambda: UdiData("00000000000000"), "gtin"),
    (lambda: a_udi(lot="L" * 21), "lot"),
    (lambda: a_udi(lot=""), "lot"),
    (lambda: a_udi(lot="LOT 1"), "lot"),
    (lambda: a_udi(serial="批号1"), "serial"),
    (lambda: a_udi(serial="A#1"), "serial"),
    (lambda: a_udi(expiry=date(1999, 12, 31)), "expiry"),
    (lambda: a_udi(production_date=date(2100, 1, 1)), "production_date"),
    (lambda: a_udi(quantity=0), "quantity"),
    (lambda: SsccData("376123450000000007"), "sscc"),
    (lambda: SsccData("37612345000000000"), "sscc"),
    (lambda: GlnLocationData("4012345000008", "A-01"), "warehouse_gln"),
    (lambda: GlnLocationData(GLN, "a-01"), "code"),
])
def test_invalid_data_is_refused_naming_the_field(make: object, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        make()  # type: ignore[operator]
    assert raised.value.problems[0].column == field
    assert field in str(raised.value)


@pytest.mark.parametrize(("kind", "data", "identifier"), [
    (SymbolKind.GS1_DATAMATRIX, a_udi(), "]d2"),
    (SymbolKind.GS1_QR, a_udi(), "]Q3"),
    (SymbolKind.GS1_128, SsccData(SSCC), "]C1"),
    (SymbolKind.GS1_128, GlnLocationData(GLN, "A-01-02"), "]C1"),
    (SymbolKind.CODE128, "#L:A-01-02", "]C0"),
    (SymbolKind.QR, "#L:A-01-02", "]Q1"),
])
def test_each_symbol_kind_decodes_to_its_data(kind: SymbolKind, data: object,
                                              identifier: str) -> None:
    image = render_symbol(kind, data)  # type: ignore[arg-type]
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    expected = data.element_string() if kind.is_gs1 else data  # type: ignore[attr-defined]
    assert [(b.symbology_identifier, b.text) for b in found] == [(identifier, expected)]


def test_gs1_datamatrix_is_always_square() -> None:
    for lot in ("A", "A" * 20):
        matrix = symbol_matrix(SymbolKind.GS1_DATAMATRIX, a_udi(lot=lot, serial=None))
        assert matrix.width == matrix.height


def test_lot_with_gs1_punctuation_survives_the_encoder() -> None:
    udi = a_udi(lot="A(1)_%/-.?", serial=None)
    [scan] = decode(render_symbol(SymbolKind.GS1_DATAMATRIX, udi))
    assert scan.lot == "A(1)_%/-.?"


def test_gs1_kind_refuses_plain_text_and_code128_refuses_non_ascii() -> None:
    with pytest.raises(ValidationError):
        render_symbol(SymbolKind.GS1_DATAMATRIX, "0107612345000015")
    with pytest.raises(ValidationError):
        render_symbol(SymbolKind.CODE128, "库位A")


def test_svg_output_is_an_svg_document() -> None:
    assert "<svg" in render_svg(SymbolKind.GS1_DATAMATRIX, a_udi())


CSET82 = "".join(sorted(set(string.ascii_letters + string.digits + "!\"%&'()*+,-./:;<=>?_")))
ai_text = st.text(alphabet=CSET82, min_size=1, max_size=20)


@st.composite
def gtins(draw: st.DrawFn) -> str:
    body = draw(st.text(alphabet=string.digits, min_size=13, max_size=13)
                .filter(lambda digits: digits.strip("0")))  # zeros: a placeholder, refused
    return body + str(gs1_check_digit(body))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gtin=gtins(), lot=ai_text, serial=st.none() | ai_text,
       expiry=st.dates(date(2000, 1, 1), date(2070, 12, 31)))
def test_any_valid_udi_scans_back_from_a_datamatrix(gtin: str, lot: str, serial: str | None,
                                                    expiry: date) -> None:
    udi = UdiData(gtin, lot=lot, serial=serial, expiry=expiry)
    [scan] = decode(render_symbol(SymbolKind.GS1_DATAMATRIX, udi, scale=3))
    assert_scan_matches(scan, {"gtin": gtin, "lot": lot, "serial": serial, "expiry": expiry})
