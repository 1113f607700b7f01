"""Customer returns (退货): received against the original shipment into QUARANTINE.

Each scan posts a RETURN movement (doc RET/<return no>, partner = the customer) to a location
in the warehouse's RETURNS zone, status QUARANTINE, with the reason; the inspector then
releases or rejects the lot as in inbound. G31: a unit we never shipped to this customer
(per shipment lines), or more than we shipped, is refused with RETURN_UNIT_NOT_SHIPPED; the
receiver may resend the scan with `accept_flagged` after checking, and the unit is then
accepted into quarantine with `ReturnLine.flagged` saying why. A scan id applies once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from medwms.auth.guard import out_of_sight, require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import ValidationError
from medwms.core.ids import new_doc_no
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Movement, MovementKind, SerialUnit, Status, Stock
from medwms.masterdata.tables import Item, Location, Warehouse, ZoneKind
from medwms.orders.tables import OutboundOrder
from medwms.shipping import errors, lookup, rules
from medwms.shipping.lookup import ScannedUnit
from medwms.shipping.reasons import RETURNED, RETURNED_FLAGGED
from medwms.shipping.tables import CustomerReturn, ReturnLine, Shipment, ShipmentLine

SHIPPED_STATUSES = ("SHIPPED", "SHORT", "RECEIVED")


@dataclass(frozen=True)
class OpenedReturn:
    return_no: str
    shipment_no: str
    status: str


@dataclass(frozen=True)
class ReturnScan:
    """One accepted return scan: what came back, where, and any flag."""

    return_no: str
    item: str
    lot: str | None
    serial: str | None
    quantity: int
    location: str
    status: str
    flagged: str
    replayed: bool


def open_return(db: Database, *, actor: Actor, shipment_no: str, reason: str,
                now: datetime | None = None) -> OpenedReturn:
    """Open a return against the original shipment (its number is required, G31)."""
    require(actor, Perm.RECEIVE)
    if not reason.strip():
        raise ValidationError("a return needs the customer's reason", field="reason")
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        shipment = lookup.shipment_for(s, actor, shipment_no, lock=False)
        if shipment.to_warehouse_id is not None:
            raise errors.NotACustomerShipment(shipment_no=shipment.shipment_no,
                                              status=shipment.status)
        if shipment.status not in SHIPPED_STATUSES:
            raise errors.ShipmentNotShipped(shipment_no=shipment.shipment_no,
                                            status=shipment.status)
        opened = CustomerReturn(return_no=new_doc_no("RET", now), shipment_id=shipment.id,
                                warehouse_id=shipment.warehouse_id,
                                consignee_id=shipment.consignee_id, status="OPEN",
                                reason=reason.strip(), opened_at=now, opened_by=actor.user_id)
        s.add(opened)
        uow.commit()
        return OpenedReturn(opened.return_no, shipment.shipment_no, opened.status)


def return_scan(db: Database, *, actor: Actor, return_no: str, scan_id: str, raw: str,
                reason: str = "", accept_flagged: bool = False, location: str | None = None,
                now: datetime | None = None) -> ReturnScan:
    """Scan a returned unit into quarantine; a unit never shipped to them needs accept_flagged."""
    require(actor, Perm.RECEIVE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        opened = _open_return(s, actor, return_no)
        earlier = s.scalars(select(ReturnLine).where(ReturnLine.return_id == opened.id,
                                                     ReturnLine.scan_id == scan_id)).first()
        if earlier is not None:
            return _view(s, opened, earlier, _placed(s, opened, earlier), replayed=True)
        timezone = s.get_one(Warehouse, opened.warehouse_id).timezone
        scanned = lookup.read_unit(s, raw, local_date(now, timezone))
        flag = _flag(s, opened, scanned)
        if flag is not None and not accept_flagged:
            raise errors.ReturnNotShipped(item=scanned.item.code, lot=scanned.lot or "—",
                                          serial=scanned.serial or "—",
                                          quantity=scanned.quantity, flag=flag.en,
                                          flag_zh=flag.zh)
        place = lookup.site_location(s, opened.warehouse_id, ZoneKind.RETURNS, location)
        line = _record(s, actor, opened, scanned, (scan_id, raw, reason), flag, place.id, now)
        uow.commit()
        return _view(s, opened, line, place.code, replayed=False)


def _open_return(s: Session, actor: Actor, return_no: str) -> CustomerReturn:
    found = s.scalars(select(CustomerReturn).where(
        CustomerReturn.return_no == return_no.strip().upper()).with_for_update()).first()
    if found is None or out_of_sight(actor, found.warehouse_id):
        raise errors.ReturnNotFound(return_no=return_no)
    return found


def _flag(s: Session, opened: CustomerReturn, scanned: ScannedUnit) -> rules.ReturnFlag | None:
    lot = lookup.lot_of(s, scanned.item.id, scanned.lot)
    serial = lookup.serial_of(s, scanned.item.id, scanned.serial)
    if (scanned.lot and lot is None) or (scanned.serial and serial is None):
        return rules.return_flag(0, 0, scanned.quantity, scanned.serial is not None)
    if serial is not None:
        _refuse_serial_in_stock(s, scanned, serial)
    shipped = _sum(s, select(func.sum(ShipmentLine.quantity)).join(
        Shipment, Shipment.id == ShipmentLine.shipment_id).where(
        Shipment.consignee_id == opened.consignee_id,
        Shipment.status.in_(SHIPPED_STATUSES), Shipment.to_warehouse_id.is_(None),
        *_same(ShipmentLine, scanned.item.id, lot, serial)))
    returned = _sum(s, select(func.sum(ReturnLine.quantity)).join(
        CustomerReturn, CustomerReturn.id == ReturnLine.return_id).where(
        CustomerReturn.consignee_id == opened.consignee_id,
        *_same(ReturnLine, scanned.item.id, lot, serial)))
    return rules.return_flag(shipped, returned, scanned.quantity, serial is not None)


def _same(model: type[ShipmentLine] | type[ReturnLine], item_id: int, lot: Lot | None,
          serial: SerialUnit | None) -> list[ColumnElement[bool]]:
    if serial is not None:
        return [model.item_id == item_id, model.serial_id == serial.id]
    return [model.item_id == item_id,
            model.lot_id == lot.id if lot is not None else model.lot_id.is_(None)]


def _sum(s: Session, query: Select[int]) -> int:
    return int(s.scalar(query) or 0)


def _refuse_serial_in_stock(s: Session, scanned: ScannedUnit, serial: SerialUnit) -> None:
    held = s.scalar(select(func.sum(Stock.quantity)).where(Stock.serial_id == serial.id))
    if held:
        raise errors.SerialStillInStock(item=scanned.item.code, serial=serial.serial)


def _record(s: Session, actor: Actor, opened: CustomerReturn, scanned: ScannedUnit,
            said: tuple[str, str, str], flag: rules.ReturnFlag | None, place: int,
            now: datetime) -> ReturnLine:
    scan_id, raw, reason = said
    lot, serial = _identity(s, scanned)
    shipment = s.get_one(Shipment, opened.shipment_id)
    owner = s.get_one(OutboundOrder, shipment.order_id).owner_id
    why = reason.strip() or opened.reason
    flagged = flag.en if flag else ""
    text = RETURNED_FLAGGED.text(reason=why, flag=flagged) if flagged else RETURNED.text(reason=why)
    post(s, actor=actor, doc_type="RET", doc_no=opened.return_no, now=now, lines=[Line(
        kind=MovementKind.RETURN, owner_id=owner, item_id=scanned.item.id,
        quantity=scanned.quantity, lot_id=lot.id if lot else None,
        serial_id=serial.id if serial else None, to_location_id=place,
        to_status=Status.QUARANTINE, partner_id=opened.consignee_id, reason=text[:300])])
    line = ReturnLine(return_id=opened.id, scan_id=scan_id, raw=raw[:300],
                      item_id=scanned.item.id, lot_id=lot.id if lot else None,
                      serial_id=serial.id if serial else None, quantity=scanned.quantity,
                      reason=why[:300], flagged=flagged[:300], scanned_at=now)
    s.add(line)
    s.flush()
    return line


def _identity(s: Session, scanned: ScannedUnit) -> tuple[Lot | None, SerialUnit | None]:
    """The lot and serial rows of a returned unit, created when we never knew them."""
    lot = lookup.lot_of(s, scanned.item.id, scanned.lot)
    if scanned.lot and lot is None:
        lot = Lot(item_id=scanned.item.id, lot_no=scanned.lot, expiry=scanned.expiry)
        s.add(lot)
        s.flush()
    serial = lookup.serial_of(s, scanned.item.id, scanned.serial)
    if scanned.serial and serial is None:
        serial = SerialUnit(item_id=scanned.item.id, serial=scanned.serial,
                            lot_id=lot.id if lot else None)
        s.add(serial)
        s.flush()
    if lot is None and serial is not None and serial.lot_id:
        lot = s.get(Lot, serial.lot_id)
    return lot, serial


def _placed(s: Session, opened: CustomerReturn, line: ReturnLine) -> str:
    """Where an earlier scan put its unit (from its RETURN movement)."""
    return s.scalar(select(Location.code).join(Movement, Movement.to_location_id == Location.id)
                    .where(Movement.doc_type == "RET", Movement.doc_no == opened.return_no,
                           Movement.item_id == line.item_id).limit(1)) or ""


def _view(s: Session, opened: CustomerReturn, line: ReturnLine, place: str, *,
          replayed: bool) -> ReturnScan:
    item = s.get_one(Item, line.item_id).code
    lot = s.get_one(Lot, line.lot_id).lot_no if line.lot_id else None
    serial = s.get_one(SerialUnit, line.serial_id).serial if line.serial_id else None
    return ReturnScan(opened.return_no, item, lot, serial, line.quantity, place,
                      Status.QUARANTINE, line.flagged, replayed)
