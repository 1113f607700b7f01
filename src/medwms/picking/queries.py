"""Read-only questions of the picking and verification stations: scans, pick lists, records.

Each look-up is an indexed query (a scan costs a fixed number of queries, whatever the
size of the warehouse).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, false, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from medwms.auth.guard import out_of_sight
from medwms.auth.rules import Actor
from medwms.barcode import Scan, ScanError, document_number, parse_scan, whole_item
from medwms.core.clock import utc_now
from medwms.core.errors import DomainError, NotFound
from medwms.ledger.service import Place
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata import fields
from medwms.masterdata.tables import Item, Location, Packaging, Warehouse
from medwms.orders.tables import Allocation, AllocationStatus, OrderLine, OutboundOrder, Wave
from medwms.picking import errors
from medwms.picking.rules import UnitKey
from medwms.picking.tables import Pick

MAX_TEXT = 20  # GS1 AI 10 and 21 hold at most 20 characters


# --- scans ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    """A unit scan resolved: the item, its production identifiers, the base-unit quantity."""

    item: Item
    gtin: str
    lot_no: str | None
    serial_no: str | None
    expiry: date | None
    quantity: int
    lot: Lot | None
    serial: SerialUnit | None

    @property
    def key(self) -> UnitKey:
        return UnitKey(self.item.id, self.lot.id if self.lot else None,
                       self.serial.id if self.serial else None)


def read_unit(s: Session, raw: str, packs: int | None, today: date,
              known: Resolved | None = None) -> Unit:
    """Parse a unit scan; quantity = packaging quantity × packs (AI 30/37, else typed, else 1).

    The item, packaging level, lot and serial rows are read in one statement, or taken from
    `known` (read with the wave) when it was read for the same identifiers.
    """
    scan = whole_item(parse_scan(raw, today=today))
    gtin = _unit_gtin(scan)
    count = scan.quantity or packs or 1
    lot_no, serial_no = _text_of(scan.lot), _text_of(scan.serial)
    if known is not None and known.keys == (_normalised(gtin), lot_no, serial_no):
        if known.rows is None:
            raise errors.UnknownGtin(gtin=gtin)
        item, packaging, lot, serial = known.rows
    else:
        item, packaging, lot, serial = _resolve(s, gtin, lot_no, serial_no)
    if "SERIAL" not in item.tracking:
        serial_no, serial = None, None
    return Unit(item=item, gtin=packaging.gtin, lot_no=lot_no, serial_no=serial_no,
                expiry=scan.expiry, quantity=packaging.quantity * count, lot=lot, serial=serial)


def _text_of(value: str | None) -> str | None:
    return (value or "").strip()[:MAX_TEXT] or None


def _normalised(gtin: str) -> str:
    try:
        return fields.gtin(gtin)
    except fields.FieldError:
        raise errors.UnknownGtin(gtin=gtin) from None


@dataclass(frozen=True)
class Resolved:
    """A unit scan's item, packaging, lot and serial rows, read with the wave, and the
    identifiers (normalised GTIN, lot, serial) they were read for; rows None: no such GTIN."""

    keys: tuple[str, str | None, str | None]
    rows: tuple[Item, Packaging, Lot | None, SerialUnit | None] | None


def unit_keys(raw: str) -> tuple[str, str | None, str | None] | None:
    """The identifiers a unit scan names, to read its rows with the wave; None when the scan
    does not parse (`read_unit` raises why, in its turn). The date only sets the century
    of the scan's dates, which are not identifiers: `read_unit` parses again with the
    warehouse's date."""
    try:
        scan = whole_item(parse_scan(raw, today=utc_now().date()))
        return _normalised(_unit_gtin(scan)), _text_of(scan.lot), _text_of(scan.serial)
    except (DomainError, ValueError):  # read_unit raises it in its turn
        return None


def _unit_of(keys: tuple[str, str | None, str | None]) -> tuple[Any, ...]:
    """The outer joins that read a unit's rows from its identifiers (`_resolve`'s joins)."""
    gtin, lot_no, serial_no = keys
    lot_on = and_(Lot.item_id == Item.id, Lot.lot_no == lot_no) if lot_no else false()
    serial_on = and_(SerialUnit.item_id == Item.id, SerialUnit.serial == serial_no) \
        if serial_no else false()
    return ((Packaging, Packaging.gtin == gtin), (Item, Item.id == Packaging.item_id),
            (Lot, lot_on), (SerialUnit, serial_on))


