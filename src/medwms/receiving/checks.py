"""The checks of one received scan, in the order a receiver meets them.

The unit, its known lot and serial and the receipt's running totals are read in one
statement (`read_unit`); the checks then ask the pure rules and raise a receiving error to
refuse. Only a serial seen before costs more look-ups (indexed, never a scan of lots, stock
or the receipt's lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.barcode import Scan, ScanWarning, parse_scan, whole_item
from medwms.core.clock import days_remaining, is_expired, local_date
from medwms.core.db import insert_row
from medwms.core.errors import Problem, ScanRefused, ValidationError
from medwms.ledger.tables import Lot, SerialUnit, Stock
from medwms.masterdata import fields
from medwms.masterdata.rules import credential_problem
from medwms.masterdata.storage import is_cold_chain
from medwms.masterdata.tables import Item, Location, Packaging
from medwms.qualification import gates
from medwms.receiving import queries, rules
from medwms.receiving.errors import (
    REQUIRED,
    ArrivalRequired,
    ItemNotRegistered,
    LotConflict,
    NotAUnit,
    OverNotice,
    PackagingOutOfUse,
    ScannedValueMismatch,
    SerialInStock,
    SerialNeedsOneUnit,
    SerialScannedTwice,
    ShelfLifeTooShort,
    SupplierNotQualified,
    UnitExpired,
    UnknownGtin,
)
from medwms.receiving.tables import Receipt, ReceiptLine

T = TypeVar("T", str, date)
MAX_TEXT = 20  # GS1 AI 10 and 21 hold at most 20 characters


@dataclass(frozen=True)
class Typed:
    """What the receiver keyed in besides the scan (asked for by LOT_REQUIRED …)."""

    lot: str | None = None
    serial: str | None = None
    expiry: date | None = None
    packs: int = 1


@dataclass(frozen=True)
class Counted:
    """What the notice expects of the scanned item and what the receipt holds before the scan.

    `named` / `any_lot`: the notice's base units of this item and lot / of this item without
    a lot (None when it has no such line); `of_lot` / `of_any_lot`: the receipt's running
    tallies of this lot and of the item's any-lot bucket.
    """

    on_notice: bool = False
    named: int | None = None
    any_lot: int | None = None
    of_lot: int = 0
    of_any_lot: int = 0

    def tally(self, lot_no: str | None) -> rules.Tally:
        return rules.tally_of(lot_no, on_notice=self.on_notice, named=self.named,
                              any_lot=self.any_lot)

    def before(self, tally: rules.Tally) -> int:
        """Base units already counted in `tally` on this receipt."""
        return self.of_any_lot if tally.key == rules.ANY_LOT else self.of_lot


@dataclass(frozen=True)
class Unit:
    """A scan resolved: the item, its packaging level, the production identifiers.

    `known_lot` / `known_serial` are the rows the item's lot and serial already have (read
    with the item, in the same statement), `counted` the running totals the scan adds to.
    """

    item: Item
    packaging: Packaging
    gtin: str
    lot: str | None
    serial: str | None
    expiry: date | None
    production_date: date | None
    packs: int
    quantity: int
    warnings: tuple[ScanWarning, ...] = ()
    known_lot: Lot | None = None
    known_serial: SerialUnit | None = None
    counted: Counted = Counted()


def read_unit(s: Session, raw: str, typed: Typed, today: date, receipt: Receipt) -> Unit:
    """Parse the scan, resolve its GTIN and merge the keyed values (barcode wins, must agree).

    One statement reads the item, packaging, known lot and serial and the running totals.
    """
    scan = whole_item(parse_scan(raw, today=today))
    gtin = _unit_gtin(scan)
    found = _resolve(s, gtin, _candidate(scan.lot, typed.lot), _candidate(scan.serial,
                                                                          typed.serial), receipt)
    item, packaging = found.item, found.packaging
    packs = scan.quantity or typed.packs
    if packs < 1:
        raise ValidationError([Problem("quantity_packs must be 1 or more",
                                       column="quantity_packs", value=str(packs))])
    serial = _merge("serial", scan.serial, _text(typed.serial, "serial"))
    unit = Unit(item=item, packaging=packaging, gtin=packaging.gtin,
                lot=_merge("lot", scan.lot, _text(typed.lot, "lot")),
                serial=serial if "SERIAL" in item.tracking else None,
                expiry=_merge("expiry", scan.expiry, typed.expiry),
                production_date=scan.production_date, packs=packs,
                quantity=packaging.quantity * packs, warnings=scan.warnings,
                known_lot=found.lot, known_serial=found.serial, counted=found.counted)
    if unit.serial and unit.quantity != 1:
        raise SerialNeedsOneUnit(item=item.code, quantity=unit.quantity)
    return unit


def _candidate(scanned: str | None, typed: str | None) -> str | None:
    """The value `_merge` will settle on when the two agree (what to look up)."""
    return scanned if scanned is not None else ((typed or "").strip() or None)


@dataclass(frozen=True)
class _Found:
    item: Item
    packaging: Packaging
    lot: Lot | None
    serial: SerialUnit | None
    counted: Counted


def _resolve(s: Session, gtin: str, lot_no: str | None, serial: str | None,
             receipt: Receipt) -> _Found:
    try:
        normalised = fields.gtin(gtin)
    except fields.FieldError as error:
        raise ScanRefused(reason=str(error)) from None
    row = s.execute(*queries.unit_query(normalised, lot_no, serial, receipt)).one_or_none()
    if row is None:
        raise UnknownGtin(gtin=normalised)
    item, packaging, lot, unit = row[:4]
    if not packaging.active:  # stock of it already here stays readable; none is added
        raise PackagingOutOfUse(gtin=normalised, item=item.code, level=packaging.level)
    named, any_lot, of_lot, of_any_lot = row[4:]
    counted = Counted(on_notice=receipt.notice_id is not None, named=named, any_lot=any_lot,
                      of_lot=of_lot or 0, of_any_lot=of_any_lot or 0)
    return _Found(item, packaging, lot if lot_no else None, unit if serial else None, counted)


def _unit_gtin(scan: Scan) -> str:
    if scan.location:
        raise NotAUnit(kind_en="location", kind_zh="库位", value=scan.location)
    if scan.document:
        raise NotAUnit(kind_en="document", kind_zh="单据", value=scan.document)
    gtin = scan.gtin or scan.content_gtin
    if gtin:
        return gtin
    if scan.di:
        raise UnknownGtin(gtin=scan.di)
    raise NotAUnit(kind_en="handling unit (SSCC)", kind_zh="物流单元(SSCC)",
                   value=scan.sscc or scan.raw[:40])


def _text(value: str | None, column: str) -> str | None:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError([Problem(f"at most {MAX_TEXT} characters", column=column,
                                       value=text)])
    return text or None


def _merge(what: str, scanned: T | None, typed: T | None) -> T | None:
    if scanned is not None and typed is not None and scanned != typed:
        raise ScannedValueMismatch(what=what, scanned=scanned, typed=typed)
    return scanned if scanned is not None else typed


@dataclass(frozen=True)
class Supplier:
    """The receipt's supplier as the qualification check needs it."""

    code: str
    licence_no: str
    licence_expiry: date | None
    id: int = 0


