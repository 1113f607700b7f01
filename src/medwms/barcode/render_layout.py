"""Lay out a label once, in millimetres from the top-left corner, for every backend.

The layout is a list of text, symbol and box operations. Symbol modules are a whole number
of `quantum` mm: printer dots for ZPL (0.125 mm at 203 dpi), a fine grid for PDF and PNG.
Text widths are estimated (CJK one em, Latin about half): every backend uses the same
estimate, so text never runs off the label.
"""

from __future__ import annotations

from dataclasses import dataclass

from medwms.barcode.labels import (
    DeviceLabel,
    DocumentLabel,
    HandlingUnitLabel,
    Label,
    LabelSize,
    LocationLabel,
    QcLabel,
)
from medwms.barcode.render_data import (
    GlnLocationData,
    SsccData,
    internal_document_text,
    internal_location_text,
)
from medwms.barcode.symbols import SymbolData, SymbolKind, symbol_matrix

PT_MM = 25.4 / 72
FINE_QUANTUM = 0.025  # PDF and PNG: modules on a 0.025 mm grid
MAX_MODULE_2D = 0.625
MAX_MODULE_1D = 0.5
MARGIN = 3.0
MIN_TEXT_PT = 5.0
LINE_GAP = 1.2


@dataclass(frozen=True)
class TextOp:
    """A line of text; (x, y) is the top-left of its line box, `size` in points."""

    x: float
    y: float
    size: float
    text: str


@dataclass(frozen=True)
class SymbolOp:
    """A symbol without its quiet zone at (x, y); `module` in mm; bars `bar_height` mm."""

    x: float
    y: float
    kind: SymbolKind
    data: SymbolData
    module: float
    width: float
    height: float


@dataclass(frozen=True)
class BoxOp:
    """A rectangle outline, `line` mm thick."""

    x: float
    y: float
    width: float
    height: float
    line: float = 0.4


Op = TextOp | SymbolOp | BoxOp


@dataclass(frozen=True)
class Layout:
    """A label's page size and what to draw on it."""

    width: float
    height: float
    ops: tuple[Op, ...]


def text_width(text: str, size: float) -> float:
    """Estimated width in mm of `text` at `size` points."""
    ems = sum(1.0 if ord(c) >= 0x2E80 else 0.6 for c in text)
    return ems * size * PT_MM


def fit_text(text: str, size: float, width: float) -> tuple[str, float]:
    """Shrink to fit `width` down to MIN_TEXT_PT, then cut the text with an ellipsis."""
    while size > MIN_TEXT_PT and text_width(text, size) > width:
        size = max(MIN_TEXT_PT, size - 0.5)
    while len(text) > 1 and text_width(text, size) > width:
        text = text[:-2] + "…"
    return text, size


def _lines(x: float, y: float, width: float, height: float,
           lines: list[tuple[str, float]]) -> list[Op]:
    """Stack `lines` (text, wanted size) in a box, shrinking all sizes to fit its height."""
    lines = [(t, s) for t, s in lines if t]
    total = sum(s * PT_MM * LINE_GAP for _, s in lines)
    scale = min(1.0, height / total) if total else 1.0
    ops: list[Op] = []
    for text, wanted in lines:
        fitted, size = fit_text(text, max(MIN_TEXT_PT, wanted * scale), width)
        ops.append(TextOp(x, y, size, fitted))
        y += size * PT_MM * LINE_GAP
    return ops


def _symbol(kind: SymbolKind, data: SymbolData, *, at: tuple[float, float],
            box: tuple[float, float], max_module: float, quantum: float) -> SymbolOp:
    """A symbol as large as fits `box` (w, h) at `at` (x, y), its module whole `quantum`s."""
    x, y = at
    matrix = symbol_matrix(kind, data)
    fit = box[0] / (matrix.width + 2 * matrix.quiet)
    if not kind.is_linear:
        fit = min(fit, box[1] / (matrix.height + 2 * matrix.quiet))
    module = max(1, int(min(fit, max_module) / quantum + 1e-9)) * quantum
    height = box[1] if kind.is_linear else matrix.height * module
    top = y if kind.is_linear else y + matrix.quiet * module
    return SymbolOp(x + matrix.quiet * module, top, kind, data, module,
                    matrix.width * module, height)


def _hri_lines(hri: str, width: float, size: float) -> list[str]:
    """The HRI on one line, or split at an AI boundary into two when too wide."""
    if text_width(hri, size) <= width:
        return [hri]
    cuts = [i for i, c in enumerate(hri) if c == "(" and i > 0]
    best = min(cuts, key=lambda i: abs(2 * i - len(hri)), default=len(hri))
    return [hri[:best], hri[best:]] if best < len(hri) else [hri]


def _device_lines(label: DeviceLabel, big: float) -> list[tuple[str, float]]:
    udi = label.udi
    small = big * 0.7
    lines = [(label.name_zh, big), (label.name_en, small)]
    if label.model:
        lines.append((f"型号规格 Model: {label.model}", small))
    if udi.lot:
        lines.append((f"批号 LOT: {udi.lot}", small))
    if udi.serial:
        lines.append((f"序列号 SN: {udi.serial}", small))
    if udi.production_date:
        lines.append((f"生产日期 MFG: {udi.production_date.isoformat()}", small))
    if udi.expiry:
        lines.append((f"失效日期 EXP: {udi.expiry.isoformat()}", small))
    if label.storage_text:
        lines.append((f"储存条件 Storage: {label.storage_text}", small))
    return lines


