"""Labels as ZPL II for Zebra printers, written by hand from the shared layout.

GS1 DataMatrix: `^BXN,<dots>,200,,,,_` and `^FD_1…` with `_1` for every further FNC1;
when a lot or serial holds `_` (legal in GS1 data), the escape is `#` instead, which
GS1 data can never hold (an escaped `_` is read differently by different renderers).
GS1-128: `^BCN,<h>,N,N,N` and `^FD>;>8…` (start subset C, FNC1) with `>8` for every
further FNC1 and explicit subset switches. Text is UTF-8 (`^CI28`) through `^FH` escapes,
so data can never close a field early. Chinese prints only where the printer has a CJK
font: pass its name (e.g. "E:SIMSUN.TTF") as `cjk_font`.
"""

from __future__ import annotations

from collections.abc import Sequence

from medwms.barcode.labels import Label, LabelSize
from medwms.barcode.render_data import GS, Gs1Data
from medwms.barcode.render_layout import PT_MM, BoxOp, Layout, SymbolOp, TextOp, layout_label
from medwms.barcode.symbols import SymbolKind
from medwms.core.errors import ValidationError

__all__ = [
    "code128_gs1_field",
    "datamatrix_escape",
    "datamatrix_gs1_field",
    "label_zpl",
    "labels_zpl",
]

START_C, START_B, CODE_C, CODE_B, FNC1 = ">;", ">:", ">5", ">6", ">8"
_FH_ESCAPES = {"_": "_5F", "^": "_5E", "~": "_7E"}


def datamatrix_escape(data: Gs1Data) -> str:
    """The `^BX` escape character: `_`, or `#` (outside GS1 CSET 82) when the data has `_`."""
    return "#" if "_" in data.element_string() else "_"


def datamatrix_gs1_field(data: Gs1Data) -> str:
    """`^FD` data of a GS1 DataMatrix: escape+1 (FNC1) first and in place of every GS."""
    fnc1 = datamatrix_escape(data) + "1"
    return fnc1 + data.element_string().replace(GS, fnc1)


def _digit_run(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - start


def _code128_tokens(text: str) -> list[str]:
    """Subset C for pairs of digits, B for the rest; GS becomes FNC1 in either subset."""
    out: list[str] = [START_C, FNC1]
    subset, i = "C", 0
    while i < len(text):
        run = _digit_run(text, i)
        if text[i] == GS:
            out.append(FNC1)
            i += 1
        elif subset == "C" and run >= 2:
            out.append(text[i:i + 2])
            i += 2
        elif subset == "B" and run >= 4 and run % 2 == 0:
            out.append(CODE_C)
            subset = "C"
        else:
            if subset == "C":
                out.append(CODE_B)
                subset = "B"
            out.append(text[i])
            i += 1
    return out


def code128_gs1_field(data: Gs1Data) -> str:
    """`^FD` data of a GS1-128 in `^BC` mode N: `>;>8` then data with subset switches."""
    return "".join(_code128_tokens(data.element_string()))


def _code128_plain_field(text: str) -> str:
    if ">" in text or not all(32 <= ord(c) < 127 for c in text):
        raise ValidationError(f"Code 128 text {text!r} can't be written to ZPL", field="data")
    return START_B + text


def _fh(text: str) -> str:
    return "".join(_FH_ESCAPES.get(c, c) for c in text)


class _Writer:
    """Turns layout operations (mm) into ZPL commands (dots)."""

    def __init__(self, dpmm: int, cjk_font: str | None) -> None:
        self.dpmm = dpmm
        self.cjk_font = cjk_font

    def dots(self, mm: float) -> int:
        """Millimetres to printer dots."""
        return round(mm * self.dpmm)

    def origin(self, x: float, y: float) -> str:
        """The `^FO` field origin."""
        return f"^FO{self.dots(x)},{self.dots(y)}"

    def text(self, op: TextOp) -> str:
        """A line of text in the scalable font (or the printer's CJK font)."""
        height = max(10, self.dots(op.size * PT_MM))
        font = f"^A@N,{height},{height},{self.cjk_font}" if self.cjk_font \
            else f"^A0N,{height},{height}"
        return f"{self.origin(op.x, op.y)}{font}^FH^FD{_fh(op.text)}^FS"

    def symbol(self, op: SymbolOp) -> str:
        """A DataMatrix or Code 128 field."""
        module = max(1, self.dots(op.module))
        start = self.origin(op.x, op.y)
        if op.kind is SymbolKind.GS1_DATAMATRIX and isinstance(op.data, Gs1Data):
            escape = datamatrix_escape(op.data)
            return (f"{start}^BXN,{module},200,,,,{escape}"
                    f"^FD{datamatrix_gs1_field(op.data)}^FS")
        height = self.dots(op.height)
        if op.kind is SymbolKind.GS1_128 and isinstance(op.data, Gs1Data):
            field = code128_gs1_field(op.data)
        elif op.kind is SymbolKind.CODE128 and isinstance(op.data, str):
            field = _code128_plain_field(op.data)
        else:
            raise ValidationError(f"{op.kind} labels are not written as ZPL", field="kind")
        return f"{start}^BY{module}^BCN,{height},N,N,N^FD{field}^FS"

    def box(self, op: BoxOp) -> str:
        """A graphic box."""
        return (f"{self.origin(op.x, op.y)}^GB{self.dots(op.width)},{self.dots(op.height)},"
                f"{max(1, self.dots(op.line))}^FS")

    def label(self, layout: Layout) -> str:
        """One `^XA … ^XZ` label."""
        lines = ["^XA", "^CI28", f"^PW{self.dots(layout.width)}",
                 f"^LL{self.dots(layout.height)}", "^LH0,0"]
        for op in layout.ops:
            if isinstance(op, TextOp):
                lines.append(self.text(op))
            elif isinstance(op, SymbolOp):
                lines.append(self.symbol(op))
            else:
                lines.append(self.box(op))
        lines.append("^XZ")
        return "\n".join(lines) + "\n"


def label_zpl(label: Label, size: LabelSize, *, dpmm: int = 8,
              cjk_font: str | None = None) -> str:
    """One label as ZPL for a printer with `dpmm` dots per mm (8 = 203 dpi, 12 = 300 dpi)."""
    if dpmm not in (6, 8, 12, 24):
        raise ValidationError(f"dpmm must be 6, 8, 12 or 24, got {dpmm}", field="dpmm")
    return _Writer(dpmm, cjk_font).label(layout_label(label, size, quantum=1 / dpmm))


def labels_zpl(labels: Sequence[Label], size: LabelSize, *, dpmm: int = 8,
               cjk_font: str | None = None) -> str:
    """Several labels, one `^XA … ^XZ` block each."""
    return "".join(label_zpl(label, size, dpmm=dpmm, cjk_font=cjk_font) for label in labels)