def check_qualified(s: Session, supplier: Supplier, unit: Unit, today: date) -> None:
    """首营: the supplier's licence and the item's registration are valid today, and both
    have an approved qualification file with nothing lapsed, the item in the supplier's
    scope."""
    why = credential_problem(supplier.licence_no, supplier.licence_expiry, today)
    if why:
        en, zh = _why(why, supplier.licence_expiry)
        raise SupplierNotQualified(supplier=supplier.code, licence=supplier.licence_no or "—",
                                   why_en=en, why_zh=zh, day=today)
    item = unit.item
    why = credential_problem(item.registration_no, item.registration_expiry, today)
    if why:
        en, zh = _why(why, item.registration_expiry)
        raise ItemNotRegistered(item=item.code, registration=item.registration_no or "—",
                                why_en=en, why_zh=zh, day=today)
    gates.check_receiving(s, supplier_id=supplier.id, supplier_code=supplier.code, item=item,
                          today=today)


def _why(why: str, expiry: date | None) -> tuple[str, str]:
    if why == "missing":
        return "is not on file", "未登记"
    return f"expired on {expiry}", f"已于 {expiry} 过期"


def require_tracking(unit: Unit) -> None:
    """Ask for the lot or serial the item's tracking needs when the barcode lacks it."""
    missing = rules.missing_value(unit.item.tracking, lot=unit.lot, serial=unit.serial,
                                  expiry=None, needs_expiry=False)
    if missing:
        raise REQUIRED[missing](item=unit.item.code, gtin=unit.gtin)


def known_lot(unit: Unit) -> Lot | None:
    """The existing Lot row of item+lot; refused when the barcode contradicts it."""
    lot = unit.known_lot
    if not unit.lot or lot is None or lot.lot_no != unit.lot:
        return None
    for en, zh, known, scanned in (("expiry", "失效日期", lot.expiry, unit.expiry),
                                   ("production date", "生产日期", lot.production_date,
                                    unit.production_date)):
        if known is not None and scanned is not None and known != scanned:
            raise LotConflict(item=unit.item.code, lot=unit.lot, what_en=en, what_zh=zh,
                              known=known, scanned=scanned)
    return lot


