"""Receiving a transfer (调拨收货) at the other warehouse, closing it, resolving what is missing.

A receipt scan (an SSCC: all its open lines; a device UDI: the matching open lines) posts,
in one document SHP/<shipment no>, a TRANSFER_OUT from the shipping warehouse's transit
location (IN_TRANSIT) and a TRANSFER_IN to the receiving dock in the units' previous status
(AVAILABLE stays AVAILABLE, no new acceptance) — unless a cold-chain item arrives outside
its range: then QUARANTINE with reason "HOLD: …" for quality. Over and unexpected scans
post nothing and are written to the shipment's discrepancy report (`Shipment.discrepancies`,
JSON: over, unexpected, cold_chain, short, resolved); units not received stay IN_TRANSIT
until a manager resolves them: FOUND (received) or LOST (written off by an ADJUST).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import ValidationError
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import HandlingUnit, Lot, Movement, MovementKind, SerialUnit, Status
from medwms.masterdata.tables import Item, Warehouse, ZoneKind
from medwms.orders.tables import OutboundOrder
from medwms.shipping import errors, lookup, rules
from medwms.shipping.reasons import LOST_IN_TRANSIT
from medwms.shipping.tables import Shipment, ShipmentLine, ShippingUnit

OPEN_STATUSES = ("SHIPPED", "SHORT")


@dataclass(frozen=True)
class ReceivedPart:
    item: str
    lot: str | None
    serial: str | None
    quantity: int
    status: str
    reason: str


@dataclass(frozen=True)
class TransferScan:
    """What one receipt scan did: the parts received, and any over/unexpected quantity."""

    shipment_no: str
    received: list[ReceivedPart]
    over: int
    unexpected: int
    outstanding: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TransferReport:
    """The transfer's state after close or resolve: status, outstanding units, discrepancies."""

    shipment_no: str
    status: str
    outstanding: int
    discrepancies: dict[str, Any]


@dataclass(frozen=True)
class _Receiving:
    shipment: Shipment
    order: OutboundOrder
    dock: int
    transit: int
    timezone: str


@dataclass(frozen=True)
class _Take:
    line: ShipmentLine
    hu_id: int
    quantity: int


@dataclass(frozen=True)
class _Wanted:
    """What a scan asks for: open lines to settle, the excess, and how to name it."""

    takes: list[_Take]
    excess: int
    known: bool
    label: dict[str, Any]