def _resolve(s: Session, gtin: str, lot_no: str | None,
             serial_no: str | None) -> tuple[Item, Packaging, Lot | None, SerialUnit | None]:
    normalised = _normalised(gtin)
    (_, on_gtin), item_on, lot_on, serial_on = _unit_of((normalised, lot_no, serial_no))
    row = s.execute(select(Item, Packaging, Lot, SerialUnit)
                    .select_from(Packaging).join(*item_on)
                    .outerjoin(*lot_on).outerjoin(*serial_on)
                    .where(on_gtin)).first()
    if row is None:
        raise errors.UnknownGtin(gtin=gtin)
    item, packaging, lot, serial = row
    return item, packaging, lot, serial


def _unit_gtin(scan: Scan) -> str:
    if scan.location:
        raise errors.NotAUnit(kind_en="location", kind_zh="库位", value=scan.location)
    if scan.document:
        raise errors.NotAUnit(kind_en="document", kind_zh="单据", value=scan.document)
    gtin = scan.gtin or scan.content_gtin
    if gtin:
        return gtin
    if scan.di:
        raise errors.UnknownGtin(gtin=scan.di)
    raise errors.NotAUnit(kind_en="handling unit (SSCC)", kind_zh="物流单元(SSCC)",
                          value=scan.sscc or scan.raw[:40])


def location_of(s: Session, raw: str) -> Location:
    """The location a location scan (`#L:<CODE>`, GLN+254) or a typed code names."""
    probe = LocationProbe.of(raw)
    return probe.found(_location(s, *probe.codes) if probe.codes else None)


@dataclass(frozen=True)
class LocationProbe:
    """A location scan parsed before any look-up: the codes to look up, or why it names none.

    The pick reads the location with its wave (one statement) yet raises a location error
    only after the wave's own checks, as if the location had been read after the wave.
    """

    text: str
    codes: tuple[str, str] | None  # (code, raw) to look up; None: not a location scan
    typed: bool  # no barcode syntax: a typed code (NotALocation when unknown)
    unit: bool = False  # a unit, SSCC or DI scanned where a location was asked for

    @classmethod
    def of(cls, raw: str) -> LocationProbe:
        text = raw.strip()
        try:
            scan = parse_scan(text)
        except ScanError:
            return cls(text, (text, ""), typed=True)
        if scan.location is None:
            return cls(text, None, typed=False, unit=bool(scan.gtin or scan.sscc or scan.di))
        return cls(text, (scan.location, text), typed=False)

    def found(self, location: Location | None) -> Location:
        """The location looked up, or the error this scan gets without one."""
        if self.codes is None:
            if self.unit:
                raise errors.UnitScannedForLocation(value=self.text[:40])
            raise errors.NotALocation(value=self.text[:40])
        if location is None:
            if self.typed:
                raise errors.NotALocation(value=self.text[:40])
            raise NotFound(what="location", key=self.codes[0])
        return location


def _location_match(code: str, raw: str = "") -> Any:
    return or_(Location.code == code.upper(), Location.barcode == code,
               Location.barcode == (raw or code))


def _location(s: Session, code: str, raw: str = "") -> Location | None:
    return s.scalars(select(Location).where(_location_match(code, raw))).first()


def wave_by_no(s: Session, wave_no: str, *, lock: bool = False) -> Wave:
    """The wave numbered `wave_no` (`#D:` prefix allowed), locked FOR UPDATE if asked."""
    number = doc_no(wave_no)
    query = select(Wave).where(Wave.wave_no == number)
    wave = s.scalars(query.with_for_update() if lock else query).one_or_none()
    if wave is None:
        raise errors.WaveNotFound(wave_no=number)
    return wave


@dataclass(frozen=True)
class WaveHead:
    """The locked wave and what a pick needs with it, read in one statement."""

    wave: Wave
    timezone: str
    staging: str
    earlier_id: int | None
    staging_place: Place | None = None
    location: Location | None = None  # the scanned location (LocationProbe.found checks it)
    unit: Resolved | None = None  # the scanned unit's rows (read_unit checks them)


