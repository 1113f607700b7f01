"""Yesterday in the demo: an order shipped to a hospital; today: a finished mock recall.

Every step is the service a person's scan or click calls, in the name of the role doing it
on the floor: the manager creates and waves the order, the picker picks, the verifier
re-scans, the shipper packs and ships. The mock recall is drilled on the shipped lot: opened,
the hospital notified and acknowledging, closed with the quality manager's signature.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from medwms.auth.rules import Role
from medwms.core.db import Database
from medwms.demo.catalogue import demo_password
from medwms.demo.choose import best_stocked, scan_of, unit_gtin
from medwms.demo.crew import Crew
from medwms.demo.numbers import SHIPPED_ORDER
from medwms.orders import queries as orders
from medwms.orders.orders import LineIn, OrderIn, create_order
from medwms.orders.tables import OutboundOrder
from medwms.orders.waves import create_wave
from medwms.picking.picks import pick_unit
from medwms.recall.rules import Scope
from medwms.recall.service import (
    close_recall,
    open_recall,
    record_acknowledgement,
    record_notification,
)
from medwms.recall.tables import RecallCase
from medwms.shipping.packing import add_shipping_unit, open_shipment, pack_scan
from medwms.shipping.shipments import confirm_shipment
from medwms.verification.service import finish, scan_unit, start_verification

LOCAL = ZoneInfo("Asia/Shanghai")
SHIP_FROM, CUSTOMER = "BJ1", "CUS-PUMCH"
FAMILIES = ("IVC", "SYR", "MSK", "SWB", "BAL", "GC")  # the first one well stocked is shipped
CARRIER, WAYBILL = "顺丰速运 SF Express", "SF1402518830"
DRILL = "模拟召回演练：追溯批次并通知收货单位"
REPORT = ("演练完成：收货单位已通知并回执，库存及发货记录可在数秒内追溯。"
          " Drill complete: consignee notified and acknowledged; stock and shipments traced.")


def ship_yesterday(db: Database, *, crew: Crew, today: date) -> bool:
    """Order, wave, pick, verify, pack and ship one box to CUS-PUMCH from BJ1, yesterday."""
    with db.reading() as s:
        if s.scalar(select(OutboundOrder.id).where(OutboundOrder.order_no == SHIPPED_ORDER)):
            return False
        box = best_stocked(s, warehouse=SHIP_FROM, families=FAMILIES, min_days=180, today=today)
    at = _clock(today - timedelta(days=1))
    create_order(db, actor=crew.manager, now=at(0), order=OrderIn(
        warehouse=SHIP_FROM, consignee=CUSTOMER, order_no=SHIPPED_ORDER,
        reference="PUMCH-PO-DEMO", lines=(LineIn(quantity=1, gtin=box.pack_gtin),)))
    wave = create_wave(db, actor=crew.manager, order_nos=[SHIPPED_ORDER], now=at(5))
    scans = _scans(db, SHIPPED_ORDER)
    for n, (location, raw) in enumerate(scans):
        pick_unit(db, actor=crew.picker, wave_no=wave.wave_no, location_raw=location, raw=raw,
                  scan_id=f"demo-pick-{n}", now=at(20 + n))
    _verify(db, crew, [raw for _, raw in scans], at)
    _pack_and_ship(db, crew, [raw for _, raw in scans], at)
    return True


def _clock(day: date) -> Callable[[int], datetime]:
    """Minutes after 10:00 local on `day`, as UTC times."""
    start = datetime.combine(day, time(10, 0), LOCAL).astimezone(UTC)
    return lambda minutes: start + timedelta(minutes=minutes)


def _scans(db: Database, order_no: str) -> list[tuple[str, str]]:
    """(location barcode, unit scan) for each allocation of the order: one scan picks it."""
    with db.reading() as s:
        view = orders.order_view(s, order_no)
        return [(f"#L:{a.location}", scan_of(unit_gtin(s, line.item), lot=a.lot,
                                             serial=a.serial, expiry=a.expiry,
                                             count=a.quantity))
                for line in view.lines for a in line.allocations]


def _verify(db: Database, crew: Crew, raws: list[str], at: Callable[[int], datetime]) -> None:
    record = start_verification(db, actor=crew.verifier, order_no=SHIPPED_ORDER, now=at(60))
    for n, raw in enumerate(raws):
        scan_unit(db, actor=crew.verifier, verification_no=record.verification_no, raw=raw,
                  scan_id=f"demo-verify-{n}", now=at(61 + n))
    finish(db, actor=crew.verifier, verification_no=record.verification_no, now=at(70))


def _pack_and_ship(db: Database, crew: Crew, raws: list[str],
                   at: Callable[[int], datetime]) -> None:
    opened = open_shipment(db, actor=crew.shipper, order_no=SHIPPED_ORDER, now=at(200))
    box = add_shipping_unit(db, actor=crew.shipper, shipment_no=opened.shipment_no, now=at(201))
    for n, raw in enumerate(raws):
        pack_scan(db, actor=crew.shipper, shipment_no=opened.shipment_no, sscc=box.sscc, raw=raw,
                  now=at(202 + n))
    confirm_shipment(db, actor=crew.shipper, shipment_no=opened.shipment_no, carrier=CARRIER,
                     waybill=WAYBILL, now=at(240))


def drill_mock_recall(db: Database, *, crew: Crew) -> bool:
    """Open a mock recall of the shipped lot, notify and hear back from CUS-PUMCH, close it."""
    with db.reading() as s:
        if s.scalar(select(RecallCase.id).where(RecallCase.mock.is_(True)).limit(1)):
            return False
        line = orders.order_view(s, SHIPPED_ORDER).lines[0]
        gtin = unit_gtin(s, line.item)
    lots = tuple(sorted({a.lot for a in line.allocations if a.lot}))
    case = open_recall(db, actor=crew.manager, scope=Scope(gtin=gtin, lots=lots), reason=DRILL,
                       risk_class="III", mock=True)
    record_notification(db, actor=crew.manager, recall_no=case.recall_no, partner=CUSTOMER)
    record_acknowledgement(db, actor=crew.manager, recall_no=case.recall_no, partner=CUSTOMER)
    if crew.quality_signs:
        close_recall(db, actor=crew.quality, recall_no=case.recall_no,
                     password=demo_password(Role.QUALITY_MANAGER), report=REPORT)
    return True