def receive_transfer_scan(db: Database, *, actor: Actor, shipment_no: str, raw: str,
                          arrival_temp: Decimal | None = None, location: str | None = None,
                          now: datetime | None = None) -> TransferScan:
    """Scan a transferred unit (or a whole shipping unit by its SSCC) in at the receiving site."""
    require(actor, Perm.RECEIVE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        ctx = _receiving(s, actor, shipment_no, location)
        today = local_date(now, ctx.timezone)
        sscc = lookup.scanned_sscc(raw, today)
        wanted = _by_sscc(s, ctx.shipment, sscc) if sscc else \
            _by_unit(s, ctx.shipment, raw, today)
        report = _report(ctx.shipment)
        parts = _receive(s, actor, ctx, wanted.takes, arrival_temp, now, report)
        over = wanted.excess if wanted.known else 0
        if wanted.excess:
            entry = {**wanted.label, "quantity": wanted.excess, "raw": raw[:80]}
            report["over" if wanted.known else "unexpected"].append(entry)
        _save(ctx.shipment, report)
        outstanding = sum(_outstanding(s, ctx.shipment, report).values())
        uow.commit()
    return TransferScan(ctx.shipment.shipment_no, parts, over, wanted.excess - over,
                        outstanding, _warnings(parts, wanted))


def _receiving(s: Session, actor: Actor, shipment_no: str, location: str | None) -> _Receiving:
    shipment = lookup.shipment_for(s, actor, shipment_no, receiving=True)
    if shipment.to_warehouse_id is None:
        raise errors.NotATransfer(shipment_no=shipment.shipment_no, status=shipment.status)
    if shipment.status not in OPEN_STATUSES:
        raise errors.ShipmentNotShipped(shipment_no=shipment.shipment_no,
                                        status=shipment.status)
    dock = lookup.site_location(s, shipment.to_warehouse_id, ZoneKind.RECEIVING, location)
    transit = lookup.transit_location(s, shipment.warehouse_id)
    timezone = s.get_one(Warehouse, shipment.to_warehouse_id).timezone
    return _Receiving(shipment, s.get_one(OutboundOrder, shipment.order_id), dock.id,
                      transit.id, timezone)


def _lines(s: Session, shipment: Shipment) -> list[tuple[ShipmentLine, int, str]]:
    """The shipment's lines with their handling unit id and SSCC, in line order."""
    rows = s.execute(select(ShipmentLine, ShippingUnit.hu_id, HandlingUnit.sscc)
                     .join(ShippingUnit, ShippingUnit.id == ShipmentLine.shipping_unit_id)
                     .join(HandlingUnit, HandlingUnit.id == ShippingUnit.hu_id)
                     .where(ShipmentLine.shipment_id == shipment.id)
                     .order_by(ShipmentLine.id))
    return [(line, hu_id, sscc) for line, hu_id, sscc in rows]


def _by_sscc(s: Session, shipment: Shipment, sscc: str) -> _Wanted:
    lines = [(line, hu) for line, hu, code in _lines(s, shipment) if code == sscc]
    left = _outstanding(s, shipment, _report(shipment))
    takes = [_Take(line, hu, left[line.id]) for line, hu in lines if left[line.id] > 0]
    excess = 0 if takes else (sum(line.quantity for line, _ in lines) or 1)
    return _Wanted(takes, excess, bool(lines), {"sscc": sscc})


def _by_unit(s: Session, shipment: Shipment, raw: str, today: Any) -> _Wanted:
    scanned = lookup.read_unit(s, raw, today)
    lot = lookup.lot_of(s, scanned.item.id, scanned.lot)
    serial = lookup.serial_of(s, scanned.item.id, scanned.serial)
    label = {"item": scanned.item.code, "lot": scanned.lot, "serial": scanned.serial}
    lines = _lines(s, shipment)
    left = _outstanding(s, shipment, _report(shipment))
    matching = [(line, hu) for line, hu, _ in lines if _matches(line, scanned.item.id, lot,
                                                                 serial)]
    opened = [rules.OpenLine(line.id, (line.item_id, line.lot_id, line.serial_id),
                             left[line.id]) for line, _ in matching]
    key = opened[0].key if opened else (scanned.item.id, None, None)
    settled, excess = rules.match_receipt(opened, key, scanned.quantity)
    hu_of = {line.id: (line, hu) for line, hu in matching}
    takes = [_Take(hu_of[line_id][0], hu_of[line_id][1], qty) for line_id, qty in settled]
    return _Wanted(takes, excess, bool(matching), label)


def _matches(line: ShipmentLine, item_id: int, lot: Lot | None,
             serial: SerialUnit | None) -> bool:
    if line.item_id != item_id:
        return False
    if serial is not None or line.serial_id is not None:
        return serial is not None and line.serial_id == serial.id
    return lot is not None and line.lot_id == lot.id


def _receive(s: Session, actor: Actor, ctx: _Receiving, takes: list[_Take],
             arrival_temp: Decimal | None, now: datetime,
             report: dict[str, Any]) -> list[ReceivedPart]:
    """Post the taken quantities out of transit and in at the dock; update the lines."""
    lines: list[Line] = []
    parts: list[ReceivedPart] = []
    for take in takes:
        item = s.get_one(Item, take.line.item_id)
        span = lookup.temp_range(item)
        if span.cold and arrival_temp is None:
            raise errors.ArrivalTemperatureRequired(item=item.code)
        came = rules.arrival(_previous_status(s, ctx.shipment, take.line), span,
                             arrival_temp if span.cold else None)
        lines += _pair(ctx, take, came)
        part = ReceivedPart(item.code, _lot_no(s, take.line.lot_id),
                            _serial(s, take.line.serial_id), take.quantity, came.status,
                            came.reason)
        parts.append(part)
        if came.status != Status.AVAILABLE and came.reason.startswith("HOLD"):
            report["cold_chain"].append({"item": part.item, "lot": part.lot,
                                         "serial": part.serial, "quantity": part.quantity,
                                         "temperature": str(arrival_temp),
                                         "range": span.text()})
        take.line.received_qty += take.quantity
    if lines:
        post(s, actor=actor, doc_type="SHP", doc_no=ctx.shipment.shipment_no, lines=lines,
             now=now)
    return parts


def _pair(ctx: _Receiving, take: _Take, came: rules.Arrival) -> list[Line]:
    line = take.line
    out = Line(kind=MovementKind.TRANSFER_OUT, owner_id=ctx.order.owner_id,
               item_id=line.item_id, quantity=take.quantity, lot_id=line.lot_id,
               serial_id=line.serial_id, from_location_id=ctx.transit,
               from_status=Status.IN_TRANSIT, from_hu_id=take.hu_id, reason=came.reason)
    into = replace(out, kind=MovementKind.TRANSFER_IN, from_location_id=None,
                   from_status=None, from_hu_id=None, to_location_id=ctx.dock,
                   to_status=came.status)
    return [out, into]


def _previous_status(s: Session, shipment: Shipment, line: ShipmentLine) -> str:
    """The status the units had before they went in transit (from the shipment's movements)."""
    found = s.scalar(select(Movement.from_status).where(
        Movement.doc_type == "SHP", Movement.doc_no == shipment.shipment_no,
        Movement.kind == MovementKind.TRANSFER_OUT, Movement.to_status == Status.IN_TRANSIT,
        Movement.item_id == line.item_id).limit(1))
    return found or Status.AVAILABLE


def _lot_no(s: Session, lot_id: int | None) -> str | None:
    return s.get_one(Lot, lot_id).lot_no if lot_id else None


def _serial(s: Session, serial_id: int | None) -> str | None:
    return s.get_one(SerialUnit, serial_id).serial if serial_id else None


def _warnings(parts: list[ReceivedPart], wanted: _Wanted) -> list[str]:
    found = [f"{p.item} {p.lot or ''} {p.serial or ''}: {p.reason}".replace("  ", " ")
             for p in parts if p.status == Status.QUARANTINE]
    if wanted.excess:
        what = "over the shipped quantity" if wanted.known else "not in this transfer"
        found.append(f"{wanted.excess} scanned {what}: reported, nothing posted")
    return found


EMPTY: dict[str, list[Any]] = {"over": [], "unexpected": [], "cold_chain": [], "short": [],
                               "resolved": []}


def _report(shipment: Shipment) -> dict[str, Any]:
    loaded = json.loads(shipment.discrepancies) if shipment.discrepancies else {}
    return {key: list(loaded.get(key, [])) for key in EMPTY}


def _save(shipment: Shipment, report: dict[str, Any]) -> None:
    shipment.discrepancies = json.dumps(report, ensure_ascii=False, sort_keys=True)


def _outstanding(s: Session, shipment: Shipment, report: dict[str, Any]) -> dict[int, int]:
    """Units per line still in transit: shipped − received − written off as lost."""
    lost: dict[int, int] = {}
    for entry in report["resolved"]:
        if entry["outcome"] == "LOST":
            lost[entry["line_id"]] = lost.get(entry["line_id"], 0) + entry["quantity"]
    lines = s.scalars(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id))
    return {line.id: line.quantity - line.received_qty - lost.get(line.id, 0)
            for line in lines}


