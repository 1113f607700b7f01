"""ZPL: FNC1 in the right places, field data intact, and (with node) it renders and scans back."""

from __future__ import annotations

import pytest

from medwms.barcode.labels import DeviceLabel, LabelSize, LocationLabel
from medwms.barcode.render_data import GlnLocationData, SsccData
from medwms.barcode.zpl import (
    code128_gs1_field,
    datamatrix_escape,
    datamatrix_gs1_field,
    label_zpl,
    labels_zpl,
)
from medwms.core.errors import ValidationError
from tests.unit.barcode.conftest_render import (
    GLN,
    SSCC,
    a_device_label,
    a_udi,
    assert_scan_matches,
    decode,
    every_label,
    expected_scan,
    render_zpl,
    zpl_renderer_missing,
)


def test_datamatrix_field_starts_with_fnc1_and_separates_variable_fields_with_it() -> None:
    field = datamatrix_gs1_field(a_udi())
    assert field == "_10107612345000015112501021728063010LOTA1_121SN0001"


def test_underscore_in_a_lot_switches_the_escape_character_so_it_is_not_read_as_fnc1() -> None:
    udi = a_udi(lot="A_1", serial="S")
    assert datamatrix_escape(udi) == "#"
    assert datamatrix_gs1_field(udi).endswith("10A_1#121S")
    assert "^BXN,5,200,,,,#^FD#101" in label_zpl(a_device_label(udi), LabelSize.L100X50)


def test_gs1_128_starts_in_subset_c_with_fnc1() -> None:
    assert code128_gs1_field(SsccData(SSCC)) == ">;>8" + "".join(
        ("00" + SSCC)[i:i + 2] for i in range(0, 20, 2))


def test_gs1_128_switches_to_subset_b_for_letters_and_back_to_c_for_long_digit_runs() -> None:
    assert code128_gs1_field(GlnLocationData(GLN, "A-01-02")) == (
        ">;>8414401234500000925>64A-01-02")
    udi = a_udi(lot="AB", serial="123456", expiry=None, production_date=None)
    assert code128_gs1_field(udi) == ">;>8010761234500001510>6AB>8>521123456"


def test_device_label_zpl_has_utf8_datamatrix_and_text_fields() -> None:
    zpl = label_zpl(a_device_label(), LabelSize.L100X50)
    assert zpl.startswith("^XA\n^CI28\n^PW800\n^LL400\n") and zpl.endswith("^XZ\n")
    assert "^BXN,5,200,,,,_^FD_10107612345000015112501021728063010LOTA1_121SN0001^FS" in zpl
    assert "^FH^FD一次性使用无菌注射器^FS" in zpl
    assert "^FD(01)07612345000015(11)250102(17)280630(10)LOTA1(21)SN0001^FS" in zpl


def test_location_labels_use_code128_or_gs1_128() -> None:
    plain = label_zpl(LocationLabel("A-01-02"), LabelSize.L60X40)
    assert "^BCN," in plain and "^FD>:#L:A-01-02^FS" in plain
    gs1 = label_zpl(LocationLabel("A-01-02", warehouse_gln=GLN), LabelSize.L60X40, dpmm=12)
    assert "^PW720" in gs1 and "^FD>;>8414401234500000925>64A-01-02^FS" in gs1


def test_text_with_zpl_control_characters_is_hex_escaped() -> None:
    label = DeviceLabel(a_udi(), "泵^XZ~JA_x")
    assert "^FH^FD泵_5EXZ_7EJA_5Fx^FS" in label_zpl(label, LabelSize.L100X50)


def test_printer_cjk_font_is_used_when_named() -> None:
    zpl = label_zpl(a_device_label(), LabelSize.L60X40, cjk_font="E:SIMSUN.TTF")
    assert "^A@N," in zpl and ",E:SIMSUN.TTF^FH^FD一次性" in zpl


def test_unsupported_printer_resolution_is_refused() -> None:
    with pytest.raises(ValidationError, match="dpmm"):
        label_zpl(a_device_label(), LabelSize.L60X40, dpmm=7)


def test_several_labels_are_several_formats() -> None:
    zpl = labels_zpl([label for _, label in every_label()], LabelSize.L100X50)
    assert zpl.count("^XA") == zpl.count("^XZ") == len(every_label())


@pytest.mark.skipif(zpl_renderer_missing() is not None, reason=str(zpl_renderer_missing()))
def test_every_label_rendered_by_zpl_renderer_scans_back() -> None:
    cases = [(kind, label, size, dpmm) for kind, label in every_label()
             for size in LabelSize for dpmm in (8, 12)]
    jobs = [(label_zpl(label, size, dpmm=dpmm), size.mm, dpmm)
            for _, label, size, dpmm in cases]
    for (kind, _, size, dpmm), image in zip(cases, render_zpl(jobs), strict=True):
        scans = decode(image)
        assert len(scans) == 1, (kind, size, dpmm)
        assert_scan_matches(scans[0], expected_scan(kind))


@pytest.mark.skipif(zpl_renderer_missing() is not None, reason=str(zpl_renderer_missing()))
def test_gs1_punctuation_in_lot_and_serial_survives_zpl() -> None:
    udi = a_udi(lot="A_1(2)%", serial="X/Y-_9")
    [image] = render_zpl([(label_zpl(a_device_label(udi), LabelSize.L100X50),
                           LabelSize.L100X50.mm, 8)])
    [scan] = decode(image)
    assert (scan.lot, scan.serial) == ("A_1(2)%", "X/Y-_9")
