"""Location labels for the shelves: the locations of a warehouse, a zone or a code prefix, each
a `#L:<code>` Code 128 (what a location's barcode is unless set otherwise) with its code in big
type and its zone below, as a PDF of label stock or A4 sheets (`medwms.barcode.render_pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from medwms.barcode.labels import LabelSize, LocationLabel
from medwms.barcode.render_pdf import labels_pdf
from medwms.core.errors import Problem, ValidationError
from medwms.masterdata.fields import bilingual
from medwms.masterdata.tables import Location, Warehouse, Zone

MAX_LABELS = 2000
ZONE_TEXT = 40  # what fits under the code on the label


@dataclass(frozen=True)
class Selection:
    """Which locations: of one warehouse, one zone (by code) and codes starting with `prefix`;
    an empty part selects every one."""

    warehouse: str = ""
    zone: str = ""
    prefix: str = ""


@dataclass(frozen=True)
class Selected:
    """One selected location: its code, where it is, and its label."""

    code: str
    warehouse: str
    zone: str
    zone_name: str
    label: LocationLabel


def _query(selection: Selection) -> Select[str, str, str, str]:
    query = (select(Location.code, Warehouse.code, Zone.code, Zone.name)
             .join(Zone, Zone.id == Location.zone_id)
             .join(Warehouse, Warehouse.id == Location.warehouse_id))
    if selection.warehouse:
        query = query.where(Warehouse.code == selection.warehouse.upper())
    if selection.zone:
        query = query.where(Zone.code == selection.zone.upper())
    if selection.prefix:
        query = query.where(Location.code.startswith(selection.prefix.upper(),
                                                     autoescape=True))
    return query.order_by(Warehouse.code, Zone.code, Location.pick_seq, Location.code)


def selected_locations(session: Session, selection: Selection) -> list[Selected]:
    """The selected locations in walking order (warehouse, zone, pick sequence, code), at most
    MAX_LABELS of them (ValidationError beyond: narrow the selection)."""
    rows = session.execute(_query(selection).limit(MAX_LABELS + 1)).all()
    if len(rows) > MAX_LABELS:
        _refuse(f"more than {MAX_LABELS} locations selected: choose a warehouse, a zone "
                "or a longer code prefix",
                f"选中的库位超过 {MAX_LABELS} 个：请选择仓库、库区或输入更长的编码前缀")
    return [Selected(code, warehouse, zone, name or "",
                     LocationLabel(code, zone=_zone_text(warehouse, zone, name)))
            for code, warehouse, zone, name in rows]


def _refuse(en: str, zh: str) -> NoReturn:
    raise ValidationError([Problem(bilingual(en, zh), column="prefix")])


def _zone_text(warehouse: str, zone: str, name: str | None) -> str:
    return f"{warehouse}/{zone} {name or ''}".strip()[:ZONE_TEXT]


def location_labels_pdf(session: Session, selection: Selection, *,
                        size: LabelSize = LabelSize.L100X50, sheet: bool = False,
                        font_path: Path | str | None = None) -> bytes:
    """The selected locations' labels as PDF: one per page of label stock, or on A4 sheets;
    ValidationError when nothing is selected."""
    found = selected_locations(session, selection)
    if not found:
        _refuse("no location matches the selection: check the warehouse, zone and prefix",
                "没有符合条件的库位：请检查仓库、库区和编码前缀")
    return labels_pdf([s.label for s in found], size, sheet=sheet, font_path=font_path,
                      title="库位标签 Location labels")
