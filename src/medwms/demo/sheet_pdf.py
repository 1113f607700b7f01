"""The demo barcode sheet as an A4 PDF: a heading per section, its labels in a grid.

Labels are the ones medwms prints (60 × 40 mm, drawn by `barcode.render_pdf`), each with a
line under it saying where the units lie and how often to scan the symbol.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from medwms.barcode.fonts import LabelFont, label_font
from medwms.barcode.labels import A4_MM, LabelSize
from medwms.barcode.render_layout import layout_label
from medwms.barcode.render_pdf import draw_layout
from medwms.demo.sheet import Code, Sheet

SIZE = LabelSize.L60X40
MARGIN, GAP, CAPTION, HEADING = 10.0, 2.0, 5.0, 10.0
TITLES = {
    "documents": "单据条码 Document barcodes",
    "notice": "到货通知上的货品 Units on the advance notice",
    "wave": "波次已分配的库存 Stock allocated to the wave",
    "open_order": "待分配出库单可用的批次 Lots the order to allocate can take",
    "count": "盘点库区中的货品 Units in the counted zone",
    "recall": "模拟召回的批次 The lot of the mock recall",
    "locations": "库位标签 Location labels",
}


class _Pages:
    """A cursor over A4 pages: where the next label or heading goes."""

    def __init__(self, canvas: Canvas, font: LabelFont) -> None:
        self.canvas, self.font = canvas, font
        self.columns = int((A4_MM[0] - 2 * MARGIN + GAP) // (SIZE.mm[0] + GAP))
        self.x, self.y, self.column = MARGIN, MARGIN, 0

    def _row_height(self) -> float:
        return SIZE.mm[1] + CAPTION + GAP

    def _room(self, height: float) -> None:
        if self.y + height > A4_MM[1] - MARGIN:
            self.canvas.showPage()
            self.y = MARGIN

    def heading(self, text: str) -> None:
        """Start a section on a new row, on a new page if the heading and a row don't fit."""
        if self.column:
            self.y += self._row_height()
            self.column = 0
        self._room(HEADING + self._row_height())
        self.canvas.setFont(self.font.name, 12)
        self.canvas.drawString(MARGIN * mm, (A4_MM[1] - self.y - 7) * mm, text)
        self.y += HEADING

    def label(self, code: Code) -> None:
        """Draw one label with its caption, moving to the next grid cell."""
        self._room(self._row_height())
        x = MARGIN + self.column * (SIZE.mm[0] + GAP)
        draw_layout(self.canvas, layout_label(code.label, SIZE), self.font, (x, self.y),
                    A4_MM[1])
        self.canvas.rect(x * mm, (A4_MM[1] - self.y - SIZE.mm[1]) * mm, SIZE.mm[0] * mm,
                         SIZE.mm[1] * mm, stroke=1, fill=0)
        caption = caption_of(code)
        if caption:
            self.canvas.setFont(self.font.name, 7)
            self.canvas.drawString(x * mm, (A4_MM[1] - self.y - SIZE.mm[1] - 3.5) * mm, caption)
        self.column += 1
        if self.column == self.columns:
            self.column = 0
            self.y += self._row_height()


def caption_of(code: Code) -> str:
    """Where the units lie and how often to scan, e.g. "SH1-C03-2 · 扫 scan ×2"."""
    parts = [code.where] if code.where else []
    if code.scans:
        parts.append(f"扫 scan ×{code.scans}")
    return " · ".join(parts)


def sheet_pdf(sheet: Sheet, *, font_path: Path | str | None = None) -> bytes:
    """The sheet as PDF bytes, every section with at least one code."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(A4_MM[0] * mm, A4_MM[1] * mm), pageCompression=1)
    canvas.setTitle("medwms 演示条码 Demo barcode sheet")
    canvas.setCreator("medwms")
    canvas.setLineWidth(0.2)
    pages = _Pages(canvas, label_font(font_path))
    for section in sheet.sections:
        if not section.codes:
            continue
        pages.heading(TITLES[section.key])
        for code in section.codes:
            pages.label(code)
    canvas.save()
    return buffer.getvalue()