def close_transfer_receipt(db: Database, *, actor: Actor, shipment_no: str,
                           now: datetime | None = None) -> TransferReport:
    """End the receipt: what is not received is reported short and stays IN_TRANSIT."""
    require(actor, Perm.RECEIVE)
    with db.unit_of_work() as uow:
        s = uow.session
        ctx = _receiving(s, actor, shipment_no, None)
        report = _report(ctx.shipment)
        left = _outstanding(s, ctx.shipment, report)
        report["short"] = [_short(s, line, left[line.id]) for line, _, _ in
                           _lines(s, ctx.shipment) if left[line.id] > 0]
        _save(ctx.shipment, report)
        ctx.shipment.status = "SHORT" if report["short"] else "RECEIVED"
        ctx.shipment.received_at = now or utc_now()
        uow.commit()
        return TransferReport(ctx.shipment.shipment_no, ctx.shipment.status,
                              sum(left.values()), report)


def _short(s: Session, line: ShipmentLine, missing: int) -> dict[str, Any]:
    return {"line_id": line.id, "item": s.get_one(Item, line.item_id).code,
            "lot": _lot_no(s, line.lot_id), "serial": _serial(s, line.serial_id),
            "shipped": line.quantity, "received": line.received_qty, "quantity": missing}


def resolve_transfer_line(db: Database, *, actor: Actor, shipment_no: str, line_id: int,
                          outcome: str, quantity: int, reason: str,
                          arrival_temp: Decimal | None = None, location: str | None = None,
                          now: datetime | None = None) -> TransferReport:
    """A manager settles missing units: FOUND (received now) or LOST (written off)."""
    require(actor, Perm.RESOLVE_DISCREPANCY)
    _check_resolution(outcome, quantity, reason)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        ctx = _receiving(s, actor, shipment_no, location)
        report = _report(ctx.shipment)
        line, hu_id = _open_line(s, ctx.shipment, line_id, quantity, report)
        take = _Take(line, hu_id, quantity)
        if outcome == "FOUND":
            _receive(s, actor, ctx, [take], arrival_temp, now, report)
        else:
            _write_off(s, actor, ctx, take, reason, now)
        report["resolved"].append({"line_id": line_id, "outcome": outcome,
                                   "quantity": quantity, "reason": reason.strip(),
                                   "by": actor.username, "at": now.isoformat()})
        left = sum(_outstanding(s, ctx.shipment, report).values())
        if left == 0:
            ctx.shipment.status = "RECEIVED"
        _save(ctx.shipment, report)
        record_audit(s, actor=actor, action=f"transfer.{outcome.lower()}", entity="shipment",
                     entity_key=ctx.shipment.shipment_no, reason=reason.strip(),
                     after={"line_id": line_id, "quantity": quantity})
        uow.commit()
        return TransferReport(ctx.shipment.shipment_no, ctx.shipment.status, left, report)


