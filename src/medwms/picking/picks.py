"""The picking station: check a location scan, pick a scanned unit to the wave's staging.

A pick scan is one unit of work. It locks the wave row first (FOR UPDATE), so scans of one
wave queue: the scan-id replay, the serial check and the allocation counters see every
earlier scan; the scanned location and unit rows are read with it. Then it locks the few
allocations of the item at the location the rules can decide on (`_candidates`: a fixed
number, however many the wave has there) with the scanned stock rows here and at staging
(one joined statement, stock in key order), asks the pure rules, and posts one PICK movement
through the ledger, handing it the rows it locked and the locations it read (`ledger.Known`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, distinct, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import is_expired, local_date, utc_now
from medwms.core.db import Database
from medwms.core.reasons import Reason
from medwms.ledger.rules import Line, StockKey
from medwms.ledger.service import Known, Place, post
from medwms.ledger.tables import Lot, MovementKind, SerialUnit, Status, Stock
from medwms.masterdata.tables import Location, Partner
from medwms.orders.tables import Allocation, AllocationStatus, OrderLine, OutboundOrder, Wave
from medwms.picking import errors, progress, queries, rules
from medwms.picking.queries import PickResult, Stop, Unit
from medwms.picking.tables import Pick

LIVE = (AllocationStatus.OPEN, AllocationStatus.PICKED)
CLOSED_WAVES = frozenset({"CANCELLED", "SHIPPED", "CLOSED", "PICKED"})
LOT_SWAP = Reason("LOT_SWAP", "LOT SWAP from {lot}", "换批拣货，原分配批号 {lot}",
                  "Lot swapped from {lot}")
SERIAL_SWAP = Reason("SERIAL_SWAP", "SERIAL SWAP from {serial}",
                     "换序列号拣货，原分配序列号 {serial}", "Serial swapped from {serial}")


def pick_list(db: Database, *, actor: Actor, wave_no: str) -> queries.PickList:
    """The wave's pick list: stops in route order, each with what is left to pick."""
    require(actor, Perm.PICK)
    with reading_as(db, actor) as s:
        return queries.pick_list(s, queries.wave_by_no(s, wave_no))


def check_location(db: Database, *, actor: Actor, wave_no: str, location_raw: str) -> Stop:
    """Check a location scan against the wave and say what to pick there (writes nothing)."""
    require(actor, Perm.PICK)
    with reading_as(db, actor) as s:
        wave = queries.wave_by_no(s, wave_no)
        location = queries.location_of(s, location_raw)
        stop = queries.stop_at(s, wave, location)
        if stop is None:
            raise errors.LocationNotOnWave(location=location.code, wave_no=wave.wave_no)
    return stop


def pick_unit(db: Database, *, actor: Actor, wave_no: str, location_raw: str, raw: str,
              scan_id: str, packs: int | None = None, now: datetime | None = None,
              serial_substitution: bool = True) -> PickResult:
    """Pick one scanned unit (or pack) at the scanned location to the wave's staging.

    `serial_substitution`: another serial of an allocated serial's lot may be picked in its
    place (recorded on the pick and in the movement's reason) unless the order names it.
    """
    require(actor, Perm.PICK)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        probe = queries.LocationProbe.of(location_raw)
        head = queries.lock_wave_for_pick(s, wave_no, scan_id, actor, probe,
                                          queries.unit_keys(raw))
        wave = head.wave
        if head.earlier_id is not None:
            return queries.pick_result(s, head, head.earlier_id, replayed=True)
        if wave.status in CLOSED_WAVES:
            raise errors.WaveClosed(wave_no=wave.wave_no, status=wave.status)
        location = probe.found(head.location)
        result = _accept(s, actor, head, location,
                         _Scanned(raw, scan_id, packs, now, serial_substitution))
        uow.commit()
    return result


@dataclass(frozen=True)
class _Scanned:
    raw: str
    scan_id: str
    packs: int | None
    now: datetime
    serial_substitution: bool = True


