"""QC-passed labels (合格标签) of a released lot: per lot, per handling unit or per serial unit.

Each label carries the GS1 DataMatrix of the UDI (base-unit GTIN, lot, expiry, production
date, and the serial for unit labels), its human-readable text, the item's names and
model/spec, the storage condition, the status, the inspector and the inspection date.
The same labels come as PDF (`medwms.barcode.render_pdf`) or ZPL (`medwms.barcode.zpl`).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.barcode.labels import DeviceLabel, LabelSize, QcLabel
from medwms.barcode.render_data import UdiData
from medwms.barcode.render_pdf import labels_pdf
from medwms.barcode.zpl import labels_zpl
from medwms.core.clock import local_date
from medwms.core.errors import ValidationError
from medwms.ledger.tables import Movement, SerialUnit
from medwms.masterdata.tables import Item, Packaging
from medwms.quality import queries
from medwms.quality.errors import NothingReleased
from medwms.quality.queries import InspectionView

STATUS_TEXT = "合格 PASSED"


class LabelsPer(StrEnum):
    """How many labels a release prints: one per lot, per handling unit or per serial."""

    LOT = "lot"
    HU = "hu"
    UNIT = "unit"


def storage_text(temp_min: Decimal | None, temp_max: Decimal | None) -> str:
    """The storage condition as printed: "2.0–8.0 °C", "≤ 30.0 °C" or ""."""
    if temp_min is not None and temp_max is not None:
        return f"{temp_min}–{temp_max} °C"
    if temp_max is not None:
        return f"≤ {temp_max} °C"
    return f"≥ {temp_min} °C" if temp_min is not None else ""


def qc_labels(session: Session, inspection_no: str,
              per: LabelsPer = LabelsPer.LOT) -> list[QcLabel]:
    """The QC-passed labels of a signed inspection that released units."""
    view = queries.inspection_view(session, inspection_no)
    if not view.accepted_qty or view.signed_at is None:
        raise NothingReleased(inspection_no=inspection_no)
    item = session.scalars(select(Item).where(Item.code == view.item)).one()
    device = _device(session, view, item)
    inspected_on = local_date(view.signed_at, view.timezone)

    def label(udi: UdiData) -> QcLabel:
        return QcLabel(DeviceLabel(udi, device.name_zh, device.name_en, device.model,
                                   device.storage_text),
                       inspector=view.inspector_name or view.inspector or "",
                       inspected_on=inspected_on, status=STATUS_TEXT)

    if per is LabelsPer.LOT:
        return [label(device.udi)]
    released = _released(session, inspection_no)
    if per is LabelsPer.HU:
        by_hu: dict[int | None, int] = defaultdict(int)
        for hu_id, _, quantity in released:
            by_hu[hu_id] += quantity
        return [label(_with(device.udi, quantity=q)) for _, q in sorted(
            by_hu.items(), key=lambda kv: kv[0] or 0)]
    serials = [serial for _, serial, _ in released if serial]
    if not serials:
        raise ValidationError("this lot has no serial numbers: print per lot", field="per")
    return [label(_with(device.udi, serial=serial)) for serial in sorted(serials)]


def _device(session: Session, view: InspectionView, item: Item) -> DeviceLabel:
    gtin = session.scalar(select(Packaging.gtin).where(Packaging.item_id == item.id)
                          .order_by(Packaging.quantity, Packaging.id).limit(1))
    if gtin is None:
        raise ValidationError(f"item {item.code} has no GTIN: add one in master data",
                              field="gtin")
    udi = UdiData(gtin=gtin, lot=view.lot, expiry=view.expiry,
                  production_date=view.production_date)
    return DeviceLabel(udi, item.name_zh, item.name_en, item.model,
                       storage_text(item.temp_min, item.temp_max))


def _with(udi: UdiData, *, serial: str | None = None, quantity: int | None = None) -> UdiData:
    return UdiData(gtin=udi.gtin, lot=udi.lot, serial=serial, expiry=udi.expiry,
                   production_date=udi.production_date, quantity=quantity)


def _released(session: Session, inspection_no: str) -> list[tuple[int | None, str | None, int]]:
    """(handling unit, serial, quantity) of every unit the inspection made AVAILABLE."""
    rows = session.execute(
        select(Movement.to_hu_id, SerialUnit.serial, Movement.quantity)
        .outerjoin(SerialUnit, SerialUnit.id == Movement.serial_id)
        .where(Movement.doc_type == "QC", Movement.doc_no == inspection_no,
               Movement.to_status == "AVAILABLE").order_by(Movement.id))
    return [(r.to_hu_id, r.serial, r.quantity) for r in rows]


def qc_labels_pdf(session: Session, inspection_no: str, *, per: LabelsPer = LabelsPer.LOT,
                  size: LabelSize = LabelSize.L100X50, sheet: bool = False,
                  font_path: Path | str | None = None) -> bytes:
    """The QC-passed labels as PDF: one per page of label stock, or on A4 sheets."""
    labels = qc_labels(session, inspection_no, per)
    return labels_pdf(labels, size, sheet=sheet, font_path=font_path,
                      title=f"合格标签 QC passed {inspection_no}")


def qc_labels_zpl(session: Session, inspection_no: str, *, per: LabelsPer = LabelsPer.LOT,
                  size: LabelSize = LabelSize.L100X50, dpmm: int = 8,
                  cjk_font: str | None = None) -> str:
    """The QC-passed labels as ZPL II, one `^XA … ^XZ` block each."""
    return labels_zpl(qc_labels(session, inspection_no, per), size, dpmm=dpmm,
                      cjk_font=cjk_font)

