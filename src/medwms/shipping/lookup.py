"""Loading what shipping commands work on: orders, shipments, scanned units, site locations.

The transit location: each warehouse has one location in a SHIPPING-kind zone with code
`TRANSIT`, coded `<WAREHOUSE>-TRANSIT`; stock shipped to another of our warehouses waits
there as IN_TRANSIT until the receiving warehouse scans it in. It is created on the first
transfer if master data lacks it. It is never allocated: allocation takes only AVAILABLE
stock in STORAGE zones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from medwms.auth.guard import seeing_as
from medwms.auth.rules import Actor
from medwms.barcode import parse_scan, whole_item
from medwms.core.clock import local_date
from medwms.core.errors import NotFound
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.queries import resolve_gtin
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.tables import Item, Location, Warehouse, Zone, ZoneKind
from medwms.orders.tables import OrderStatus, OutboundOrder
from medwms.shipping import errors
from medwms.shipping.rules import TempRange
from medwms.shipping.tables import Shipment
from medwms.verification.tables import ReviewBlock, Verification, VerificationLine

TRANSIT_ZONE = "TRANSIT"


def order_by_no(s: Session, order_no: str, *, lock: bool = False) -> OutboundOrder:
    """The order numbered `order_no` (locked when asked); ORDER_NOT_FOUND otherwise."""
    query = select(OutboundOrder).where(OutboundOrder.order_no == order_no.strip().upper())
    order = s.scalars(query.with_for_update() if lock else query).one_or_none()
    if order is None:
        raise errors.OrderNotFound(order_no=order_no)
    return order


def shipment_by_no(s: Session, shipment_no: str, *, lock: bool = False) -> Shipment:
    """The shipment numbered `shipment_no` (locked when asked); SHIPMENT_NOT_FOUND otherwise."""
    query = select(Shipment).where(Shipment.shipment_no == shipment_no.strip().upper())
    shipment = s.scalars(query.with_for_update() if lock else query).one_or_none()
    if shipment is None:
        raise errors.ShipmentNotFound(shipment_no=shipment_no)
    return shipment


def order_for(s: Session, actor: Actor, order_no: str) -> OutboundOrder:
    """The order, locked, for a command of its shipping warehouse: ORDER_NOT_FOUND when the
    actor sees neither end of it, WAREHOUSE_NOT_IN_SCOPE when they see only where it goes."""
    with seeing_as(s, actor):
        order = order_by_no(s, order_no, lock=True)
    require_warehouses(s, actor, order.warehouse_id)
    return order


def shipment_for(s: Session, actor: Actor, shipment_no: str, *, lock: bool = True,
                 receiving: bool = False) -> Shipment:
    """The shipment for a command of its shipping warehouse (`receiving`: of the warehouse a
    transfer goes to): SHIPMENT_NOT_FOUND when the actor sees neither end of it,
    WAREHOUSE_NOT_IN_SCOPE when they see only the other end."""
    with seeing_as(s, actor):
        shipment = shipment_by_no(s, shipment_no, lock=lock)
    require_warehouses(s, actor,
                       shipment.to_warehouse_id if receiving else shipment.warehouse_id)
    return shipment


def require_verified(s: Session, order: OutboundOrder) -> None:
    """G26: the order is VERIFIED, its outbound review (复核) passed, and no checklist "no"
    is open with quality (one statement)."""
    passed, blocked = s.execute(select(
        exists().where(Verification.order_id == order.id, Verification.status == "PASSED"),
        select(ReviewBlock.id).where(ReviewBlock.order_id == order.id,
                                     ReviewBlock.status == "OPEN")
        .order_by(ReviewBlock.id).limit(1).scalar_subquery())).one()
    if blocked is not None:
        raise _blocked(s, order, blocked)
    if order.status != OrderStatus.VERIFIED or not passed:
        status = order.status if order.status != OrderStatus.VERIFIED else "VERIFIED (no review)"
        raise errors.OrderNotVerified(order_no=order.order_no, status=status)


FAILED_WORDS = {
    "PACKAGING": ("packaging damaged, dirty or badly sealed", "包装破损、污染或封口不严"),
    "LABEL": ("label missing, illegible or not matching", "标签缺失、模糊或与实物不符"),
    "EXPIRY": ("expired", "已过期"), "OTHER": ("other anomaly", "其他异常")}


def _blocked(s: Session, order: OutboundOrder, block_id: int) -> errors.ReviewBlocked:
    block = s.get_one(ReviewBlock, block_id)
    line = s.get_one(VerificationLine, block.line_id)
    timezone = s.get_one(Warehouse, order.warehouse_id).timezone
    failed = [FAILED_WORDS.get(f, (f, f)) for f in block.failed.split(",")]
    note = f": {block.note}" if block.note else ""
    return errors.ReviewBlocked(
        order_no=order.order_no, status=order.status, block_id=block.id, udi=line.udi,
        failed=block.failed, day=local_date(block.raised_at, timezone).isoformat(),
        failed_en="; ".join(w[0] for w in failed) + note,
        failed_zh="；".join(w[1] for w in failed) + note)


@dataclass(frozen=True)
class ScannedUnit:
    """A unit scan resolved to its item: quantity in base units, lot, serial, expiry."""

    item: Item
    quantity: int
    lot: str | None
    serial: str | None
    expiry: date | None


def read_unit(s: Session, raw: str, today: date) -> ScannedUnit:
    """Parse a device scan and resolve its GTIN; a location, document or SSCC is refused."""
    scan = whole_item(parse_scan(raw, today=today))
    gtin = scan.gtin or scan.content_gtin
    if not gtin:
        raise errors.NotAUnit(value=scan.sscc or scan.location or scan.document or raw[:40])
    try:
        item, packaging = resolve_gtin(s, gtin)
    except NotFound:
        raise errors.UnknownGtin(gtin=gtin) from None
    serial = scan.serial if "SERIAL" in item.tracking else None
    return ScannedUnit(item=item, quantity=packaging.quantity * (scan.quantity or 1),
                       lot=scan.lot, serial=serial, expiry=scan.expiry)


def scanned_sscc(raw: str, today: date) -> str | None:
    """The SSCC a scan names, or None for any other barcode."""
    return parse_scan(raw, today=today).sscc


def lot_of(s: Session, item_id: int, lot_no: str | None) -> Lot | None:
    """The lot (item, lot number), if it exists."""
    if not lot_no:
        return None
    return s.scalars(select(Lot).where(Lot.item_id == item_id, Lot.lot_no == lot_no)).first()


def serial_of(s: Session, item_id: int, serial: str | None) -> SerialUnit | None:
    """The serialised unit (item, serial), if it exists."""
    if not serial:
        return None
    return s.scalars(select(SerialUnit).where(SerialUnit.item_id == item_id,
                                              SerialUnit.serial == serial)).first()


def temp_range(item: Item) -> TempRange:
    """The item's temperature range as the rules take it."""
    return TempRange(item.temp_min, item.temp_max)


