"""Labels as PDF and PNG scan back through pixels, and their Chinese text is really there."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium
import pytest

from medwms.barcode.labels import (
    DeviceLabel,
    HandlingUnitLabel,
    Label,
    LabelSize,
    LocationLabel,
    QcLabel,
)
from medwms.barcode.render_layout import TextOp, layout_label
from medwms.barcode.render_pdf import a4_grid, labels_pdf
from medwms.barcode.render_png import label_png, sheet_png
from medwms.core.errors import ValidationError
from tests.unit.barcode.conftest_render import (
    SSCC,
    WQY,
    a_device_label,
    a_udi,
    assert_scan_matches,
    decode,
    every_label,
    expected_scan,
    pdf_pages,
    pdf_text,
)

KINDS = [kind for kind, _ in every_label()]
LABELS = dict(every_label())


@pytest.mark.parametrize("size", list(LabelSize))
@pytest.mark.parametrize("kind", KINDS)
def test_each_label_kind_scans_back_from_the_rasterised_pdf(kind: str, size: LabelSize) -> None:
    pdf = labels_pdf([LABELS[kind]], size)
    [page] = pdf_pages(pdf)
    [scan] = decode(page)
    assert_scan_matches(scan, expected_scan(kind))


@pytest.mark.parametrize("size", list(LabelSize))
@pytest.mark.parametrize("kind", KINDS)
def test_each_label_kind_scans_back_from_png(kind: str, size: LabelSize) -> None:
    [scan] = decode(label_png(LABELS[kind], size))
    assert_scan_matches(scan, expected_scan(kind))


def _full_sheet(size: LabelSize) -> tuple[list[Label], list[str]]:
    per_page = a4_grid(size).per_page
    kinds = [KINDS[i % len(KINDS)] for i in range(per_page)]
    return [LABELS[k] for k in kinds], kinds


@pytest.mark.parametrize("size", list(LabelSize))
def test_every_label_on_an_a4_sheet_scans_back(size: LabelSize) -> None:
    labels, kinds = _full_sheet(size)
    pages = pdf_pages(labels_pdf(labels, size, sheet=True))
    assert len(pages) == 1
    scans = decode(pages[0])
    assert len(scans) == len(labels)
    assert sorted(str(s.gtin or s.location or s.sscc or s.document) for s in scans) == sorted(
        str(next(iter(expected_scan(k).values()))) for k in kinds)


def test_a4_sheet_png_scans_back_every_label() -> None:
    labels, _ = _full_sheet(LabelSize.L100X50)
    assert len(decode(sheet_png(labels, LabelSize.L100X50, dpi=300))) == len(labels)


def test_labels_beyond_one_sheet_go_to_the_next_page() -> None:
    per_page = a4_grid(LabelSize.L60X40).per_page
    pdf = labels_pdf([LABELS["location"]] * (per_page + 1), LabelSize.L60X40,
                     sheet=True)
    assert len(pdf_pages(pdf, dpi=30)) == 2


def test_one_label_per_page_of_label_stock() -> None:
    pdf = labels_pdf([LABELS["device"], LABELS["hu"]], LabelSize.L60X40)
    document = pdfium.PdfDocument(pdf)
    sizes_mm = [tuple(round(v * 25.4 / 72, 1) for v in page.get_size()) for page in document]
    assert sizes_mm == [(60.0, 40.0)] * 2


def test_chinese_name_is_in_the_pdf_text_with_the_builtin_cid_font() -> None:
    pdf = labels_pdf([LABELS["qc"]], LabelSize.L100X50)
    text = pdf_text(pdf)
    assert "一次性使用无菌注射器" in text
    assert "合格" in text and "张三" in text
    assert b"/FontFile2" not in pdf  # STSong-Light is not embedded


@pytest.mark.skipif(not WQY.is_file(), reason="fonts-wqy-zenhei is not installed (apt-get "
                    "install fonts-wqy-zenhei)")
def test_truetype_cjk_font_is_embedded_and_text_still_extracts() -> None:
    pdf = labels_pdf([LABELS["device"]], LabelSize.L100X50, font_path=WQY)
    assert b"/FontFile2" in pdf
    assert "一次性使用无菌注射器" in pdf_text(pdf)
    [scan] = decode(pdf_pages(pdf)[0])
    assert scan.lot == "LOTA1"


def test_missing_font_file_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="font"):
        labels_pdf([LABELS["device"]], LabelSize.L100X50,
                   font_path="/nonexistent/font.ttc")


def test_long_text_is_fitted_inside_the_label() -> None:
    label = DeviceLabel(a_udi(), "超" * 60, "x" * 120, "m" * 100, "s" * 100)
    for size in LabelSize:
        layout = layout_label(label, size)
        for op in layout.ops:
            if isinstance(op, TextOp):
                assert op.x >= 0 and op.y + 1 < layout.height


@pytest.mark.parametrize(("make", "field"), [
    (lambda: DeviceLabel(a_udi(), "", ""), "name_zh"),
    (lambda: QcLabel(a_device_label(), " ", date(2026, 1, 1)), "inspector"),
    (lambda: LocationLabel("a 01"), "code"),
    (lambda: LocationLabel("A-01", warehouse_gln="123"), "warehouse_gln"),
    (lambda: HandlingUnitLabel(SSCC[:-1] + "0"), "sscc"),
    (lambda: labels_pdf([], LabelSize.L100X50), "labels"),
])
def test_bad_label_content_is_refused_naming_the_field(make: object, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        make()  # type: ignore[operator]
    assert raised.value.problems[0].column == field