def lock_wave_for_pick(s: Session, wave_no: str, scan_id: str, actor: Actor,
                       probe: LocationProbe | None = None,
                       unit: tuple[str, str | None, str | None] | None = None) -> WaveHead:
    """Lock the wave FOR UPDATE with its time zone, staging location, the pick of `scan_id`,
    the location `probe` names and the rows of the `unit` identifiers (WaveNotFound also
    when the wave is out of the actor's sight). Only the wave's row is locked: the rest is
    outer-joined to it."""
    number = doc_no(wave_no)
    code, raw = probe.codes if probe is not None and probe.codes else (None, "")
    gtin, lot_no, serial_no = unit if unit is not None else (None, None, None)
    row = s.execute(_wave_head(with_unit=unit is not None), {
        "number": number, "scan_id": scan_id, "code": code.upper() if code else None,
        "barcode": code, "raw": (raw or code) if code else None,
        "gtin": gtin, "lot_no": lot_no or None, "serial_no": serial_no or None}).one_or_none()
    if row is None:
        raise errors.WaveNotFound(wave_no=number)
    wave, timezone, code, warehouse_id, blocked, earlier_id, location = row[:7]
    if out_of_sight(actor, wave.warehouse_id):
        raise errors.WaveNotFound(wave_no=number)
    return WaveHead(wave, timezone, code, earlier_id,
                    Place(wave.staging_location_id, warehouse_id, code, bool(blocked)), location,
                    _resolved(unit, tuple(row[7:])))


@cache
def _wave_head(*, with_unit: bool) -> Any:
    """`lock_wave_for_pick`'s statement, built once for each shape (every pick runs it with
    parameters). A parameter left None matches nothing: no location, lot or serial."""
    earlier = select(Pick.id).where(Pick.wave_id == Wave.id,
                                    Pick.scan_id == bindparam("scan_id")).scalar_subquery()
    staging, scanned = aliased(Location), aliased(Location)
    wanted = select(Location.id).where(or_(
        Location.code == bindparam("code"), Location.barcode == bindparam("barcode"),
        Location.barcode == bindparam("raw"))).limit(1).scalar_subquery()
    query = (select(Wave, Warehouse.timezone, staging.code, staging.warehouse_id,
                    staging.blocked, earlier, scanned)
             .join(Warehouse, Warehouse.id == Wave.warehouse_id)
             .join(staging, staging.id == Wave.staging_location_id)
             .outerjoin(scanned, scanned.id == wanted))
    if with_unit:
        query = (query.add_columns(Item, Packaging, Lot, SerialUnit)
                 .outerjoin(Packaging, Packaging.gtin == bindparam("gtin"))
                 .outerjoin(Item, Item.id == Packaging.item_id)
                 .outerjoin(Lot, and_(Lot.item_id == Item.id, Lot.lot_no == bindparam("lot_no")))
                 .outerjoin(SerialUnit, and_(SerialUnit.item_id == Item.id,
                                             SerialUnit.serial == bindparam("serial_no"))))
    return query.where(Wave.wave_no == bindparam("number")).with_for_update(of=Wave)


def _resolved(keys: tuple[str, str | None, str | None] | None,
              rows: tuple[Any, ...]) -> Resolved | None:
    if keys is None:
        return None
    item, packaging, lot, serial = rows
    return Resolved(keys, (item, packaging, lot, serial) if item is not None else None)


def doc_no(text: str) -> str:
    """A document number as typed or scanned (`]C0#D:WAV-…`), upper-cased."""
    return document_number(text)


# --- pick list ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PickTask:
    """One allocation to pick at a stop."""

    allocation_id: int
    order_no: str
    line_no: int
    item: str
    item_name_zh: str
    item_name_en: str
    lot: str | None
    expiry: str | None
    serial: str | None
    quantity: int
    picked: int
    remaining: int
    status: str


@dataclass(frozen=True)
class Stop:
    """A location on the route and what to pick there."""

    seq: int
    location: str
    barcode: str
    remaining: int
    tasks: list[PickTask]


@dataclass(frozen=True)
class PickList:
    wave_no: str
    status: str
    staging_location: str
    route_length: str | None
    plain_length: str | None
    quantity: int
    picked: int
    remaining: int
    stops: list[Stop]


