"""Read-only questions about verifications (复核): the tally, the GSP record, the KPI."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medwms.auth.tables import User
from medwms.barcode import ScanError, parse_scan, whole_item
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.tables import Item, Partner, Warehouse
from medwms.orders.tables import OutboundOrder, Wave
from medwms.picking import queries
from medwms.picking.rules import UnitKey
from medwms.picking.tables import Pick
from medwms.verification.errors import VerificationNotFound
from medwms.verification.rules import COLUMNS, Discrepancy, accuracy
from medwms.verification.tables import Verification, VerificationLine

SHORT_SHIP = "SHORT_SHIP"


@dataclass
class Tally:
    """Picked units and what the verification has covered of them, by unit key."""

    picked: dict[UnitKey, int]
    confirmed: dict[UnitKey, int] = field(default_factory=dict)
    short_shipped: dict[UnitKey, int] = field(default_factory=dict)
    open_missing: dict[UnitKey, int] = field(default_factory=dict)
    unresolved: int = 0
    lines: int = 0


def tally(s: Session, verification: Verification) -> Tally:
    """The picked units of the order against the verification's lines (two queries)."""
    counted = Tally(picked=queries.picked_units(s, verification.order_id))
    buckets: dict[str, dict[UnitKey, int]] = defaultdict(dict)
    for line in s.scalars(select(VerificationLine).where(
            VerificationLine.verification_id == verification.id)):
        counted.lines += 1
        resolved = bool(line.resolution)
        counted.unresolved += bool(line.discrepancy) and not resolved
        bucket = _bucket(line, resolved)
        if bucket and line.item_id is not None:
            key = UnitKey(line.item_id, line.lot_id, line.serial_id)
            buckets[bucket][key] = buckets[bucket].get(key, 0) + line.quantity
    counted.confirmed = buckets["confirmed"]
    counted.short_shipped = buckets["short_shipped"]
    counted.open_missing = buckets["open_missing"]
    return counted


def adding(counted: Tally, line: VerificationLine) -> Tally:
    """`counted` as `tally` would read it once `line`, a new unresolved line, is stored:
    a scan's answer needs no second read of the lines its checks just read."""
    after = replace(counted, confirmed=dict(counted.confirmed),
                    open_missing=dict(counted.open_missing), lines=counted.lines + 1,
                    unresolved=counted.unresolved + bool(line.discrepancy))
    bucket = _bucket(line, resolved=False)
    if bucket and line.item_id is not None:
        target: dict[UnitKey, int] = getattr(after, bucket)
        key = UnitKey(line.item_id, line.lot_id, line.serial_id)
        target[key] = target.get(key, 0) + line.quantity
    return after


def _bucket(line: VerificationLine, resolved: bool) -> str:
    if not line.discrepancy:
        return "confirmed"
    if line.discrepancy != Discrepancy.MISSING:
        return ""
    if not resolved:
        return "open_missing"
    return "short_shipped" if line.resolution.startswith(SHORT_SHIP) else ""


def verification_by_no(s: Session, verification_no: str, *, lock: bool = False) -> Verification:
    """The verification numbered `verification_no` (`#D:` allowed), locked FOR UPDATE if asked."""
    number = queries.doc_no(verification_no)
    query = select(Verification).where(Verification.verification_no == number)
    found = s.scalars(query.with_for_update() if lock else query).one_or_none()
    if found is None:
        raise VerificationNotFound(verification_no=number)
    return found


def username(s: Session, user_id: int | None) -> str:
    """A user's name for messages and records ("system" for none)."""
    if user_id is None:
        return "system"
    return s.scalar(select(User.username).where(User.id == user_id)) or str(user_id)


def unit_names(s: Session, key: UnitKey) -> tuple[str, str, str | None]:
    """Item code, lot number ("-" for none) and serial of a unit key."""
    item = s.get_one(Item, key.item_id).code if key.item_id else "-"
    lot = s.get(Lot, key.lot_id) if key.lot_id else None
    serial = s.get(SerialUnit, key.serial_id) if key.serial_id else None
    return item, lot.lot_no if lot else "-", serial.serial if serial else None


# --- the scan answer ------------------------------------------------------------------------