def _check_resolution(outcome: str, quantity: int, reason: str) -> None:
    if outcome not in ("FOUND", "LOST"):
        raise ValidationError("outcome is FOUND or LOST", field="outcome")
    if quantity < 1:
        raise ValidationError("quantity must be 1 or more", field="quantity")
    if not reason.strip():
        raise ValidationError("a manager's resolution needs a reason", field="reason")


def _open_line(s: Session, shipment: Shipment, line_id: int, quantity: int,
               report: dict[str, Any]) -> tuple[ShipmentLine, int]:
    found = [(line, hu) for line, hu, _ in _lines(s, shipment) if line.id == line_id]
    left = _outstanding(s, shipment, report).get(line_id, 0)
    if not found or left < quantity:
        raise errors.NothingOutstanding(shipment_no=shipment.shipment_no, line_id=line_id,
                                        outstanding=left, requested=quantity)
    return found[0]


def _write_off(s: Session, actor: Actor, ctx: _Receiving, take: _Take, reason: str,
               now: datetime) -> None:
    line = take.line
    post(s, actor=actor, doc_type="SHP", doc_no=ctx.shipment.shipment_no, now=now,
         lines=[Line(kind=MovementKind.ADJUST, owner_id=ctx.order.owner_id,
                     item_id=line.item_id, quantity=take.quantity, lot_id=line.lot_id,
                     serial_id=line.serial_id, from_location_id=ctx.transit,
                     from_status=Status.IN_TRANSIT, from_hu_id=take.hu_id,
                     reason=LOST_IN_TRANSIT.text(reason=reason.strip()))])