def pick_list(s: Session, wave: Wave) -> PickList:
    """The wave's stops in route order (Wave.route), each with its allocations to pick."""
    by_location: dict[str, list[Any]] = defaultdict(list)
    for row in s.execute(_tasks_query(wave.id)):
        by_location[row.code].append(row)
    route = _route_index(wave.route)
    codes = sorted(by_location, key=lambda c: (route.get(c, len(route)),
                                               by_location[c][0].pick_seq, c))
    stops = [_stop(n, by_location[code]) for n, code in enumerate(codes, start=1)]
    tasks = [t for stop in stops for t in stop.tasks]
    staging = s.get_one(Location, wave.staging_location_id).code
    return PickList(
        wave_no=wave.wave_no, status=wave.status, staging_location=staging,
        route_length=_text(wave.route_length), plain_length=_text(wave.plain_length),
        quantity=sum(t.quantity for t in tasks), picked=sum(t.picked for t in tasks),
        remaining=sum(t.remaining for t in tasks), stops=stops)


def stop_at(s: Session, wave: Wave, location: Location) -> Stop | None:
    """What the wave picks at `location`, or None when nothing."""
    rows = list(s.execute(_tasks_query(wave.id).where(Allocation.location_id == location.id)))
    if not rows:
        return None
    seq = _route_index(wave.route).get(location.code, 0) + 1
    return _stop(seq, rows)


def _tasks_query(wave_id: int) -> Any:
    return (select(Allocation, Location.code, Location.barcode, Location.pick_seq,
                   Item.code.label("item"), Item.name_zh, Item.name_en, Lot.lot_no,
                   Lot.expiry, SerialUnit.serial, OutboundOrder.order_no, OrderLine.line_no)
            .join(Location, Location.id == Allocation.location_id)
            .join(Item, Item.id == Allocation.item_id)
            .join(OrderLine, OrderLine.id == Allocation.order_line_id)
            .join(OutboundOrder, OutboundOrder.id == OrderLine.order_id)
            .outerjoin(Lot, Lot.id == Allocation.lot_id)
            .outerjoin(SerialUnit, SerialUnit.id == Allocation.serial_id)
            .where(Allocation.wave_id == wave_id,
                   Allocation.status != AllocationStatus.CANCELLED)
            .order_by(Location.code, Lot.expiry, Allocation.id))


def _stop(seq: int, rows: list[Any]) -> Stop:
    tasks = [_task(row) for row in rows]
    return Stop(seq=seq, location=rows[0].code, barcode=rows[0].barcode,
                remaining=sum(t.remaining for t in tasks), tasks=tasks)


def _task(row: Any) -> PickTask:
    a = row.Allocation
    remaining = a.quantity - a.picked_qty if a.status == AllocationStatus.OPEN else 0
    return PickTask(allocation_id=a.id, order_no=row.order_no, line_no=row.line_no,
                    item=row.item, item_name_zh=row.name_zh, item_name_en=row.name_en,
                    lot=row.lot_no, expiry=_iso(row.expiry), serial=row.serial,
                    quantity=a.quantity, picked=a.picked_qty, remaining=remaining,
                    status=a.status)


def _route_index(route: str) -> dict[str, int]:
    try:
        codes = json.loads(route) if route else []
    except ValueError:
        codes = []
    index: dict[str, int] = {}
    for code in codes if isinstance(codes, list) else []:
        index.setdefault(str(code), len(index))
    return index


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


# --- pick result ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PickResult:
    """What the picking station shows after an accepted scan, with what is left."""

    wave_no: str
    scan_id: str
    pick_id: int
    replayed: bool
    order_no: str
    line_no: int
    item: str
    item_name_zh: str
    item_name_en: str
    lot: str | None
    expiry: str | None
    serial: str | None
    quantity: int
    from_location: str
    to_location: str
    swapped_from_lot: str | None
    location_remaining: int
    wave_remaining: int
    order_status: str
    wave_status: str
    swapped_from_serial: str | None = None
    warnings: tuple[dict[str, str], ...] = ()


def substitution_warnings(serial: str | None, allocated: str | None,
                          lot: str | None) -> tuple[dict[str, str], ...]:
    """What the station says in amber when another serial was picked for the allocated one."""
    if not allocated:
        return ()
    return ({"code": "SERIAL_SUBSTITUTED",
             "message_en": f"Serial {serial} picked in place of the allocated {allocated} "
                           f"(lot {lot or '-'}): recorded on the pick.",
             "message_zh": f"已拣序列号 {serial}，替代分配的 {allocated}"
                           f"（批号 {lot or '-'}）：已记入拣货记录。"},)


def open_here(wave_id: Any, location_id: Any) -> Any:
    """A scalar subquery: units the wave still picks at the location (indexed by both)."""
    return (select(func.coalesce(func.sum(Allocation.quantity - Allocation.picked_qty), 0))
            .where(Allocation.wave_id == wave_id, Allocation.location_id == location_id,
                   Allocation.status == AllocationStatus.OPEN).scalar_subquery())


