"""The parsing rules as a table: each row is a scan and exactly what it must give."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from medwms.barcode import ScanError, parse_scan
from tests.unit.barcode.conftest import GS, hibc, hibc_check, with_check, wrong_last

TODAY = date(2025, 6, 1)
G = with_check("0761234500001")  # 07612345000015
G2 = with_check("0950600013435")  # 09506000134352
SSCC = with_check("10614141123456789")
GLN = with_check("123456789012")
EAN13 = with_check("400638133393")
UPC = with_check("03600029145")
EAN8 = with_check("9638507")
ITIP = G + "0102"  # piece 1 of 2 of trade item G
PRIMARY = "+A123BJC5D6E71"
LINK = hibc_check(PRIMARY)
MA_DI = "MA.156.M0.100001.10000013"

FIELDS = ("issuer", "di", "gtin", "content_gtin", "lot", "serial", "expiry",
          "production_date", "quantity", "sscc", "location", "document")


def ok(issuer: str, **fields: Any) -> dict[str, Any]:
    """The expected projection of a Scan: unnamed fields must be None."""
    return {name: fields.get(name) for name in FIELDS} | {"issuer": issuer} | fields


def gs1(**fields: Any) -> dict[str, Any]:
    gtin = fields.pop("gtin", G)
    return ok("GS1", di=gtin, gtin=gtin, **fields)


def hibc_ok(**fields: Any) -> dict[str, Any]:
    return ok("HIBCC", **fields)


D = date
ELEMENT = f"01{G}17280630{GS}10LOTA1{GS}21SN1"
FULL = gs1(lot="LOTA1", serial="SN1", expiry=D(2028, 6, 30))

CASES: list[tuple[str, str, dict[str, Any] | str]] = [
    # GS1 element strings, with and without AIM identifiers
    ("dm-prefixed", "]d2" + ELEMENT, FULL | {"symbology": "]d2"}),
    ("dm-bare", ELEMENT, FULL),
    ("gs1-128", "]C1" + ELEMENT, FULL | {"symbology": "]C1"}),
    ("gs1-qr", "]Q3" + ELEMENT, FULL),
    ("databar", f"]e001{G}17280630", gs1(expiry=D(2028, 6, 30))),
    ("leading-gs", GS + ELEMENT, FULL),
    ("trailing-cr-lf", ELEMENT + "\r\n", FULL),
    ("gs-substitute", f"01{G}17280630<GS>10LOTA1<GS>21SN1", FULL),
    ("gs-brace-substitute", f"]d201{G}17280630{{GS}}10LOTA1{{GS}}21SN1", FULL),
    ("fixed-after-lot", f"01{G}10LOTA1{GS}17280630", gs1(lot="LOTA1", expiry=D(2028, 6, 30))),
    ("dd00-leap", f"01{G}17280200", gs1(expiry=D(2028, 2, 29))),
    ("dd00-common", f"01{G}17270200", gs1(expiry=D(2027, 2, 28))),
    ("dd00-december", f"01{G}17301200", gs1(expiry=D(2030, 12, 31))),
    ("window-plus-50", f"01{G}17751231", gs1(expiry=D(2075, 12, 31))),
    ("window-minus-49", f"01{G}11760101", gs1(production_date=D(1976, 1, 1))),
    ("production-date", f"01{G}11240115", gs1(production_date=D(2024, 1, 15))),
    ("lot-case-kept", f"01{G}10aBc12", gs1(lot="aBc12")),
    ("serial-case-kept", f"01{G}21xY-9/z", gs1(serial="xY-9/z")),
    ("gtin-only", f"01{G2}", gs1(gtin=G2)),
    ("quantity-30", f"01{G}3025", gs1(quantity=25)),
    ("sscc", f"00{SSCC}", ok("GS1", sscc=SSCC)),
    ("pallet", f"00{SSCC}02{G}3712{GS}10L9{GS}17280630",
     ok("GS1", sscc=SSCC, content_gtin=G, quantity=12, lot="L9", expiry=D(2028, 6, 30))),
    ("location-gln-ext", f"414{GLN}254A-01", ok("GS1", location=f"{GLN}+A-01")),
    ("location-gln", f"414{GLN}", ok("GS1", location=GLN)),
    ("run-on-lot-accepted", f"01{G}10LOT12321SN0001", gs1(lot="LOT12321SN0001")),
    ("repeat-same-lot", f"01{G}10LOTA1{GS}10LOTA1", gs1(lot="LOTA1")),
    ("repeat-same-gtin", f"01{G}01{G}17280630", gs1(expiry=D(2028, 6, 30))),
    ("content-and-count", f"02{G}3712", ok("GS1", content_gtin=G, quantity=12)),
    ("itip-serial", f"8006{ITIP}{GS}21SN1", ok("GS1", serial="SN1")),
    ("itip-lot-expiry", f"8006{ITIP}{GS}10L1{GS}17280630",
     ok("GS1", lot="L1", expiry=D(2028, 6, 30))),
    ("harvest-date-range-then-gs", f"01{G}7007250101250131{GS}21SN1", gs1(serial="SN1")),
    ("separator-after-fixed-length", f"01{G}{GS}17280630{GS}10L1",
     gs1(lot="L1", expiry=D(2028, 6, 30))),
    # the human-readable form
    ("hri", f"(01){G}(17)280630(10)LOTA1(21)SN1", FULL),
    ("hri-spaces", f" (01) {G} (17) 280630 (10) LOTA1 ", gs1(lot="LOTA1", expiry=D(2028, 6, 30))),
    ("hri-prod-date", f"(01){G}(11)240115", gs1(production_date=D(2024, 1, 15))),
    ("hri-sscc", f"(00){SSCC}", ok("GS1", sscc=SSCC)),
    # GS1 Digital Link
    ("dl", f"https://id.gs1.org/01/{G}/10/LOTA1/21/SN1?17=280630", FULL),
    ("dl-behind-q1", f"]Q1https://id.gs1.org/01/{G}/10/LOTA1/21/SN1?17=280630",
     FULL | {"symbology": "]Q1"}),
    ("dl-own-domain", f"https://udi.example.cn/01/{G}?11=240115",
     gs1(production_date=D(2024, 1, 15))),
    ("dl-percent-lot", f"https://id.gs1.org/01/{G}/10/A%2FB", gs1(lot="A/B")),
    ("dl-gtin13", f"https://id.gs1.org/01/{EAN13}", gs1(gtin="0" + EAN13)),
    ("dl-behind-q1-uppercase", f"]Q1HTTPS://ID.GS1.ORG/01/{G}/10/LOTA1?17=280630",
     gs1(lot="LOTA1", expiry=D(2028, 6, 30), symbology="]Q1")),
    ("dl-behind-datamatrix", f"]d1https://id.gs1.org/01/{G}/10/LOTA1/21/SN1?17=280630",
     FULL | {"symbology": "]d1"}),
    ("dl-behind-q1-query-lot", f"]Q1https://udi.example.cn/01/{G}?10=LOTA1&17=280630",
     gs1(lot="LOTA1", expiry=D(2028, 6, 30), symbology="]Q1")),
    ("dl-query-repeats-path", f"https://id.gs1.org/01/{G}/10/LOTA1?10=LOTA1", gs1(lot="LOTA1")),
    ("dl-extension-keys-skipped",
     f"https://id.gs1.org/01/{G}/10/LOTA1?linkType=gs1%3ApIP&17=280630&lang=zh&x1=9",
     gs1(lot="LOTA1", expiry=D(2028, 6, 30))),
    ("dl-fragment-skipped", f"https://id.gs1.org/01/{G}?17=280630#top",
     gs1(expiry=D(2028, 6, 30))),
    # linear retail symbols
    ("ean13-bare", EAN13, gs1(gtin="0" + EAN13)),
    ("ean13-prefixed", "]E0" + EAN13, gs1(gtin="0" + EAN13)),
    ("upc-a", UPC, gs1(gtin=UPC.zfill(14))),
    ("ean8", "]E4" + EAN8, gs1(gtin=EAN8.zfill(14))),
    ("itf14", "]I1" + G, gs1()),
    # HIBC primary, secondary, concatenated
    ("hibc-primary", hibc(PRIMARY), hibc_ok(di="A123BJC5D6E71")),
    ("hibc-primary-dm", "]d1" + hibc(PRIMARY), hibc_ok(di="A123BJC5D6E71")),
    ("hibc-code128", "]C0" + hibc(PRIMARY), hibc_ok(di="A123BJC5D6E71")),
    ("hibc-code39", "]A0" + hibc(PRIMARY), hibc_ok(di="A123BJC5D6E71")),
    ("hibc-code39-stars", "*" + hibc(PRIMARY) + "*", hibc_ok(di="A123BJC5D6E71")),
    ("hibc-qr", "]Q1" + hibc(PRIMARY), hibc_ok(di="A123BJC5D6E71")),
    ("hibc-sec-mmyy", hibc(f"+$$0928LOT123{LINK}"),
     hibc_ok(lot="LOT123", expiry=D(2028, 9, 30))),
    ("hibc-sec-mmddyy", hibc(f"+$$2093028LOT1{LINK}"), hibc_ok(lot="LOT1", expiry=D(2028, 9, 30))),
    ("hibc-sec-yymmdd", hibc(f"+$$3280930LOT1{LINK}"), hibc_ok(lot="LOT1", expiry=D(2028, 9, 30))),
    ("hibc-sec-yymmddhh", hibc(f"+$$428093012LOT1{LINK}"),
     hibc_ok(lot="LOT1", expiry=D(2028, 9, 30))),
    ("hibc-sec-julian", hibc(f"+$$528274LOT1{LINK}"), hibc_ok(lot="LOT1", expiry=D(2028, 9, 30))),
    ("hibc-sec-julian-hh", hibc(f"+$$62827412LOT1{LINK}"),
     hibc_ok(lot="LOT1", expiry=D(2028, 9, 30))),
    ("hibc-sec-no-date", hibc(f"+$$7LOT1{LINK}"), hibc_ok(lot="LOT1")),
    ("hibc-sec-qty2", hibc(f"+$$8240928LOT1{LINK}"),
     hibc_ok(lot="LOT1", quantity=24, expiry=D(2028, 9, 30))),
    ("hibc-sec-qty5", hibc(f"+$$9001003280930LOT1{LINK}"),
     hibc_ok(lot="LOT1", quantity=100, expiry=D(2028, 9, 30))),
    ("hibc-sec-serial-mmyy", hibc(f"+$$+0928SER1{LINK}"),
     hibc_ok(serial="SER1", expiry=D(2028, 9, 30))),
    ("hibc-sec-serial-nodate", hibc(f"+$$+7SER1{LINK}"), hibc_ok(serial="SER1")),
    ("hibc-sec-serial-qty", hibc(f"+$$+8057SER1{LINK}"), hibc_ok(serial="SER1", quantity=5)),
    ("hibc-sec-serial-only", hibc(f"+$+SER1{LINK}"), hibc_ok(serial="SER1")),
    ("hibc-sec-lot-only", hibc(f"+$LOT1{LINK}"), hibc_ok(lot="LOT1")),
    ("hibc-sec-old-julian", hibc(f"+28274LOT1{LINK}"), hibc_ok(lot="LOT1", expiry=D(2028, 9, 30))),
    ("hibc-concat", hibc(PRIMARY + "/$$3280930LOT1"),
     hibc_ok(di="A123BJC5D6E71", lot="LOT1", expiry=D(2028, 9, 30))),
    ("hibc-concat-published", "+A99912345/$$52001510X3/16D20111212/S77DE1G45-",
     hibc_ok(di="A99912345", lot="10X3", serial="77DE1G45", expiry=D(2020, 1, 15),
             production_date=D(2011, 12, 12))),
    ("hibc-concat-14d", hibc(PRIMARY + "/$LOT7/14D20281231"),
     hibc_ok(di="A123BJC5D6E71", lot="LOT7", expiry=D(2028, 12, 31))),
    ("hibc-concat-qty", hibc(PRIMARY + "/$$8120928L1"),
     hibc_ok(di="A123BJC5D6E71", lot="L1", quantity=12, expiry=D(2028, 9, 30))),
    ("hibc-concat-serial", hibc(PRIMARY + "/$$+3280930S9"),
     hibc_ok(di="A123BJC5D6E71", serial="S9", expiry=D(2028, 9, 30))),
    # China's MA code
    ("ma-di", MA_DI, ok("MA", di=MA_DI)),
    ("ma-full", MA_DI + ".L2301A.S0001.M230101.E251231.V1",
     ok("MA", di=MA_DI, lot="2301A", serial="0001", production_date=D(2023, 1, 1),
        expiry=D(2025, 12, 31))),
    ("ma-qr", "]Q1" + MA_DI + ".L77", ok("MA", di=MA_DI, lot="77")),
    # internal labels
    ("location", "#L:A-01-02", ok("INTERNAL", location="A-01-02")),
    ("location-code128", "]C0#L:B-12", ok("INTERNAL", location="B-12")),
    ("document", "#D:SO-2025-00017", ok("INTERNAL", document="SO-2025-00017")),
    # refusals
    ("empty", "", "EMPTY"),
    ("blank", "  \r\n", "EMPTY"),
    ("prefix-only", "]d2", "EMPTY"),
    ("gs-only", GS, "EMPTY"),
    ("gtin-zeros", f"01{'0' * 14}17280630", "ALL_ZEROS"),
    ("gtin-zeros-aim", f"]d201{'0' * 14}10L1", "ALL_ZEROS"),
    ("gtin-zeros-hri", f"(01){'0' * 14}(10)L1", "ALL_ZEROS"),
    ("gtin-zeros-dl", f"]Q1https://id.gs1.org/01/{'0' * 14}/10/L1", "ALL_ZEROS"),
    ("ean13-zeros", "0" * 13, "ALL_ZEROS"),
    ("sscc-zeros", "00" + "0" * 18, "ALL_ZEROS"),
    ("content-gtin-zeros", f"00{SSCC}02{'0' * 14}375", "ALL_ZEROS"),
    ("gtin-check", f"01{wrong_last(G)}17280630", "BAD_CHECK_DIGIT"),
    ("gtin-check-hri", f"(01){wrong_last(G)}", "BAD_CHECK_DIGIT"),
    ("gtin-check-dl", f"https://id.gs1.org/01/{wrong_last(G)}", "BAD_CHECK_DIGIT"),
    ("sscc-check", f"00{wrong_last(SSCC)}", "BAD_CHECK_DIGIT"),
    ("content-gtin-check", f"00{SSCC}02{wrong_last(G)}375", "BAD_CHECK_DIGIT"),
    ("gln-check", f"414{wrong_last(GLN)}", "BAD_CHECK_DIGIT"),
    ("ean-check", wrong_last(EAN13), "BAD_CHECK_DIGIT"),
    ("hibc-check", PRIMARY + ("X" if hibc_check(PRIMARY) != "X" else "Y"), "BAD_CHECK_DIGIT"),
    ("month-13", f"01{G}17281301", "BAD_DATE"),
    ("feb-30", f"01{G}17280230", "BAD_DATE"),
    ("april-31", f"01{G}11250431", "BAD_DATE"),
    ("dl-bad-date", f"https://id.gs1.org/01/{G}?17=281340", "BAD_DATE"),
    ("hibc-bad-mmyy", hibc(f"+$$1328LOT{LINK}"), "BAD_DATE"),
    ("hibc-bad-flag", hibc(f"+$$X28LOT{LINK}"), "BAD_DATE"),
    ("hibc-bad-julian", hibc(f"+$$528400LOT{LINK}"), "BAD_DATE"),
    ("hibc-bad-hour", hibc(f"+$$428093025LOT{LINK}"), "BAD_DATE"),
    ("hibc-bad-16d", hibc(PRIMARY + "/16D20281332"), "BAD_DATE"),
    ("ma-bad-date", MA_DI + ".E251340", "BAD_DATE"),
    ("unknown-ai", f"01{G}23ABC", "UNKNOWN_AI"),
    ("unknown-ai-hri", f"(01){G}(23)ABC", "UNKNOWN_AI"),
    ("hibc-unknown-supplement", hibc(PRIMARY + "/X12"), "UNKNOWN_AI"),
    ("ma-unknown-key", MA_DI + ".Q12", "UNKNOWN_AI"),
    ("lot-too-long", f"01{G}10{'A' * 21}", "BAD_LENGTH"),
    ("hri-gtin-short", "(01)0761234500001(17)280630", "BAD_LENGTH"),
    ("hri-date-long", f"(01){G}(17)2806301", "BAD_LENGTH"),
    ("hibc-pcn-too-long", hibc("+A123" + "P" * 19 + "1"), "BAD_LENGTH"),
    ("hibc-lot-too-long", hibc(f"+$L{'1' * 19}{LINK}"), "BAD_LENGTH"),
    ("ma-short-company", "MA.156.M0.10001.10000013", "BAD_LENGTH"),
    ("itf-wrong-length", "]I1" + EAN13, "BAD_LENGTH"),
    ("ean13-prefix-with-14-digits", "]E0" + G, "BAD_LENGTH"),
    ("space-in-lot", f"01{G}10AB CD", "BAD_CHARACTER"),
    ("accent-in-lot", f"01{G}10ABé", "BAD_CHARACTER"),
    ("letter-in-gtin", "01076123450000A5", "BAD_CHARACTER"),
    ("hibc-hash", hibc("+A123BJC5") + "#", "BAD_CHARACTER"),
    ("hibc-um-letter", hibc("+A123BJC5X"), "BAD_CHARACTER"),
    ("location-underscore", "#L:A_01", "BAD_CHARACTER"),
    ("location-lower", "#L:a-01", "BAD_CHARACTER"),
    ("ma-bad-char", MA_DI + ".L12#3", "BAD_CHARACTER"),
    ("gtin-cut", "01076123450000", "TRUNCATED"),
    ("date-cut", f"01{G}172806", "TRUNCATED"),
    ("lone-digit-left", f"01{G}172806301", "TRUNCATED"),
    ("identifier-cut", "]d", "TRUNCATED"),
    ("location-empty", "#L:", "TRUNCATED"),
    ("ma-cut", "MA.156.M0.100001", "TRUNCATED"),
    ("hibc-cut", hibc("+A1B"), "TRUNCATED"),
    ("lot-without-gtin", "10ABC", "MISSING_REQUIRED_AI"),
    ("expiry-without-gtin", "17280630", "MISSING_REQUIRED_AI"),
    ("prod-date-without-gtin", "11240115", "MISSING_REQUIRED_AI"),
    ("serial-without-gtin", f"00{SSCC}02{G}375{GS}21X", "MISSING_REQUIRED_AI"),
    ("lot-without-gtin-hri", "(10)ABC(17)280630", "MISSING_REQUIRED_AI"),
    ("serial-with-content-gtin-only", f"00{SSCC}02{G}3712{GS}21X", "MISSING_REQUIRED_AI"),
    ("gln-extension-without-gln", "254A-01", "MISSING_REQUIRED_AI"),
    ("content-gtin-without-count", f"00{SSCC}02{G}", "MISSING_REQUIRED_AI"),
    ("count-without-content-gtin", f"00{SSCC}3712", "MISSING_REQUIRED_AI"),
    ("two-lots", f"01{G}10LOTA1{GS}10LOTB2", "CONFLICTING_REPEAT"),
    ("two-expiries", f"01{G}1728063017290630", "CONFLICTING_REPEAT"),
    ("two-gtins", f"01{G}01{G2}", "CONFLICTING_REPEAT"),
    ("two-serials-hri", f"(01){G}(21)S1(21)S2", "CONFLICTING_REPEAT"),
    ("dl-query-contradicts-path-lot", f"https://id.gs1.org/01/{G}/10/LOTA1?10=LOTB2",
     "CONFLICTING_REPEAT"),
    ("dl-query-contradicts-path-gtin", f"https://id.gs1.org/01/{G}?01={G2}",
     "CONFLICTING_REPEAT"),
    ("dl-query-key-twice", f"https://id.gs1.org/01/{G}?17=280630&17=290630",
     "CONFLICTING_REPEAT"),
    ("gtin-with-content-gtin", f"01{G}02{G2}", "INVALID_PAIR"),
    ("gtin-with-count", f"01{G}3712", "INVALID_PAIR"),
    ("itip-with-gtin", f"01{G}8006{ITIP}", "INVALID_PAIR"),
    ("itip-piece-above-total", f"8006{G}0302{GS}21SN1", "BAD_PIECE_OF_TOTAL"),
    ("itip-piece-zero", f"8006{G}0002{GS}21SN1", "BAD_PIECE_OF_TOTAL"),
    ("itip-content-total-zero", f"00{SSCC}8026{G}0100{GS}3702", "BAD_PIECE_OF_TOTAL"),
    ("serial-with-third-party-serial", f"01{G}21S1{GS}235T1", "INVALID_PAIR"),
    ("two-net-weight-decimals", f"01{G}31000001233102000456", "INVALID_PAIR"),
    ("dl-gtin-with-content-gtin", f"https://id.gs1.org/01/{G}?02={G2}&37=5", "INVALID_PAIR"),
    ("empty-lot", f"01{G}10{GS}17280630", "EMPTY_VALUE"),
    ("empty-lot-at-end", f"01{G}10", "EMPTY_VALUE"),
    ("empty-lot-hri", f"(01){G}(10)", "EMPTY_VALUE"),
    ("empty-expiry-hri", f"(01){G}(17)(10)L1", "EMPTY_VALUE"),
    ("dl-empty-expiry", f"https://id.gs1.org/01/{G}/10/L1?17=", "EMPTY_VALUE"),
    ("dl-expiry-without-equals", f"https://id.gs1.org/01/{G}/10/L1?17", "EMPTY_VALUE"),
    ("dl-empty-lot-in-path", f"https://id.gs1.org/01/{G}/10/", "EMPTY_VALUE"),
    ("hri-longer-than-an-ai", f"(01){G}(123)4", "UNKNOWN_AI"),
    ("dl-numeric-key-not-an-ai", f"https://id.gs1.org/01/{G}?123=4", "UNKNOWN_AI"),
    ("dl-qualifiers-out-of-order", f"https://id.gs1.org/01/{G}/21/S1/10/L1", "BAD_LINK"),
    ("dl-qualifier-twice", f"https://id.gs1.org/01/{G}/10/L1/10/L2", "BAD_LINK"),
    ("dl-key-without-value", f"https://id.gs1.org/01/{G}/10", "BAD_LINK"),
    ("harvest-date-runs-into-serial", f"01{G}700725010121SN1", "NO_SEPARATOR"),
    ("prod-time-runs-into-internal", f"01{G}8008250101129921SN", "NO_SEPARATOR"),
    ("full-lot-runs-into-serial", f"01{G}10{'A' * 20}21SN1", "NO_SEPARATOR"),
    ("itip-runs-into-serial", f"8006{ITIP}21SN1", "NO_SEPARATOR"),
    ("itip-check", f"8006{wrong_last(G)}0102{GS}21S1", "BAD_CHECK_DIGIT"),
    ("ean13-prefix-with-12-digits", "]E0" + UPC, "BAD_LENGTH"),
    ("ean8-prefix-short", "]E4123", "BAD_LENGTH"),
    ("hibc-mixed-case", "+A123bJC5D6E71", "BAD_CHARACTER"),
    ("ma-mixed-case", "Ma.156.M0.100001.10000013", "BAD_CHARACTER"),
    ("location-prefix-lower-code-upper", "#l:A-01", "BAD_CHARACTER"),
    ("isbt-prefixed", "]C4=A99991234567800", "UNSUPPORTED_SYMBOLOGY"),
    ("isbt-bare", "=A99991234567800", "UNSUPPORTED_SYMBOLOGY"),
    ("unknown-symbology", "]X0ABC", "UNSUPPORTED_SYMBOLOGY"),
    ("code39-check-stripped", "]A3+A123BJC5D6E71", "UNSUPPORTED_SYMBOLOGY"),
    ("plain-text", "hello", "NOT_RECOGNISED"),
    ("other-hash-label", "#X:ABC", "NOT_RECOGNISED"),
    ("non-gs1-url", "https://example.com/products/42", "NOT_RECOGNISED"),
    ("caps-dm", "]D2" + ELEMENT.swapcase(), "CAPS_LOCK"),
    ("caps-128", "]c1" + ELEMENT.swapcase(), "CAPS_LOCK"),
    ("caps-qr", "]q3" + ELEMENT.swapcase(), "CAPS_LOCK"),
    ("caps-databar", f"]E001{G}17280630", "CAPS_LOCK"),
    ("caps-hibc-dm", "]D1" + hibc(PRIMARY).lower(), "CAPS_LOCK"),
    ("caps-hibc-bare", hibc(PRIMARY).lower(), "CAPS_LOCK"),
    ("caps-ma", (MA_DI + ".L1").swapcase(), "CAPS_LOCK"),
    ("caps-location", "#l:a-01", "CAPS_LOCK"),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_scan_table(raw: str, expected: dict[str, Any] | str) -> None:
    if isinstance(expected, str):
        with pytest.raises(ScanError) as caught:
            parse_scan(raw, today=TODAY)
        assert caught.value.code == expected
        assert caught.value.message("en") and caught.value.message("zh-CN")
        assert "{" not in caught.value.message("en") + caught.value.message("zh-CN")
        return
    scan = parse_scan(raw, today=TODAY)
    assert {name: getattr(scan, name) for name in expected} == expected
    assert scan.raw == raw


def test_table_has_at_least_eighty_rows_and_every_code() -> None:
    codes = {expected for _, _, expected in CASES if isinstance(expected, str)}
    assert len(CASES) >= 80
    assert codes >= {"BAD_CHECK_DIGIT", "BAD_DATE", "UNKNOWN_AI", "BAD_LENGTH", "BAD_CHARACTER",
                     "TRUNCATED", "MISSING_REQUIRED_AI", "UNSUPPORTED_SYMBOLOGY", "EMPTY",
                     "NOT_RECOGNISED", "CAPS_LOCK", "ALL_ZEROS", "CONFLICTING_REPEAT",
                     "INVALID_PAIR", "EMPTY_VALUE", "NO_SEPARATOR", "BAD_LINK"}