def _accept(s: Session, actor: Actor, head: queries.WaveHead, location: Location,
            scanned: _Scanned) -> PickResult:
    wave, timezone = head.wave, head.timezone
    unit = queries.read_unit(s, scanned.raw, scanned.packs, local_date(scanned.now, timezone),
                             head.unit)
    _require_identity(unit)
    facts = load_facts(s, wave, location, unit, local_date(scanned.now, timezone))
    if not facts.opens:
        raise _not_on_wave(s, facts, wave, location, unit)
    _refuse_picked_serial(facts, wave, unit)
    _refuse_unusable(facts, location, unit, scanned.now, timezone)
    decision = rules.decide(facts.opens, unit.key.lot_id, unit.key.serial_id,
                            rules.SwapFacts(expiry=_expiry(unit), free=facts.free,
                                            quantity=unit.quantity,
                                            serial_substitution=scanned.serial_substitution))
    if isinstance(decision, rules.Refusal):
        raise _refusal(s, decision, facts, wave, location, unit)
    allocation = _allocation_for(s, facts, decision, unit, scanned.now)
    return _record(s, actor, head, allocation, unit, decision, facts, scanned, location)


def _require_identity(unit: Unit) -> None:
    if unit.lot_no is None and unit.item.tracking in ("LOT", "LOT_SERIAL"):
        raise errors.LotRequired(item=unit.item.code)
    if "SERIAL" in unit.item.tracking:
        if unit.serial_no is None:
            raise errors.SerialRequired(item=unit.item.code)
        if unit.quantity != 1:
            raise errors.SerialNeedsOneUnit(serial=unit.serial_no, quantity=unit.quantity)


def _expiry(unit: Unit) -> date | None:
    return unit.lot.expiry if unit.lot is not None else unit.expiry


def _not_on_wave(s: Session, facts: Facts, wave: Wave, location: Location,
                 unit: Unit) -> errors.WrongItem | errors.UnitOfAnotherWave:
    other = _other_wave(s, wave, location, unit)
    if other:
        return errors.UnitOfAnotherWave(item=unit.item.code, lot=unit.lot_no or "-",
                                        location=location.code, other_wave=other,
                                        wave_no=wave.wave_no)
    return errors.WrongItem(item=unit.item.code, location=location.code, wave_no=wave.wave_no)


def _refuse_picked_serial(facts: Facts, wave: Wave, unit: Unit) -> None:
    if unit.serial is not None and facts.serial_picked:
        raise errors.SerialAlreadyPicked(serial=unit.serial_no, item=unit.item.code,
                                         wave_no=wave.wave_no)


def _refuse_unusable(facts: Facts, location: Location, unit: Unit, now: datetime,
                     timezone: str) -> None:
    names = {"item": unit.item.code, "lot": unit.lot_no or "-"}
    expiry = _expiry(unit)
    if is_expired(expiry, now, timezone):
        raise errors.UnitExpired(**names, expiry=expiry)
    if facts.available <= 0:
        if facts.blocked_status:
            raise errors.StockBlocked(**names, location=location.code,
                                      stock_status=facts.blocked_status)
        raise errors.NotAtLocation(**names, location=location.code,
                                   serial=f" / {unit.serial_no}" if unit.serial_no else "")


def _refusal(s: Session, refusal: rules.Refusal, facts: Facts, wave: Wave,
             location: Location, unit: Unit) -> Exception:
    names = {"item": unit.item.code, "lot": unit.lot_no or "-"}
    if refusal in (rules.Refusal.REQUIRED_SERIAL, rules.Refusal.ALLOCATED_SERIAL):
        return _wrong_serial(refusal, facts, unit, names)
    if refusal is rules.Refusal.QUANTITY:
        room = max((o.remaining for o in facts.opens), default=0)
        return errors.QuantityBeyondAllocation(**names, quantity=unit.quantity, remaining=room)
    return _wrong_lot(s, refusal, facts, (wave, location), unit, names)


def _wrong_lot(s: Session, refusal: rules.Refusal, facts: Facts, where: tuple[Wave, Location],
               unit: Unit, names: dict[str, str]) -> Exception:
    """Why another lot may not replace the allocated one, naming the lot to pick."""
    wave, location = where
    target = rules.swap_candidate(facts.opens, unit.quantity) or facts.opens[0]
    expected = facts.lot_names.get(target.lot_id, "-")
    if refusal is rules.Refusal.REQUIRED_LOT:
        return errors.RequiredLot(**names, expected=expected, serial="")
    if refusal is rules.Refusal.SHELF_LIFE:
        return errors.ShelfLifeTooShort(
            lot=unit.lot_no, expiry=_expiry(unit), expected=expected,
            customer=facts.customers.get(target.allocation_id, "-"),
            required_days=target.min_days, delivery=target.delivery)
    other = _other_wave(s, wave, location, unit) if refusal is rules.Refusal.NOT_FREE else None
    if other:
        return errors.UnitOfAnotherWave(**names, location=location.code, other_wave=other,
                                        wave_no=wave.wave_no)
    if refusal is rules.Refusal.NOT_FREE:
        return errors.LotNotFree(**names, location=location.code, free=facts.free,
                                 quantity=unit.quantity)
    return errors.WrongLot(**names, expiry=_expiry(unit) or "-", expected=expected,
                           expected_expiry=target.expiry or "-")


