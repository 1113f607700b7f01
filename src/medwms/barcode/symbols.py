"""Barcode symbols with zxing-cpp: GS1 DataMatrix, GS1-128, GS1 QR, Code 128 and QR.

GS1 kinds take a validated `Gs1Data` (`UdiData`, `SsccData`, `GlnLocationData`); the plain
kinds take text. DataMatrix is always square (`forceSquare`): many scanners can't read the
rectangular DMRE sizes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import zxingcpp
from PIL import Image

from medwms.barcode.render_data import (
    GlnLocationData,
    Gs1Data,
    SsccData,
    UdiData,
    bracketed,
    internal_location_text,
)
from medwms.core.errors import ValidationError

__all__ = [
    "GlnLocationData",
    "Gs1Data",
    "SsccData",
    "SymbolKind",
    "SymbolMatrix",
    "UdiData",
    "internal_location_text",
    "render_svg",
    "render_symbol",
    "symbol_matrix",
]

SymbolData = Gs1Data | str


class SymbolKind(enum.StrEnum):
    """The symbols medwms prints."""

    GS1_DATAMATRIX = "gs1-datamatrix"
    GS1_128 = "gs1-128"
    GS1_QR = "gs1-qr"
    CODE128 = "code128"
    QR = "qr"

    @property
    def is_gs1(self) -> bool:
        """True for the kinds that carry a GS1 element string."""
        return self in (SymbolKind.GS1_DATAMATRIX, SymbolKind.GS1_128, SymbolKind.GS1_QR)

    @property
    def is_linear(self) -> bool:
        """True for the one-dimensional kinds (bars, no rows)."""
        return self in (SymbolKind.GS1_128, SymbolKind.CODE128)


_FORMATS = {
    SymbolKind.GS1_DATAMATRIX: zxingcpp.BarcodeFormat.DataMatrix,
    SymbolKind.GS1_128: zxingcpp.BarcodeFormat.Code128,
    SymbolKind.GS1_QR: zxingcpp.BarcodeFormat.QRCode,
    SymbolKind.CODE128: zxingcpp.BarcodeFormat.Code128,
    SymbolKind.QR: zxingcpp.BarcodeFormat.QRCode,
}


@dataclass(frozen=True)
class SymbolMatrix:
    """The modules of a symbol without quiet zone: rows of booleans, True is dark.

    A linear symbol has a single row (its bars); `quiet` is its quiet zone in modules.
    """

    rows: tuple[tuple[bool, ...], ...]
    quiet: int

    @property
    def width(self) -> int:
        """Width in modules."""
        return len(self.rows[0])

    @property
    def height(self) -> int:
        """Height in modules (1 for a linear symbol)."""
        return len(self.rows)


def _content(kind: SymbolKind, data: SymbolData) -> str:
    if kind.is_gs1:
        if not isinstance(data, Gs1Data):
            raise ValidationError(f"{kind} needs GS1 data, not text", field="data")
        return bracketed(data.elements())
    if not isinstance(data, str) or not data:
        raise ValidationError(f"{kind} needs non-empty text", field="data")
    if kind is SymbolKind.CODE128 and not all(32 <= ord(c) < 127 for c in data):
        raise ValidationError(f"Code 128 text {data!r} must be printable ASCII", field="data")
    return data


def _barcode(kind: SymbolKind, data: SymbolData) -> Any:
    options: dict[str, Any] = {"gs1": kind.is_gs1}
    if kind is SymbolKind.GS1_DATAMATRIX:
        options["forceSquare"] = True
    try:
        return zxingcpp.create_barcode(_content(kind, data), _FORMATS[kind], **options)
    except ValueError as exc:  # zint refuses what we could not foresee
        raise ValidationError(f"{kind} could not encode the data: {exc}", field="data") from exc


def _to_pil(zx_image: Any) -> Image.Image:
    view = memoryview(zx_image)
    height, width = view.shape or (0, 0)
    return Image.frombytes("L", (width, height), view.tobytes())


def render_symbol(kind: SymbolKind, data: SymbolData, scale: int = 4) -> Image.Image:
    """The symbol as a greyscale PIL image, `scale` pixels per module, with quiet zones."""
    return _to_pil(_barcode(kind, data).to_image(scale=scale))


def render_svg(kind: SymbolKind, data: SymbolData, scale: int = 4) -> str:
    """The symbol as SVG text, with quiet zones."""
    svg: str = _barcode(kind, data).to_svg(scale=scale)
    return svg


def symbol_matrix(kind: SymbolKind, data: SymbolData) -> SymbolMatrix:
    """The symbol's modules, for drawing as vectors (PDF) or at any pixel size (PNG)."""
    image = _to_pil(_barcode(kind, data).to_image(scale=1, add_quiet_zones=False))
    pixels = image.tobytes()
    width = image.width
    rows = [tuple(b < 128 for b in pixels[y * width:(y + 1) * width])
            for y in range(image.height)]
    if kind.is_linear:
        return SymbolMatrix(rows=(rows[0],), quiet=10)
    return SymbolMatrix(rows=tuple(rows), quiet=1 if kind is SymbolKind.GS1_DATAMATRIX else 4)