def _udi_layout(device: DeviceLabel, size: LabelSize, extra: list[tuple[str, float]],
                quantum: float) -> Layout:
    width, height = size.mm
    big = 11.0 if size is LabelSize.L100X50 else 8.0
    hri_size = 7.0 if size is LabelSize.L100X50 else 5.5
    hri = _hri_lines(device.udi.hri(), width - 2 * MARGIN, hri_size)
    hri_h = len(hri) * hri_size * PT_MM * LINE_GAP
    body_h = height - 2 * MARGIN - hri_h - 1
    symbol = _symbol(SymbolKind.GS1_DATAMATRIX, device.udi, at=(MARGIN, MARGIN),
                     box=(width * 0.42, body_h), max_module=MAX_MODULE_2D, quantum=quantum)
    col_x = symbol.x + symbol.width + 3
    ops: list[Op] = [symbol]
    ops += _lines(col_x, MARGIN, width - col_x - MARGIN, body_h, extra + _device_lines(device, big))
    ops += _lines(MARGIN, height - MARGIN - hri_h, width - 2 * MARGIN, hri_h,
                  [(line, hri_size) for line in hri])
    return Layout(width, height, tuple(ops))


def _qc_extra(label: QcLabel, size: LabelSize) -> list[tuple[str, float]]:
    big = 12.0 if size is LabelSize.L100X50 else 9.0
    return [(f"【{label.status}】", big),
            (f"检验员 Inspector: {label.inspector}  日期 Date: "
             f"{label.inspected_on.isoformat()}", big * 0.6)]


def _location_layout(label: LocationLabel, size: LabelSize, quantum: float) -> Layout:
    data: SymbolData
    if label.warehouse_gln is None:
        kind, data, hri = SymbolKind.CODE128, internal_location_text(label.code), label.code
    else:
        gs1 = GlnLocationData(label.warehouse_gln, label.code)
        kind, data, hri = SymbolKind.GS1_128, gs1, gs1.hri()
    code_pt = 28.0 if size is LabelSize.L100X50 else 20.0
    return _coded_layout(label.code, label.zone, kind, data, hri, size, quantum, code_pt)


def _document_layout(label: DocumentLabel, size: LabelSize, quantum: float) -> Layout:
    code_pt = 20.0 if size is LabelSize.L100X50 else 14.0  # numbers run up to 40 characters
    return _coded_layout(label.number, label.title, SymbolKind.CODE128,
                         internal_document_text(label.number), label.number, size, quantum,
                         code_pt)


def _coded_layout(code: str, subtitle: str, kind: SymbolKind, data: SymbolData, hri: str,
                  size: LabelSize, quantum: float, code_pt: float) -> Layout:
    """A code in big type with a subtitle, its linear symbol below, the HRI at the bottom."""
    width, height = size.mm
    head = _lines(MARGIN, MARGIN, width - 2 * MARGIN, code_pt * PT_MM * LINE_GAP * 1.6,
                  [(code, code_pt), (subtitle, code_pt * 0.4)])
    top = MARGIN + code_pt * PT_MM * LINE_GAP * 1.6 + 1
    hri_pt = 8.0 if size is LabelSize.L100X50 else 6.0
    bar_h = height - top - MARGIN - hri_pt * PT_MM * LINE_GAP - 1
    symbol = _symbol(kind, data, at=(MARGIN, top), box=(width - 2 * MARGIN, bar_h),
                     max_module=MAX_MODULE_1D, quantum=quantum)
    tail = _lines(MARGIN, top + bar_h + 1, width - 2 * MARGIN, hri_pt * PT_MM * LINE_GAP,
                  [(hri, hri_pt)])
    return Layout(width, height, (*head, symbol, *tail))


def _hu_layout(label: HandlingUnitLabel, size: LabelSize, quantum: float) -> Layout:
    width, height = size.mm
    sscc = SsccData(label.sscc)
    hri_pt = 8.0 if size is LabelSize.L100X50 else 6.0
    bar_h = height * 0.36
    bar_top = height - MARGIN - hri_pt * PT_MM * LINE_GAP - 1 - bar_h
    text_pt = 9.0 if size is LabelSize.L100X50 else 7.0
    lines = [(f"SSCC {sscc.sscc}", text_pt * 1.2)]
    lines += [(f"收货方 Ship to: {label.ship_to}", text_pt)] if label.ship_to else []
    lines += [(line, text_pt * 0.9) for line in label.contents]
    ops: list[Op] = _lines(MARGIN, MARGIN, width - 2 * MARGIN, bar_top - MARGIN - 1, lines)
    ops.append(_symbol(SymbolKind.GS1_128, sscc, at=(MARGIN, bar_top),
                       box=(width - 2 * MARGIN, bar_h), max_module=MAX_MODULE_1D,
                       quantum=quantum))
    ops += _lines(MARGIN, bar_top + bar_h + 1, width - 2 * MARGIN, hri_pt * PT_MM * LINE_GAP,
                  [(sscc.hri(), hri_pt)])
    return Layout(width, height, tuple(ops))


def layout_label(label: Label, size: LabelSize, quantum: float = FINE_QUANTUM) -> Layout:
    """Where every text and symbol of `label` goes on `size` stock."""
    if isinstance(label, DeviceLabel):
        return _udi_layout(label, size, [], quantum)
    if isinstance(label, QcLabel):
        return _udi_layout(label.device, size, _qc_extra(label, size), quantum)
    if isinstance(label, LocationLabel):
        return _location_layout(label, size, quantum)
    if isinstance(label, DocumentLabel):
        return _document_layout(label, size, quantum)
    return _hu_layout(label, size, quantum)