def _wrong_serial(refusal: rules.Refusal, facts: Facts, unit: Unit,
                  names: dict[str, str]) -> Exception:
    """The serial refusal, naming the serial that was allocated (or that the order names)."""
    allocated = rules.serial_of_same_lot(facts.opens, unit.key.lot_id, unit.quantity)
    expected = facts.serial_names.get(allocated.serial_id if allocated else None, "-")
    wrong = errors.RequiredSerial if refusal is rules.Refusal.REQUIRED_SERIAL \
        else errors.AllocatedSerial
    return wrong(**names, serial=unit.serial_no or "-", expected=expected)


def _allocation_for(s: Session, facts: Facts, match: rules.Match, unit: Unit,
                    now: datetime) -> Allocation:
    """The allocation the unit fills; a swap moves (or splits off) the allocation to it."""
    allocation = facts.rows[match.allocation_id]
    if not match.swap:
        return allocation
    key = unit.key
    left = allocation.quantity - allocation.picked_qty
    if left == unit.quantity and allocation.picked_qty == 0:
        allocation.lot_id, allocation.serial_id = key.lot_id, key.serial_id
        return allocation
    allocation.quantity -= unit.quantity
    if allocation.quantity <= allocation.picked_qty:  # what stays was all picked already
        allocation.status = AllocationStatus.PICKED
    moved = Allocation(order_line_id=allocation.order_line_id, wave_id=allocation.wave_id,
                       owner_id=allocation.owner_id, item_id=allocation.item_id,
                       lot_id=key.lot_id, serial_id=key.serial_id,
                       location_id=allocation.location_id, hu_id=facts.hu_id,
                       quantity=unit.quantity, picked_qty=0,
                       status=AllocationStatus.OPEN, created_at=now)
    s.add(moved)
    s.flush()
    return moved


def _record(s: Session, actor: Actor, head: queries.WaveHead, allocation: Allocation,
            unit: Unit, match: rules.Match, facts: Facts, scanned: _Scanned,
            location: Location) -> PickResult:
    wave = head.wave
    order = facts.orders[allocation.order_line_id]
    # counted first: a swap's change to the allocation is written with its count (one UPDATE)
    order_status, wave_left = progress.count(s, wave=wave, allocation=allocation,
                                             order=order, quantity=unit.quantity)
    swapped = match.allocated_lot_id if match.swap and \
        match.allocated_lot_id != unit.key.lot_id else None
    serial_swapped = match.allocated_serial_id if match.swap and \
        match.allocated_serial_id not in (None, unit.key.serial_id) else None
    pick = Pick(wave_id=wave.id, allocation_id=allocation.id,
                order_line_id=allocation.order_line_id, scan_id=scanned.scan_id,
                raw=scanned.raw[:300], item_id=unit.item.id, lot_id=unit.key.lot_id,
                serial_id=unit.key.serial_id, from_location_id=allocation.location_id,
                quantity=unit.quantity, swapped_from_lot_id=swapped,
                swapped_from_serial_id=serial_swapped,
                picked_by=actor.user_id, picked_at=scanned.now)
    s.add(pick)
    s.flush()
    post(s, actor=actor, doc_type="PICK", doc_no=wave.wave_no, now=scanned.now, lines=[Line(
        kind=MovementKind.PICK, owner_id=allocation.owner_id, item_id=unit.item.id,
        quantity=unit.quantity, lot_id=unit.key.lot_id, serial_id=unit.key.serial_id,
        from_location_id=allocation.location_id, from_status=Status.AVAILABLE,
        from_hu_id=facts.hu_id, to_location_id=wave.staging_location_id,
        to_status=Status.AVAILABLE, reason=_reason(facts, swapped, serial_swapped))],
        known=_known(head, location, facts))
    was_serial = facts.serial_names.get(serial_swapped) if serial_swapped else None
    return PickResult(
        wave_no=wave.wave_no, scan_id=pick.scan_id, pick_id=pick.id, replayed=False,
        order_no=order.order_no, line_no=order.line_no, item=unit.item.code,
        item_name_zh=unit.item.name_zh, item_name_en=unit.item.name_en, lot=unit.lot_no
        if unit.lot else None, expiry=_iso(unit.lot.expiry if unit.lot else None),
        serial=unit.serial.serial if unit.serial else None, quantity=unit.quantity,
        from_location=location.code, to_location=head.staging,
        swapped_from_lot=facts.lot_names.get(swapped) if swapped else None,
        location_remaining=facts.open_here - unit.quantity, wave_remaining=wave_left,
        order_status=order_status, wave_status=wave.status, swapped_from_serial=was_serial,
        warnings=queries.substitution_warnings(unit.serial_no, was_serial, unit.lot_no))