@dataclass(frozen=True)
class VerifyScan:
    """What the verification station shows after a scan."""

    verification_no: str
    scan_id: str
    line_id: int
    replayed: bool
    item: str | None
    lot: str | None
    serial: str | None
    quantity: int
    discrepancy: str
    status: str
    picked: int
    confirmed: int
    udi: str = ""
    failed: str = ""  # the review checklist's failed conditions, comma-joined ("" all fine)


def scan_result(s: Session, verification: Verification, line: VerificationLine, *,
                replayed: bool, counted: Tally | None = None) -> VerifyScan:
    """The answer for one verification line, with the running totals (`counted`, when the
    caller has them with the line, else read)."""
    counted = counted or tally(s, verification)
    names = unit_names(s, UnitKey(line.item_id or 0, line.lot_id, line.serial_id))
    item, lot, serial = names[0] if line.item_id else None, \
        names[1] if line.lot_id else None, names[2]
    if line.discrepancy and line.raw:
        item, lot, serial = _as_scanned(line.raw, item, lot, serial)
    return VerifyScan(
        verification_no=verification.verification_no, scan_id=line.scan_id, line_id=line.id,
        replayed=replayed, item=item,
        lot=lot, serial=serial, quantity=line.quantity,
        discrepancy=line.discrepancy, status=verification.status,
        picked=sum(counted.picked.values()), confirmed=sum(counted.confirmed.values()),
        udi=line.udi or "", failed=failed_of(line))


def failed_of(line: VerificationLine) -> str:
    """The checklist conditions a line's unit failed, comma-joined ("" when all fine)."""
    return ",".join(check.value for check, column in COLUMNS.items()
                    if getattr(line, column) is False)


# --- the GSP outbound review record ---------------------------------------------------------

@dataclass(frozen=True)
class RecordLine:
    """One re-scan or discrepancy, with the device's regulatory identity."""

    id: int
    scan_id: str
    raw: str
    item: str | None
    item_name_zh: str | None
    item_name_en: str | None
    model: str | None
    manufacturer: str | None
    registration_no: str | None
    lot: str | None
    expiry: str | None
    serial: str | None
    quantity: int
    discrepancy: str
    resolution: str
    resolved_by: str | None
    at: str


@dataclass(frozen=True)
class Expected:
    """A picked unit (item, lot, serial) and how far verification covered it."""

    item: str
    lot: str | None
    serial: str | None
    picked: int
    confirmed: int
    short_shipped: int


@dataclass(frozen=True)
class VerificationRecord:
    """The outbound review record (出库复核记录): who, when, each line and its resolution."""

    verification_no: str
    order_no: str
    warehouse: str
    consignee: str | None
    consignee_name: str | None
    verifier: str
    status: str
    started_at: str
    finished_at: str | None
    pickers: list[str]
    expected: list[Expected]
    lines: list[RecordLine]
    discrepancies: int
    unresolved: int
    consignee_name_en: str = ""


def record(s: Session, verification: Verification) -> VerificationRecord:
    """The whole record of one verification."""
    order = s.get_one(OutboundOrder, verification.order_id)
    partner = s.get(Partner, order.consignee_id) if order.consignee_id else None
    counted = tally(s, verification)
    lines = _record_lines(s, verification)
    return VerificationRecord(
        verification_no=verification.verification_no, order_no=order.order_no,
        warehouse=s.get_one(Warehouse, order.warehouse_id).code,
        consignee=partner.code if partner else None,
        consignee_name=partner.name if partner else None,
        consignee_name_en=partner.name_en if partner else "",
        verifier=username(s, verification.verifier_id), status=verification.status,
        started_at=verification.started_at.isoformat(),
        finished_at=verification.finished_at.isoformat() if verification.finished_at else None,
        pickers=sorted(username(s, u) for u in queries.pickers_of(s, order.id)),
        expected=[_expected(s, key, n, counted) for key, n in sorted(counted.picked.items())],
        lines=lines, discrepancies=sum(1 for x in lines if x.discrepancy),
        unresolved=counted.unresolved)


def _expected(s: Session, key: UnitKey, picked: int, counted: Tally) -> Expected:
    item, lot, serial = unit_names(s, key)
    return Expected(item=item, lot=lot if key.lot_id else None, serial=serial, picked=picked,
                    confirmed=counted.confirmed.get(key, 0),
                    short_shipped=counted.short_shipped.get(key, 0))


