"""Label content as plain frozen dataclasses (no database), and label stock sizes.

A label is laid out once (`render_layout`) as text, symbol and box operations in
millimetres; the backends draw that layout: `render_pdf.labels_pdf` (reportlab),
`render_png.label_png` / `sheet_png` (PIL) and `zpl.labels_zpl` (ZPL II text).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from medwms.barcode.render_data import (
    SsccData,
    UdiData,
    check_document_no,
    check_key,
    check_location_code,
)
from medwms.core.errors import ValidationError

__all__ = [
    "A4_MM",
    "DeviceLabel",
    "DocumentLabel",
    "HandlingUnitLabel",
    "Label",
    "LabelSize",
    "LocationLabel",
    "QcLabel",
]

A4_MM = (210.0, 297.0)


class LabelSize(enum.StrEnum):
    """Common label stock, width x height in millimetres."""

    L100X50 = "100x50"
    L60X40 = "60x40"

    @property
    def mm(self) -> tuple[float, float]:
        """(width, height) in millimetres."""
        width, height = self.value.split("x")
        return float(width), float(height)


def _require_text(value: str, field: str, max_len: int = 120) -> None:
    if len(value) > max_len:
        raise ValidationError(f"{field} is longer than {max_len} characters", field=field)


@dataclass(frozen=True)
class DeviceLabel:
    """A device/lot label: the UDI DataMatrix, its HRI, names, model/spec and storage."""

    udi: UdiData
    name_zh: str
    name_en: str = ""
    model: str = ""
    storage_text: str = ""

    def __post_init__(self) -> None:
        if not self.name_zh.strip() and not self.name_en.strip():
            raise ValidationError("a device label needs name_zh or name_en", field="name_zh")
        for field in ("name_zh", "name_en", "model", "storage_text"):
            _require_text(getattr(self, field), field)


@dataclass(frozen=True)
class QcLabel:
    """A QC-passed label (合格标签): the device label plus status, inspector and date."""

    device: DeviceLabel
    inspector: str
    inspected_on: date
    status: str = "合格 PASSED"

    def __post_init__(self) -> None:
        if not self.inspector.strip():
            raise ValidationError("a QC label needs the inspector", field="inspector")
        _require_text(self.inspector, "inspector", 40)
        _require_text(self.status, "status", 40)


@dataclass(frozen=True)
class LocationLabel:
    """A location label: `#L:<code>` as Code 128, or (414)GLN(254)code as GS1-128."""

    code: str
    warehouse_gln: str | None = None
    zone: str = ""

    def __post_init__(self) -> None:
        check_location_code(self.code)
        if self.warehouse_gln is not None:
            check_key(self.warehouse_gln, 13, "warehouse_gln")
        _require_text(self.zone, "zone", 40)


@dataclass(frozen=True)
class DocumentLabel:
    """A document label (notice, order, wave, count plan …): `#D:<number>` as Code 128."""

    number: str
    title: str = ""

    def __post_init__(self) -> None:
        check_document_no(self.number)
        _require_text(self.title, "title", 60)


@dataclass(frozen=True)
class HandlingUnitLabel:
    """A handling-unit (pallet, carton) label: its SSCC as GS1-128 and a contents summary."""

    sscc: str
    contents: tuple[str, ...] = ()
    ship_to: str = ""

    def __post_init__(self) -> None:
        SsccData(self.sscc)
        if len(self.contents) > 6:
            raise ValidationError("at most 6 contents lines fit a label", field="contents")
        for line in self.contents:
            _require_text(line, "contents", 80)
        _require_text(self.ship_to, "ship_to")


Label = DeviceLabel | QcLabel | LocationLabel | DocumentLabel | HandlingUnitLabel