def _known(head: queries.WaveHead, location: Location, facts: Facts) -> Known:
    """The locations and stock rows the pick read and locked already, for the ledger."""
    places = {location.id: Place(location.id, location.warehouse_id, location.code,
                                 location.blocked)}
    if head.staging_place is not None:
        places[head.staging_place.id] = head.staging_place
    return Known(places=places, locked=frozenset(facts.locked), balances=facts.balances)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _reason(facts: Facts, swapped: int | None, serial_swapped: int | None) -> str:
    """The movement's reason: which allocated lot or serial the picked unit replaced."""
    if swapped:
        return LOT_SWAP.text(lot=facts.lot_names.get(swapped, "-"))
    if serial_swapped:
        return SERIAL_SWAP.text(serial=facts.serial_names.get(serial_swapped, "-"))
    return ""


# --- the facts a pick decision needs --------------------------------------------------------

@dataclass
class Facts:
    """The wave's allocations of the item at the location, and the scanned unit's stock."""

    rows: dict[int, Allocation]
    opens: list[rules.Open]
    lot_names: dict[int | None, str]
    customers: dict[int, str]
    serial_names: dict[int | None, str] = field(default_factory=dict)  # allocated serials
    orders: dict[int, progress.OrderOf] = field(default_factory=dict)  # by order line
    open_here: int = 0
    serial_picked: bool = False
    available: int = 0
    blocked_status: str | None = None
    hu_id: int | None = None
    free: int = 0
    # stock keys locked with the decision (lock order step 2: the ledger locks them no more)
    locked: set[StockKey] = field(default_factory=set)
    balances: dict[StockKey, tuple[int, int]] = field(default_factory=dict)


def load_facts(s: Session, wave: Wave, location: Location, unit: Unit, today: date) -> Facts:
    """Load (and lock) what the rules decide on, whatever the wave's size: one statement
    joining the candidate allocations to the unit's stock rows here and at staging, or, when
    that join cannot hold every candidate (an owner without such stock), the two it joins."""
    values = _candidate_values(wave, location, unit)
    shape = _shape(unit)
    if unit.lot_no is None or unit.lot is not None:
        joined = list(s.execute(_joined_query(*shape), values))
        if joined and len({row.Allocation.owner_id for row in joined}) == joined[0].owners:
            return _joined_facts(joined, (location, wave.staging_location_id), unit, today)
    facts = Facts(rows={}, opens=[], lot_names={}, customers={})
    for row in s.execute(_allocations_query(*shape), values):
        _add_allocation(facts, row, today)
    if facts.rows:
        owners = {a.owner_id for a in facts.rows.values()}
        _add_stock(s, facts, (location, wave.staging_location_id), unit, owners)
    return facts


def _shape(unit: Unit) -> tuple[bool, bool]:
    """What a pick's statements depend on beyond their values: whether the scanned unit
    has a known lot and a known serial (each is built once per shape and runs with
    `_candidate_values`: building one cost more than running it)."""
    return unit.key.lot_id is not None, unit.key.serial_id is not None


