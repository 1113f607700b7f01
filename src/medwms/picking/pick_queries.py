"""Read-only questions of the picking and verification stations: scans, pick lists, records.

Each look-up is an indexed query (a scan costs a fixed number of queries, whatever the
size of the warehouse).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, aliased

from medwms.barcode import Scan, ScanError, parse_scan
from medwms.core.errors import NotFound, ScanRefused
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.queries import resolve_gtin
from medwms.masterdata.tables import Item, Location, Packaging
from medwms.picking import pick_errors as errors
from medwms.picking.pick_rules import UnitKey
from medwms.picking.tables import (
    Allocation,
    AllocationStatus,
    OrderLine,
    OutboundOrder,
    Pick,
    Wave,
)

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


def read_unit(s: Session, raw: str, packs: int | None, today: date) -> Unit:
    """Parse a unit scan; quantity = packaging quantity × packs (AI 30/37, else typed, else 1)."""
    scan = parse_scan(raw, today=today)
    item, packaging = _resolve(s, _unit_gtin(scan))
    count = scan.quantity or packs or 1
    lot_no = (scan.lot or "").strip()[:MAX_TEXT] or None
    serial_no = (scan.serial or "").strip()[:MAX_TEXT] or None
    if "SERIAL" not in item.tracking:
        serial_no = None
    lot = s.scalars(select(Lot).where(Lot.item_id == item.id, Lot.lot_no == lot_no)
                    ).first() if lot_no else None
    serial = s.scalars(select(SerialUnit).where(
        SerialUnit.item_id == item.id, SerialUnit.serial == serial_no)).first() \
        if serial_no else None
    return Unit(item=item, gtin=packaging.gtin, lot_no=lot_no, serial_no=serial_no,
                expiry=scan.expiry, quantity=packaging.quantity * count, lot=lot, serial=serial)


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


def _resolve(s: Session, gtin: str) -> tuple[Item, Packaging]:
    try:
        return resolve_gtin(s, gtin)
    except (NotFound, ScanRefused):
        raise errors.UnknownGtin(gtin=gtin) from None


def location_of(s: Session, raw: str) -> Location:
    """The location a location scan (`#L:<CODE>`, GLN+254) or a typed code names."""
    text = raw.strip()
    try:
        scan = parse_scan(text)
    except ScanError:
        found = _location(s, text)
        if found is None:
            raise errors.NotALocation(value=text[:40]) from None
        return found
    if scan.location is None:
        if scan.gtin or scan.sscc or scan.di:
            raise errors.UnitScannedForLocation(value=text[:40])
        raise errors.NotALocation(value=text[:40])
    found = _location(s, scan.location, text)
    if found is None:
        raise NotFound(what="location", key=scan.location)
    return found


def _location(s: Session, code: str, raw: str = "") -> Location | None:
    return s.scalars(select(Location).where(or_(
        Location.code == code.upper(), Location.barcode == code,
        Location.barcode == (raw or code)))).first()


def wave_by_no(s: Session, wave_no: str, *, lock: bool = False) -> Wave:
    """The wave numbered `wave_no` (`#D:` prefix allowed), locked FOR UPDATE if asked."""
    number = doc_no(wave_no)
    query = select(Wave).where(Wave.wave_no == number)
    wave = s.scalars(query.with_for_update() if lock else query).one_or_none()
    if wave is None:
        raise errors.WaveNotFound(wave_no=number)
    return wave


def doc_no(text: str) -> str:
    """A document number as typed or scanned (`#D:WAV-…`), upper-cased."""
    value = text.strip()
    return (value[3:] if value.startswith("#D:") else value).upper()


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


def pick_result(s: Session, wave: Wave, pick: Pick, *, replayed: bool) -> PickResult:
    """The station's answer for `pick` (three queries)."""
    swapped_lot = aliased(Lot)
    row = s.execute(
        select(Item.code, Item.name_zh, Item.name_en, Lot.lot_no, Lot.expiry,
               SerialUnit.serial, Location.code.label("source"), OutboundOrder.order_no,
               OutboundOrder.status, OrderLine.line_no, swapped_lot.lot_no.label("swapped"))
        .select_from(Pick)
        .join(Item, Item.id == Pick.item_id)
        .join(OrderLine, OrderLine.id == Pick.order_line_id)
        .join(OutboundOrder, OutboundOrder.id == OrderLine.order_id)
        .join(Location, Location.id == Pick.from_location_id)
        .outerjoin(Lot, Lot.id == Pick.lot_id)
        .outerjoin(SerialUnit, SerialUnit.id == Pick.serial_id)
        .outerjoin(swapped_lot, swapped_lot.id == Pick.swapped_from_lot_id)
        .where(Pick.id == pick.id)).one()
    here, left = remaining(s, wave.id, pick.from_location_id)
    return PickResult(
        wave_no=wave.wave_no, scan_id=pick.scan_id, pick_id=pick.id, replayed=replayed,
        order_no=row.order_no, line_no=row.line_no, item=row.code, item_name_zh=row.name_zh,
        item_name_en=row.name_en, lot=row.lot_no, expiry=_iso(row.expiry), serial=row.serial,
        quantity=pick.quantity, from_location=row.source,
        to_location=s.get_one(Location, wave.staging_location_id).code,
        swapped_from_lot=row.swapped, location_remaining=here, wave_remaining=left,
        order_status=row.status, wave_status=wave.status)


def remaining(s: Session, wave_id: int, location_id: int) -> tuple[int, int]:
    """Units still to pick at the location, and in the whole wave."""
    left = Allocation.quantity - Allocation.picked_qty
    here, total = s.execute(select(
        func.coalesce(func.sum(case((Allocation.location_id == location_id, left), else_=0)), 0),
        func.coalesce(func.sum(left), 0))
        .where(Allocation.wave_id == wave_id,
               Allocation.status == AllocationStatus.OPEN)).one()
    return int(here), int(total)


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
