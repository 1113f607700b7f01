"""Labels as PDF with reportlab: one label per page, or a grid of labels on A4 sheets.

Symbols are drawn as vector paths (one path per symbol, so a rasteriser leaves no seams
between modules); text uses the label font from `fonts.label_font`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from medwms.barcode.fonts import LabelFont, label_font
from medwms.barcode.labels import A4_MM, Label, LabelSize
from medwms.barcode.render_layout import (
    PT_MM,
    BoxOp,
    Layout,
    SymbolOp,
    TextOp,
    layout_label,
)
from medwms.barcode.symbols import symbol_matrix
from medwms.core.errors import ValidationError

ASCENT = 0.86  # baseline below the top of the line box, as a share of the font size
SHEET_MARGIN = 4.0
SHEET_GAP = 2.0


@dataclass(frozen=True)
class Grid:
    """Where labels of one size sit on an A4 sheet."""

    columns: int
    rows: int
    left: float
    top: float
    pitch_x: float
    pitch_y: float

    @property
    def per_page(self) -> int:
        """How many labels fit one sheet."""
        return self.columns * self.rows

    def origin(self, index: int) -> tuple[float, float]:
        """Top-left of the `index`-th label on its page, in mm."""
        row, column = divmod(index % self.per_page, self.columns)
        return self.left + column * self.pitch_x, self.top + row * self.pitch_y


def a4_grid(size: LabelSize) -> Grid:
    """The grid of `size` labels on an A4 sheet, centred, 2 mm apart."""
    width, height = size.mm
    columns = int((A4_MM[0] - 2 * SHEET_MARGIN + SHEET_GAP) // (width + SHEET_GAP))
    rows = int((A4_MM[1] - 2 * SHEET_MARGIN + SHEET_GAP) // (height + SHEET_GAP))
    used_w = columns * width + (columns - 1) * SHEET_GAP
    used_h = rows * height + (rows - 1) * SHEET_GAP
    return Grid(columns, rows, (A4_MM[0] - used_w) / 2, (A4_MM[1] - used_h) / 2,
                width + SHEET_GAP, height + SHEET_GAP)


def _draw_symbol(canvas: Canvas, op: SymbolOp, x0: float, top: float) -> None:
    matrix = symbol_matrix(op.kind, op.data)
    path = canvas.beginPath()
    row_h = op.height / matrix.height
    for r, row in enumerate(matrix.rows):
        y = top - (op.y + (r + 1) * row_h)
        start = None
        for c, dark in enumerate((*row, False)):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                path.rect((x0 + op.x + start * op.module) * mm, y * mm,
                          (c - start) * op.module * mm, row_h * mm)
                start = None
    canvas.drawPath(path, stroke=0, fill=1)


def draw_layout(canvas: Canvas, layout: Layout, font: LabelFont,
                origin: tuple[float, float], page_height: float) -> None:
    """Draw `layout` with its top-left corner at `origin` (mm) on a page `page_height` tall."""
    x0, top = origin[0], page_height - origin[1]
    for op in layout.ops:
        if isinstance(op, TextOp):
            canvas.setFont(font.name, op.size)
            baseline = op.y + op.size * PT_MM * ASCENT
            canvas.drawString((x0 + op.x) * mm, (top - baseline) * mm, op.text)
        elif isinstance(op, SymbolOp):
            _draw_symbol(canvas, op, x0, top)
        elif isinstance(op, BoxOp):
            canvas.setLineWidth(op.line * mm)
            canvas.rect((x0 + op.x) * mm, (top - op.y - op.height) * mm, op.width * mm,
                        op.height * mm, stroke=1, fill=0)


def _canvas(buffer: io.BytesIO, page: tuple[float, float], title: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=(page[0] * mm, page[1] * mm), pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("medwms")
    return canvas


def labels_pdf(labels: Sequence[Label], size: LabelSize, *, sheet: bool = False,
               font_path: Path | str | None = None, title: str = "medwms labels") -> bytes:
    """The labels as PDF bytes: one per page of `size`, or gridded on A4 when `sheet`."""
    if not labels:
        raise ValidationError("there are no labels to print", field="labels")
    font = label_font(font_path)
    buffer = io.BytesIO()
    page = A4_MM if sheet else size.mm
    canvas = _canvas(buffer, page, title)
    grid = a4_grid(size) if sheet else None
    for index, label in enumerate(labels):
        if index and (grid is None or index % grid.per_page == 0):
            canvas.showPage()
        origin = grid.origin(index) if grid else (0.0, 0.0)
        draw_layout(canvas, layout_label(label, size), font, origin, page[1])
    canvas.save()
    return buffer.getvalue()