@functools.cache
def _joined_query(lot_known: bool, serial_known: bool) -> Any:
    """The allocations joined to the stock rows a pick of `unit` here changes (both locked:
    FOR UPDATE OF allocation, stock, sorted by stock key, so stock rows are locked in key
    order), with the number of owners the join should hold: the candidates hold one
    allocation of each owner, and an allocation is left out only when its owner has none
    of the stock."""
    owners = select(Allocation.owner_id).where(*_live_here()).group_by(
        Allocation.owner_id)  # grouped: one row per owner to match, not a lookup per allocation
    live = select(func.count(distinct(Allocation.owner_id))).where(*_live_here())
    on = and_(Stock.owner_id == Allocation.owner_id, Stock.item_id == Allocation.item_id,
              _bound_is(Stock.lot_id, "candidate_lot", lot_known),
              _bound_is(Stock.serial_id, "candidate_serial", serial_known),
              or_(Stock.location_id == bindparam("candidate_location"),
                  and_(Stock.location_id == bindparam("staging"),
                       Stock.status == Status.AVAILABLE, Stock.hu_id.is_(None))))
    return (_allocations_query(lot_known, serial_known, lock=False).join(Stock, on)
            .add_columns(Stock, _bound_reserved(lot_known, serial_known,
                                                Allocation.owner_id.in_(owners)).label("reserved"),
                         live.scalar_subquery().label("owners"))
            .order_by(None).order_by(Stock.key, Allocation.id)
            .with_for_update(of=[Allocation, Stock]))


def _joined_facts(rows: list[Any], where: tuple[Location, int], unit: Unit,
                  today: date) -> Facts:
    facts = Facts(rows={}, opens=[], lot_names={}, customers={})
    for row in sorted({r.Allocation.id: r for r in rows}.values(), key=lambda r: r.Allocation.id):
        _add_allocation(facts, row, today)
    stocks = sorted({r.Stock.id: r.Stock for r in rows}.values(), key=lambda x: x.key)
    owners = {a.owner_id for a in facts.rows.values()}
    _take_stock(facts, stocks, int(rows[0].reserved or 0), where, (unit, owners))
    return facts


def _live_here() -> tuple[Any, ...]:
    """The live allocations of the scanned item at the scanned location in the wave."""
    # an IN, not "!= CANCELLED": the (wave, location, status) index serves it
    return (Allocation.wave_id == bindparam("candidate_wave"),
            Allocation.location_id == bindparam("candidate_location"),
            Allocation.item_id == bindparam("candidate_item"), Allocation.status.in_(LIVE))


def _other_wave(s: Session, wave: Wave, location: Location, unit: Unit) -> str | None:
    """Another wave with OPEN allocations of the scanned stock key here (refusals only)."""
    other: str | None = s.scalar(_same_key(select(Wave.wave_no).join(
        Allocation, Allocation.wave_id == Wave.id), location, unit)
        .where(Wave.id != wave.id).limit(1))
    return other


@functools.cache
def _allocations_query(lot_known: bool, serial_known: bool, *, lock: bool = True) -> Any:
    serial_picked = select(Pick.id).where(
        Pick.wave_id == bindparam("candidate_wave"),
        Pick.serial_id == bindparam("candidate_serial")).exists() if serial_known else false()
    query = (select(Allocation, Lot.lot_no, Lot.expiry, SerialUnit.serial.label("serial"),
                    OrderLine.lot_no.label("required_lot"),
                    OrderLine.serial.label("required_serial"), OrderLine.line_no,
                    OutboundOrder.id.label("order_id"), OutboundOrder.order_no,
                    OutboundOrder.status.label("order_status"),
                    queries.open_of_order(OutboundOrder.id).label("order_open"),
                    OutboundOrder.delivery_date, OutboundOrder.requested_ship_date,
                    Partner.code.label("customer"), Partner.min_remaining_days,
                    queries.open_here(bindparam("candidate_wave"),
                                      bindparam("candidate_location")).label("open_here"),
                    serial_picked.label("serial_picked"))
             .join(OrderLine, OrderLine.id == Allocation.order_line_id)
             .join(OutboundOrder, OutboundOrder.id == OrderLine.order_id)
             .outerjoin(Partner, Partner.id == OutboundOrder.consignee_id)
             .outerjoin(Lot, Lot.id == Allocation.lot_id)
             .outerjoin(SerialUnit, SerialUnit.id == Allocation.serial_id)
             .where(*_live_here(), _candidates(lot_known, serial_known))
             .order_by(Allocation.id))
    return query.with_for_update(of=Allocation) if lock else query


def _candidates(lot_known: bool, serial_known: bool) -> Any:
    """The allocations the rules decide a pick on (`_candidates_of`): the seam a test
    widens to every allocation, to hold the narrowed read to the full one."""
    return _candidates_of(lot_known, serial_known)


