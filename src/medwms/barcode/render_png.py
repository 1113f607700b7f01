"""Labels as PNG with PIL: the same layout as the PDF, drawn at a chosen resolution.

Text is drawn with a TrueType CJK font (the given path, else one found on this machine);
without one, Pillow's built-in font draws Latin text only.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from medwms.barcode.fonts import find_cjk_font
from medwms.barcode.labels import A4_MM, Label, LabelSize
from medwms.barcode.render_layout import PT_MM, BoxOp, Layout, SymbolOp, TextOp, layout_label
from medwms.barcode.render_pdf import a4_grid
from medwms.barcode.symbols import symbol_matrix

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


class _Pen:
    """Draws layout operations on an image; millimetres map to pixels by rounding edges."""

    def __init__(self, image: Image.Image, dpi: int, font_path: Path | None,
                 origin: tuple[float, float] = (0.0, 0.0)) -> None:
        self.draw = ImageDraw.Draw(image)
        self.px_per_mm = dpi / 25.4
        self.font_path = font_path
        self.origin = origin

    def px(self, x_mm: float, y_mm: float) -> tuple[int, int]:
        """Pixel position of a point given in label millimetres."""
        return (round((self.origin[0] + x_mm) * self.px_per_mm),
                round((self.origin[1] + y_mm) * self.px_per_mm))

    def font(self, size_pt: float) -> Font:
        """The label font at `size_pt` points."""
        size_px = max(6, round(size_pt * PT_MM * self.px_per_mm))
        if self.font_path is not None:
            return ImageFont.truetype(str(self.font_path), size_px, index=0)
        return ImageFont.load_default(size=size_px)

    def text(self, op: TextOp) -> None:
        """One line of text."""
        self.draw.text(self.px(op.x, op.y), op.text, fill=0, font=self.font(op.size))

    def symbol(self, op: SymbolOp) -> None:
        """A symbol, module by module, every edge rounded to the pixel grid."""
        matrix = symbol_matrix(op.kind, op.data)
        row_h = op.height / matrix.height
        for r, row in enumerate(matrix.rows):
            for c, dark in enumerate(row):
                if dark:
                    left, top = self.px(op.x + c * op.module, op.y + r * row_h)
                    right, bottom = self.px(op.x + (c + 1) * op.module, op.y + (r + 1) * row_h)
                    self.draw.rectangle((left, top, right - 1, bottom - 1), fill=0)

    def box(self, op: BoxOp) -> None:
        """A rectangle outline."""
        width = max(1, round(op.line * self.px_per_mm))
        self.draw.rectangle((*self.px(op.x, op.y), *self.px(op.x + op.width, op.y + op.height)),
                            outline=0, width=width)

    def layout(self, layout: Layout) -> None:
        """Every operation of `layout`."""
        for op in layout.ops:
            if isinstance(op, TextOp):
                self.text(op)
            elif isinstance(op, SymbolOp):
                self.symbol(op)
            else:
                self.box(op)


def _font_path(font_path: Path | str | None) -> Path | None:
    return Path(font_path) if font_path is not None else find_cjk_font()


def _blank(size_mm: tuple[float, float], dpi: int) -> Image.Image:
    return Image.new("L", (round(size_mm[0] * dpi / 25.4), round(size_mm[1] * dpi / 25.4)), 255)


def label_png(label: Label, size: LabelSize, *, dpi: int = 300,
              font_path: Path | str | None = None) -> Image.Image:
    """One label as a greyscale image of `size` stock at `dpi`."""
    image = _blank(size.mm, dpi)
    _Pen(image, dpi, _font_path(font_path)).layout(layout_label(label, size))
    return image


def sheet_png(labels: Sequence[Label], size: LabelSize, *, dpi: int = 200,
              font_path: Path | str | None = None) -> Image.Image:
    """The first A4 sheet of `labels` gridded as in the PDF (extra labels are left off)."""
    image = _blank(A4_MM, dpi)
    grid = a4_grid(size)
    path = _font_path(font_path)
    for index, label in enumerate(labels[:grid.per_page]):
        _Pen(image, dpi, path, grid.origin(index)).layout(layout_label(label, size))
    return image


def png_bytes(image: Image.Image, dpi: int) -> bytes:
    """`image` as PNG bytes carrying its resolution."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()