def expiry_of(unit: Unit, known: Lot | None) -> date | None:
    """The unit's expiry: from the barcode or keyed, else what is known of its lot."""
    return unit.expiry or (known.expiry if known else None)


def require_expiry(unit: Unit, known: Lot | None) -> None:
    """An item with a shelf life needs an expiry date on receipt."""
    needs = unit.item.shelf_life_days is not None or unit.item.min_remaining_days > 0
    if needs and expiry_of(unit, known) is None:
        raise REQUIRED["EXPIRY"](item=unit.item.code, gtin=unit.gtin)


def check_shelf_life(unit: Unit, known: Lot | None, now: datetime, timezone: str) -> None:
    """Refuse an expired unit, or one with less shelf life left than the item needs."""
    expiry = expiry_of(unit, known)
    if expiry is None:
        return
    lot = unit.lot or unit.serial or "—"
    if is_expired(expiry, now, timezone):
        raise UnitExpired(item=unit.item.code, lot=lot, expiry=expiry)
    today = local_date(now, timezone)
    required = unit.item.min_remaining_days
    if rules.shelf_life_short(expiry, today, required):
        raise ShelfLifeTooShort(item=unit.item.code, lot=lot, expiry=expiry,
                                days_left=days_remaining(expiry, today),
                                required_days=required)


def check_serial(s: Session, receipt: Receipt, unit: Unit, known: Lot | None) -> SerialUnit | None:
    """The known serial row; refused when the serial is in stock or already on this receipt."""
    row = unit.known_serial
    if not unit.serial or row is None or row.serial != unit.serial:
        return None
    words = {"item": unit.item.code, "serial": unit.serial}
    if s.scalars(select(ReceiptLine.id).where(ReceiptLine.receipt_id == receipt.id,
                                              ReceiptLine.serial_id == row.id)).first():
        raise SerialScannedTwice(**words)
    where = s.scalars(select(Location.code).join(Stock, Stock.location_id == Location.id)
                      .where(Stock.serial_id == row.id, Stock.quantity > 0)).first()
    if where is not None:
        raise SerialInStock(location=where, **words)
    if known is not None and row.lot_id not in (None, known.id):
        other = s.get_one(Lot, row.lot_id)
        raise LotConflict(item=unit.item.code, lot=unit.lot, what_en="lot of this serial",
                          what_zh="该序列号的批号", known=other.lot_no, scanned=unit.lot)
    return row


def cold_chain_hold(receipt: Receipt, unit: Unit) -> str:
    """Cold items need the arrival recorded; out of range → the hold reason, else ""."""
    item = unit.item
    if not is_cold_chain(item.temp_min, item.temp_max):
        return ""
    if receipt.arrival_temp is None or not receipt.logger_id:
        raise ArrivalRequired(item=item.code, temp_min=item.temp_min, temp_max=item.temp_max)
    return rules.temperature_hold(receipt.arrival_temp, item.temp_min, item.temp_max)


def against_notice(unit: Unit, *, confirm_over: bool, actor: Actor) -> tuple[rules.Tally, bool]:
    """The scan's tally, and True when it is over the notice and a manager confirmed.

    Refused (OVER_NOTICE) when over the notice and not confirmed.
    """
    tally = unit.counted.tally(unit.lot)
    if tally.expected is None:
        return tally, False
    before = unit.counted.before(tally)
    if not rules.is_over(tally.expected, before, unit.quantity):
        return tally, False
    if not confirm_over:
        raise OverNotice(item=unit.item.code, lot=unit.lot or "—", expected=tally.expected,
                         received=before, quantity=unit.quantity)
    require(actor, Perm.STOCK_ADJUST)
    return tally, True


def new_lot(s: Session, unit: Unit) -> Lot | None:
    """A Lot row for a lot seen for the first time (None when the unit has no lot)."""
    if not unit.lot:
        return None
    return insert_row(s, Lot, dict(item_id=unit.item.id, lot_no=unit.lot, expiry=unit.expiry,
                                   production_date=unit.production_date))


def new_serial(s: Session, unit: Unit, lot: Lot | None) -> SerialUnit | None:
    """A SerialUnit row for a serial seen for the first time."""
    if not unit.serial:
        return None
    return insert_row(s, SerialUnit, dict(item_id=unit.item.id, serial=unit.serial,
                                          lot_id=lot.id if lot else None))