def _candidate_values(wave: Wave, location: Location, unit: Unit) -> dict[str, Any]:
    """The values `_candidates_of` binds."""
    key = unit.key
    return {"candidate_wave": wave.id, "candidate_location": location.id,
            "candidate_item": key.item_id, "candidate_lot": key.lot_id,
            "candidate_serial": key.serial_id, "candidate_quantity": unit.quantity,
            "staging": wave.staging_location_id}


@functools.cache
def _candidates_of(lot_known: bool, serial_known: bool) -> Any:
    """The allocations the rules decide a pick on, a fixed number however many the wave has
    here: for each question `rules.decide` and the refusals ask of all of them, the one
    allocation that answers it, and the first of each owner (its stock is among the facts;
    the very first is the one a refusal names when no swap is possible). The rules choose
    among these as they would among all.

    What the order line names is read per allocation by its key and only sorted on, never
    filtered on: a filter on it lets a planner without statistics scan the order lines.
    Built once per shape of scan, with its values bound: building it costs more than it runs.
    """
    a, lot = aliased(Allocation), aliased(Lot)
    left = case((a.status == AllocationStatus.OPEN, a.quantity - a.picked_qty), else_=0)
    roomy = left >= bindparam("candidate_quantity")
    named_lot, named_serial = _named(a)
    own_lot = a.lot_id == bindparam("candidate_lot") if lot_known else a.lot_id.is_(None)
    own_serial = or_(a.serial_id.is_(None), a.serial_id == bindparam("candidate_serial")) \
        if serial_known else a.serial_id.is_(None)
    here = select(a.id).where(
        a.wave_id == bindparam("candidate_wave"), a.location_id == bindparam("candidate_location"),
        a.item_id == bindparam("candidate_item"), a.status.in_(LIVE))
    firsts = [
        # the unit's own lot (and serial): a direct match, or QuantityBeyondAllocation
        here.where(own_lot, own_serial).order_by(roomy.desc(), a.id),
        # another serial of its lot (serial_of_same_lot), one the order does not name first
        here.where(own_lot, a.serial_id.is_not(None), roomy).order_by(named_serial, a.id),
        # the lot swap's target (swap_candidate): room, an unnamed lot, latest expiry
        here.outerjoin(lot, lot.id == a.lot_id).where(roomy)
        .order_by(named_lot, lot.expiry.is_(None).desc(), lot.expiry.desc(), a.id),
        # whether every allocation with units left names its lot (RequiredLot)
        here.where(left > 0).order_by(named_lot, a.id),
        # the most units left (QuantityBeyondAllocation's remaining)
        here.order_by(left.desc(), a.id),
    ]
    of_each_owner = here.with_only_columns(func.min(a.id)).group_by(a.owner_id)
    return or_(Allocation.id.in_([first.limit(1).scalar_subquery() for first in firsts]),
               Allocation.id.in_(of_each_owner))


def _named(allocation: Any) -> tuple[Any, Any]:
    """Whether the allocation's order line names its lot (or serial), and its serial: 1 or 0,
    each read by the line's key (`rules.Open.lot_required`, `serial_required`)."""
    line = aliased(OrderLine)

    def flag(condition: Any) -> Any:
        return select(case((condition, 1), else_=0)).where(
            line.id == allocation.order_line_id).scalar_subquery()

    serial = func.coalesce(line.serial, "") != ""
    return flag(or_(func.coalesce(line.lot_no, "") != "", serial)), flag(serial)


def _add_allocation(facts: Facts, row: Any, today: date) -> None:
    a: Allocation = row.Allocation
    facts.rows[a.id] = a
    facts.lot_names[a.lot_id] = row.lot_no or "-"
    if a.serial_id is not None:
        facts.serial_names[a.serial_id] = row.serial or "-"
    facts.customers[a.id] = row.customer or "-"
    facts.orders[a.order_line_id] = progress.OrderOf(row.order_id, row.order_no, row.line_no,
                                          row.order_status, int(row.order_open))
    facts.open_here, facts.serial_picked = int(row.open_here), bool(row.serial_picked)
    facts.opens.append(rules.Open(
        allocation_id=a.id, lot_id=a.lot_id, serial_id=a.serial_id, expiry=row.expiry,
        remaining=a.quantity - a.picked_qty if a.status == AllocationStatus.OPEN else 0,
        lot_required=bool(row.required_lot or row.required_serial),
        serial_required=bool(row.required_serial),
        delivery=row.delivery_date or row.requested_ship_date or today,
        min_days=row.min_remaining_days or 0))