def _record_lines(s: Session, verification: Verification) -> list[RecordLine]:
    rows = s.execute(
        select(VerificationLine, Item, Lot.lot_no, Lot.expiry, SerialUnit.serial,
               User.username)
        .outerjoin(Item, Item.id == VerificationLine.item_id)
        .outerjoin(Lot, Lot.id == VerificationLine.lot_id)
        .outerjoin(SerialUnit, SerialUnit.id == VerificationLine.serial_id)
        .outerjoin(User, User.id == VerificationLine.resolved_by)
        .where(VerificationLine.verification_id == verification.id)
        .order_by(VerificationLine.id))
    return [_record_line(*row) for row in rows]


def _record_line(line: VerificationLine, item: Item | None, lot: str | None,
                 expiry: date | None, serial: str | None, resolver: str | None) -> RecordLine:
    code = item.code if item else None
    if line.discrepancy and line.raw:  # an item, lot or serial we never had: as scanned
        code, lot, serial = _as_scanned(line.raw, code, lot, serial)
    return RecordLine(
        id=line.id, scan_id=line.scan_id, raw=line.raw, item=code,
        item_name_zh=item.name_zh if item else None, item_name_en=item.name_en if item else None,
        model=item.model if item else None, manufacturer=item.manufacturer if item else None,
        registration_no=item.registration_no if item else None, lot=lot,
        expiry=expiry.isoformat() if expiry else None, serial=serial, quantity=line.quantity,
        discrepancy=line.discrepancy, resolution=line.resolution, resolved_by=resolver,
        at=line.at.isoformat())


def _as_scanned(raw: str, item: str | None, lot: str | None,
                serial: str | None) -> tuple[str | None, str | None, str | None]:
    """Item, lot and serial of a discrepancy as its barcode names them where no row of ours
    does: an unknown item by its GTIN ("GTIN 0690…")."""
    if item is not None and lot is not None and serial is not None:
        return item, lot, serial
    try:
        scan = whole_item(parse_scan(raw))
    except ScanError:
        return item, lot, serial
    gtin = scan.gtin or scan.content_gtin or scan.di
    return item or (f"GTIN {gtin}" if gtin else None), lot or scan.lot, serial or scan.serial


def shippable_units(s: Session, order_id: int) -> dict[UnitKey, int]:
    """What a PASSED verification confirmed for shipping: picked minus short-shipped."""
    passed = s.scalars(select(Verification).where(Verification.order_id == order_id,
                                                  Verification.status == "PASSED")
                       .order_by(Verification.id.desc())).first()
    if passed is None:
        return {}
    counted = tally(s, passed)
    return {key: n - counted.short_shipped.get(key, 0) for key, n in counted.picked.items()
            if n - counted.short_shipped.get(key, 0) > 0}


# --- pick accuracy KPI ----------------------------------------------------------------------

@dataclass(frozen=True)
class PickAccuracy:
    """Pick scans, units, errors verification found, and the accuracy (1 − errors/picks)."""

    picks: int
    units: int
    verification_errors: int
    accuracy: float


def pick_accuracy(s: Session, *, warehouse: str | None = None, since: datetime | None = None,
                  until: datetime | None = None) -> PickAccuracy:
    """Pick accuracy over the picks (and verification lines) in [since, until)."""
    picks = select(func.count(Pick.id), func.coalesce(func.sum(Pick.quantity), 0)) \
        .join(Wave, Wave.id == Pick.wave_id)
    errors = select(func.count(VerificationLine.id)) \
        .join(Verification, Verification.id == VerificationLine.verification_id) \
        .join(OutboundOrder, OutboundOrder.id == Verification.order_id) \
        .where(VerificationLine.discrepancy != "")
    if warehouse:
        site = select(Warehouse.id).where(Warehouse.code == warehouse.upper())
        picks = picks.where(Wave.warehouse_id.in_(site))
        errors = errors.where(OutboundOrder.warehouse_id.in_(site))
    if since:
        picks, errors = picks.where(Pick.picked_at >= since), errors.where(
            VerificationLine.at >= since)
    if until:
        picks, errors = picks.where(Pick.picked_at < until), errors.where(
            VerificationLine.at < until)
    count, units = s.execute(picks).one()
    found = s.scalar(errors) or 0
    return PickAccuracy(picks=int(count), units=int(units), verification_errors=int(found),
                        accuracy=round(accuracy(int(count), int(found)), 6))