def open_of_order(order_id: Any) -> Any:
    """A scalar subquery: units the order still picks, summed over its OPEN allocations
    (order_line.order_id and allocation.order_line_id are indexed). An order is small next
    to a wave: it is summed with the pick's allocation read instead of kept in a counter."""
    allocation, line = aliased(Allocation), aliased(OrderLine)
    return (select(func.coalesce(func.sum(allocation.quantity - allocation.picked_qty), 0))
            .join(line, line.id == allocation.order_line_id)
            .where(line.order_id == order_id, allocation.status == AllocationStatus.OPEN)
            .scalar_subquery())


def open_in(condition: Any) -> Any:
    """Units still to pick of the OPEN allocations meeting `condition` (one aggregate)."""
    return (select(func.coalesce(func.sum(Allocation.quantity - Allocation.picked_qty), 0))
            .join(OrderLine, OrderLine.id == Allocation.order_line_id)
            .where(condition, Allocation.status == AllocationStatus.OPEN).scalar_subquery())


def pick_result(s: Session, head: WaveHead, pick_id: int, *, replayed: bool) -> PickResult:
    """The station's answer for an earlier pick, with what is left now (one query)."""
    wave = head.wave
    swapped_lot, swapped_serial = aliased(Lot), aliased(SerialUnit)
    left = literal(wave.open_qty) if wave.open_qty is not None \
        else open_in(Allocation.wave_id == wave.id)
    row = s.execute(
        select(Pick, Item.code, Item.name_zh, Item.name_en, Lot.lot_no, Lot.expiry,
               SerialUnit.serial, Location.code.label("source"), OutboundOrder.order_no,
               OutboundOrder.status, OrderLine.line_no, swapped_lot.lot_no.label("swapped"),
               swapped_serial.serial.label("swapped_serial"),
               open_here(wave.id, Pick.from_location_id).label("here"),
               left.label("left"))
        .join(Item, Item.id == Pick.item_id)
        .join(OrderLine, OrderLine.id == Pick.order_line_id)
        .join(OutboundOrder, OutboundOrder.id == OrderLine.order_id)
        .join(Location, Location.id == Pick.from_location_id)
        .outerjoin(Lot, Lot.id == Pick.lot_id)
        .outerjoin(SerialUnit, SerialUnit.id == Pick.serial_id)
        .outerjoin(swapped_lot, swapped_lot.id == Pick.swapped_from_lot_id)
        .outerjoin(swapped_serial, swapped_serial.id == Pick.swapped_from_serial_id)
        .where(Pick.id == pick_id)).one()
    pick: Pick = row.Pick
    return PickResult(
        wave_no=wave.wave_no, scan_id=pick.scan_id, pick_id=pick.id, replayed=replayed,
        order_no=row.order_no, line_no=row.line_no, item=row.code, item_name_zh=row.name_zh,
        item_name_en=row.name_en, lot=row.lot_no, expiry=_iso(row.expiry), serial=row.serial,
        quantity=pick.quantity, from_location=row.source, to_location=head.staging,
        swapped_from_lot=row.swapped, location_remaining=int(row.here),
        wave_remaining=int(row.left), order_status=row.status, wave_status=wave.status,
        swapped_from_serial=row.swapped_serial,
        warnings=substitution_warnings(row.serial, row.swapped_serial, row.lot_no))


def picked_units(s: Session, order_id: int) -> dict[UnitKey, int]:
    """Units picked for the order, by item, lot and serial."""
    rows = s.execute(select(Pick.item_id, Pick.lot_id, Pick.serial_id, func.sum(Pick.quantity))
                     .join(OrderLine, OrderLine.id == Pick.order_line_id)
                     .where(OrderLine.order_id == order_id)
                     .group_by(Pick.item_id, Pick.lot_id, Pick.serial_id))
    return {UnitKey(item, lot, serial): int(total) for item, lot, serial, total in rows}


def pickers_of(s: Session, order_id: int) -> set[int]:
    """The users who picked any unit of the order."""
    return {user for user in s.scalars(
        select(Pick.picked_by).join(OrderLine, OrderLine.id == Pick.order_line_id)
        .where(OrderLine.order_id == order_id).distinct()) if user is not None}