def _add_stock(s: Session, facts: Facts, where: tuple[Location, int], unit: Unit,
               owners: set[int]) -> None:
    """Lock the unit's stock rows here and its balances at staging (one statement, key
    order: the ledger locks nothing more) and read what open allocations reserve here."""
    if unit.lot_no is not None and unit.lot is None:
        return  # a lot we never received is nowhere in stock
    location, staging = where
    key = unit.key
    reserved = _reserved(location, unit, Allocation.owner_id.in_(owners))
    here = and_(Stock.item_id == key.item_id, Stock.location_id == location.id,
                _is(Stock.lot_id, key.lot_id), _is(Stock.serial_id, key.serial_id),
                Stock.owner_id.in_(owners))
    arrivals = _arrivals(staging, unit, owners)
    rows = s.execute(select(Stock, reserved.label("reserved")).where(
        or_(here, Stock.key.in_(sorted(k.text for k in arrivals))))
        .order_by(Stock.key).with_for_update(of=Stock)).all()
    _take_stock(facts, [row.Stock for row in rows], int(rows[0].reserved or 0) if rows else 0,
                where, (unit, owners))


def _arrivals(staging: int, unit: Unit, owners: set[int]) -> set[StockKey]:
    """The balances a pick of `unit` adds to at staging, one per owner."""
    key = unit.key
    return {StockKey(owner, key.item_id, key.lot_id, key.serial_id, staging,
                     Status.AVAILABLE, None) for owner in owners}


def _reserved(location: Location, unit: Unit, of_owners: Any) -> Any:
    """Units the OPEN allocations of the scanned stock key here reserve (a scalar subquery)."""
    return _same_key(select(func.coalesce(func.sum(
        Allocation.quantity - Allocation.picked_qty), 0)), location, unit).where(
        of_owners).scalar_subquery()


def _take_stock(facts: Facts, every: list[Stock], reserved: int, where: tuple[Location, int],
                of: tuple[Unit, set[int]]) -> None:
    """What the locked stock rows (in key order) tell the rules, and the keys locked."""
    (location, staging), (unit, owners) = where, of
    stocks = [x for x in every if x.location_id == location.id]
    facts.locked = _arrivals(staging, unit, owners) | {_key_of(x) for x in stocks}
    facts.balances = {_key_of(x): (x.id, x.quantity) for x in every}
    usable = [x for x in stocks if x.status == Status.AVAILABLE]
    blocked = [x for x in stocks if x.status != Status.AVAILABLE]
    facts.available = sum(x.quantity for x in usable)
    facts.blocked_status = blocked[0].status if blocked else None
    if usable:
        facts.hu_id = max(usable, key=lambda x: (x.quantity >= unit.quantity, -x.id)).hu_id
    facts.free = facts.available - (reserved if every else 0)


def _key_of(stock: Stock) -> StockKey:
    return StockKey(stock.owner_id, stock.item_id, stock.lot_id, stock.serial_id,
                    stock.location_id, stock.status, stock.hu_id)


def _same_key(query: Any, location: Location, unit: Unit) -> Any:
    """OPEN allocations of the scanned unit's stock key at the location."""
    key = unit.key
    serial = Allocation.serial_id == key.serial_id if key.serial_id is not None \
        else Allocation.serial_id.is_(None)
    return query.where(Allocation.item_id == key.item_id, _is(Allocation.lot_id, key.lot_id),
                       Allocation.location_id == location.id, serial,
                       Allocation.status == AllocationStatus.OPEN)


def _is(column: Any, value: int | None) -> Any:
    return column.is_(None) if value is None else column == value


def _bound_is(column: Any, name: str, known: bool) -> Any:
    """`_is` for a statement built once: equal to the bound value `name` if known."""
    return column == bindparam(name) if known else column.is_(None)


def _bound_reserved(lot_known: bool, serial_known: bool, of_owners: Any) -> Any:
    """`_reserved` for a statement built once, from `_candidate_values`."""
    return select(func.coalesce(func.sum(Allocation.quantity - Allocation.picked_qty), 0)).where(
        Allocation.item_id == bindparam("candidate_item"),
        _bound_is(Allocation.lot_id, "candidate_lot", lot_known),
        Allocation.location_id == bindparam("candidate_location"),
        _bound_is(Allocation.serial_id, "candidate_serial", serial_known),
        Allocation.status == AllocationStatus.OPEN, of_owners).scalar_subquery()
