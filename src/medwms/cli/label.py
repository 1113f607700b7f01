"""`medwms label`: print a device, QC, location or handling-unit label as PDF, ZPL or PNG."""

from __future__ import annotations

import enum
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from medwms.barcode.fonts import find_cjk_font
from medwms.barcode.labels import (
    DeviceLabel,
    HandlingUnitLabel,
    Label,
    LabelSize,
    LocationLabel,
    QcLabel,
)
from medwms.barcode.render_data import UdiData
from medwms.barcode.render_pdf import a4_grid, labels_pdf
from medwms.barcode.render_png import label_png, png_bytes, sheet_png
from medwms.barcode.zpl import labels_zpl
from medwms.core.errors import DomainError, ValidationError

PNG_DPI = 300


class Kind(enum.StrEnum):
    """Which label."""

    DEVICE = "device"
    QC = "qc"
    LOCATION = "location"
    HU = "hu"


class Format(enum.StrEnum):
    """Which output."""

    PDF = "pdf"
    ZPL = "zpl"
    PNG = "png"


class Size(enum.StrEnum):
    """Label stock, or an A4 sheet of labels."""

    L100X50 = "100x50"
    L60X40 = "60x40"
    A4 = "a4"


def _date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{field} must be a date YYYY-MM-DD, got {value!r}",
                              field=field) from None


def _require(value: str | None, field: str, kind: Kind) -> str:
    if not value:
        raise ValidationError(f"a {kind} label needs --{field.replace('_', '-')}", field=field)
    return value


def _device(opts: dict[str, str | None]) -> DeviceLabel:
    udi = UdiData(_require(opts["gtin"], "gtin", Kind.DEVICE), lot=opts["lot"],
                  serial=opts["serial"], expiry=_date(opts["expiry"], "expiry"),
                  production_date=_date(opts["production_date"], "production_date"))
    return DeviceLabel(udi, opts["name_zh"] or "", opts["name_en"] or "",
                       opts["model"] or "", opts["storage"] or "")


def build_label(kind: Kind, opts: dict[str, str | None], contents: list[str]) -> Label:
    """The label dataclass for `kind` from the command-line options (ValidationError if bad)."""
    if kind is Kind.LOCATION:
        return LocationLabel(_require(opts["code"], "code", kind), opts["gln"], opts["zone"] or "")
    if kind is Kind.HU:
        return HandlingUnitLabel(_require(opts["sscc"], "sscc", kind), tuple(contents),
                                 opts["ship_to"] or "")
    device = _device(opts)
    if kind is Kind.DEVICE:
        return device
    inspected = _date(opts["inspected_on"], "inspected_on") or date.today()
    return QcLabel(device, _require(opts["inspector"], "inspector", kind), inspected,
                   opts["status"] or "合格 PASSED")


def render(labels: list[Label], fmt: Format, size: Size, cell: LabelSize,
           font: Path | None) -> bytes:
    """The output file's bytes."""
    stock = cell if size is Size.A4 else LabelSize(size.value)
    if fmt is Format.PDF:
        return labels_pdf(labels, stock, sheet=size is Size.A4, font_path=font)
    if fmt is Format.ZPL:
        if size is Size.A4:
            raise ValidationError("ZPL is for label printers: use --size 100x50 or 60x40",
                                  field="size")
        return labels_zpl(labels, stock).encode()
    if size is Size.A4:
        return png_bytes(sheet_png(labels, stock, dpi=PNG_DPI, font_path=font), PNG_DPI)
    return png_bytes(label_png(labels[0], stock, dpi=PNG_DPI, font_path=font), PNG_DPI)


def _write(data: bytes, fmt: Format, output: Path | None) -> None:
    if output is None and fmt is not Format.ZPL:
        raise ValidationError(f"{fmt} output needs -o FILE", field="output")
    if output is None:
        typer.echo(data.decode(), nl=False)
    else:
        output.write_bytes(data)
        typer.echo(f"wrote {output}", err=True)


Opt = typer.Option


def label(
    *,
    kind: Annotated[Kind, Opt(help="device | qc | location | hu")] = Kind.DEVICE,
    gtin: Annotated[str | None, Opt(help="GTIN-8/12/13/14 with check digit")] = None,
    lot: Annotated[str | None, Opt(help="lot (batch) number, AI 10")] = None,
    serial: Annotated[str | None, Opt(help="serial number, AI 21")] = None,
    expiry: Annotated[str | None, Opt(help="expiry date YYYY-MM-DD, AI 17")] = None,
    production_date: Annotated[str | None, Opt(help="production date YYYY-MM-DD")] = None,
    name_zh: Annotated[str | None, Opt(help="device name in Chinese")] = None,
    name_en: Annotated[str | None, Opt(help="device name in English")] = None,
    model: Annotated[str | None, Opt(help="model / specification")] = None,
    storage: Annotated[str | None, Opt(help="storage condition text")] = None,
    inspector: Annotated[str | None, Opt(help="QC label: inspector")] = None,
    inspected_on: Annotated[str | None, Opt(help="QC label: date YYYY-MM-DD")] = None,
    status: Annotated[str | None, Opt(help="QC label: status text")] = None,
    code: Annotated[str | None, Opt(help="location label: location code")] = None,
    gln: Annotated[str | None, Opt(help="location label: warehouse GLN")] = None,
    zone: Annotated[str | None, Opt(help="location label: zone text")] = None,
    sscc: Annotated[str | None, Opt(help="handling-unit label: SSCC (18 digits)")] = None,
    contents: Annotated[list[str] | None, Opt(help="handling-unit contents line")] = None,
    ship_to: Annotated[str | None, Opt(help="handling-unit label: ship-to")] = None,
    format: Annotated[Format, Opt("--format", "-f", help="pdf | zpl | png")] = Format.PDF,
    output: Annotated[Path | None, Opt("--output", "-o", help="output file")] = None,
    size: Annotated[Size, Opt(help="100x50 | 60x40 | a4 (a sheet of --cell labels)")]
    = Size.L100X50,
    cell: Annotated[LabelSize, Opt(help="label size on an a4 sheet")] = LabelSize.L100X50,
    copies: Annotated[int | None, Opt(help="copies (a4: default one full sheet)")] = None,
    font: Annotated[Path | None, Opt(help="TrueType CJK font to embed")] = None,
) -> None:
    """Print one label (several copies) as PDF, ZPL or PNG; bad data exits with code 2."""
    opts = {k: v for k, v in locals().items() if isinstance(v, str) or v is None}
    try:
        one = build_label(kind, opts, contents or [])
        count = copies or (a4_grid(cell).per_page if size is Size.A4 else 1)
        if not 1 <= count <= 1000:
            raise ValidationError("copies must be 1 to 1000", field="copies")
        _write(render([one] * count, format, size, cell, font or find_cjk_font()), format, output)
    except DomainError as exc:
        typer.echo(f"error: {exc.message('en')}\n错误：{exc.message('zh-CN')}", err=True)
        raise typer.Exit(2) from None