def site_location(s: Session, warehouse_id: int, kind: ZoneKind,
                  code: str | None = None) -> Location:
    """The named location, or the first unblocked one (pick sequence, code) in a `kind` zone."""
    query = (select(Location).join(Zone, Zone.id == Location.zone_id)
             .where(Location.warehouse_id == warehouse_id, Zone.kind == kind,
                    Location.blocked.is_(False)))
    if code:
        query = query.where(Location.code == code.strip().upper())
    found = s.scalars(query.order_by(Location.pick_seq, Location.code).limit(1)).first()
    if found is None:
        warehouse = s.get_one(Warehouse, warehouse_id).code
        error = errors.NoReceivingDock if kind == ZoneKind.RECEIVING else \
            errors.NoReturnsLocation if kind == ZoneKind.RETURNS else errors.NoSiteLocation
        raise error(warehouse=warehouse, zone_kind=str(kind))
    return found


def transit_location(s: Session, warehouse_id: int) -> Location:
    """The warehouse's transit location (SHIPPING zone `TRANSIT`), created when missing."""
    warehouse = s.get_one(Warehouse, warehouse_id)
    zone = s.scalars(select(Zone).where(Zone.warehouse_id == warehouse_id,
                                        Zone.code == TRANSIT_ZONE)).first()
    if zone is None:
        zone = Zone(warehouse_id=warehouse_id, code=TRANSIT_ZONE, kind=ZoneKind.SHIPPING,
                    name="在途 In transit")
        s.add(zone)
        s.flush()
    location = s.scalars(select(Location).where(Location.zone_id == zone.id)
                         .order_by(Location.code).limit(1)).first()
    if location is None:
        code = f"{warehouse.code}-TRANSIT"
        location = Location(warehouse_id=warehouse_id, zone_id=zone.id, code=code,
                            barcode=f"#L:{code}")
        s.add(location)
        s.flush()
    return location
