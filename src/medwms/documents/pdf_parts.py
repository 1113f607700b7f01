"""Shared pieces of printed documents: the CJK-capable styles, a Code 128 flowable, a text
paragraph and the two-column label/value grid of the records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from medwms.barcode.fonts import label_font
from medwms.barcode.symbols import SymbolKind, symbol_matrix
from medwms.core import clock

LANGUAGES = ("zh-CN", "en")


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of one document, all in the CJK-capable font."""

    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    font: str


def styles(font_path: Path | str | None = None) -> Styles:
    """Styles in STSong-Light, or in the TrueType CJK font at `font_path` (embedded)."""
    font = label_font(font_path).name

    def style(name: str, size: float, leading: float) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading,
                              wordWrap="CJK")

    return Styles(style("title", 16, 22), style("heading", 11, 15), style("body", 9, 12),
                  style("small", 7.5, 10), font)


def language_of(language: str) -> str:
    """zh-CN or en (anything starting with "en" is English; the default is Chinese)."""
    return "en" if language.lower().startswith("en") else "zh-CN"


def local_text(moment: datetime | None, timezone: str, *, seconds: bool = True) -> str:
    """A timestamp in the warehouse's time zone with its offset (core.clock's one form)."""
    return clock.local_text(moment, timezone, seconds=seconds, empty="—")


def date_text(value: date | None) -> str:
    """ISO date or a dash."""
    return value.isoformat() if value else "—"


class Code128Flowable(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A Code 128 symbol drawn as vector bars, with its text underneath."""

    def __init__(self, text: str, *, module: float = 0.33, height: float = 12.0,
                 font: str = "Helvetica") -> None:
        super().__init__()
        self.text = text
        self.matrix = symbol_matrix(SymbolKind.CODE128, text)
        self.module, self.bar_height, self.font = module * mm, height * mm, font
        self.width = (self.matrix.width + 2 * self.matrix.quiet) * self.module
        self.height = self.bar_height + 4 * mm

    def draw(self) -> None:
        """Bars from the quiet zone on, then the human-readable text."""
        canvas = self.canv
        path = canvas.beginPath()
        x0 = self.matrix.quiet * self.module
        start = None
        for column, dark in enumerate((*self.matrix.rows[0], False)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                path.rect(x0 + start * self.module, 4 * mm, (column - start) * self.module,
                          self.bar_height)
                start = None
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.setFont(self.font, 8)
        canvas.drawString(x0, 1 * mm, self.text)


def paragraph(text: object, style: object) -> Paragraph:
    """`text` as a paragraph, escaped; an empty value prints as a dash."""
    return Paragraph(escape(str(text)) or "—", style)


def label_grid(rows: list[tuple[str, object]], st: Styles,
               widths: tuple[float, float]) -> Table:
    """A record's grid: a shaded label column (already in the document's language) and the
    values, `widths` in millimetres."""
    table = Table([[paragraph(label, st.small), paragraph(value, st.body)]
                   for label, value in rows], colWidths=[widths[0] * mm, widths[1] * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table
