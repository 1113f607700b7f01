"""A traceable history across two warehouses, posted straight to the ledger (no services).

STENT lot L1 (100 units in RCV-1 at WH1, 5 more in RCV-2 at WH2):
  QC release, putaway to A-01 (60) / A-02 (40), picks to staging, SHP-1 20 → HOSP1,
  SHP-2 10 → HOSP2's cardiology department, transfer SHP-3 15 A-02 → WH2 (10 arrived, 5 in
  transit), RET-1 3 back from HOSP1 into QUARANTINE, CNT-1 −1 at A-01, 2 of RCV-2 on HOLD.
  Final L1 stock: WH1 A-01 29 AVAILABLE, A-02 25 AVAILABLE, TRANSIT 5 IN_TRANSIT,
  RETURNS 3 QUARANTINE; WH2 DOCK 10 AVAILABLE, 3 QUARANTINE, 2 HOLD.
STENT lot L2 (expiry 2027-03-31): 10 received, SHP-4 4 → HOSP2.  Lot L3 (2029): 10 at A-03.
PACER (serialised) lot P1: PS-1 and PS-2 received, PS-1 shipped to HOSP1 (SHP-5).
An open allocation of 8 units of L1 at A-01 (order O-1) and one of L3 (order O-2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medwms.auth.rules import Actor
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Stock
from medwms.masterdata.tables import Item, Location, Partner, Warehouse, Zone
from medwms.orders.tables import Allocation, OrderLine, OutboundOrder
from medwms.quality.tables import Inspection
from medwms.receiving.tables import AdvanceNotice, Receipt
from medwms.shipping.tables import Shipment, ShipmentLine
from tests.support.builders import NOW, gtin, make_item, make_serial, make_site, qualified
from tests.support.users import actor_of, make_user

STENT_GTIN = gtin("0690000000101")
PACER_GTIN = gtin("0690000000202")
A, Q, H, T = "AVAILABLE", "QUARANTINE", "HOLD", "IN_TRANSIT"


@dataclass
class History:
    """Ids and names of the built history."""

    manager: Actor
    loc: dict[str, int] = field(default_factory=dict)
    partner: dict[str, int] = field(default_factory=dict)
    lot: dict[str, int] = field(default_factory=dict)
    serial: dict[str, int] = field(default_factory=dict)
    item: dict[str, int] = field(default_factory=dict)
    owner_id: int = 0
    order_line: dict[str, int] = field(default_factory=dict)
    allocation: dict[str, int] = field(default_factory=dict)
    times: dict[str, datetime] = field(default_factory=dict)


def at(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


def _zone(s: Session, warehouse: Warehouse, code: str, kind: str,
          locations: list[str]) -> dict[str, int]:
    zone = Zone(warehouse_id=warehouse.id, code=code, name=code, kind=kind)
    s.add(zone)
    s.flush()
    rows = [Location(warehouse_id=warehouse.id, zone_id=zone.id, code=name,
                     barcode=f"#L:{name}", x=Decimal(0), y=Decimal(0)) for name in locations]
    s.add_all(rows)
    s.flush()
    return {row.code: row.id for row in rows}


def _sites(s: Session, h: History) -> None:
    one = make_site(s, "WH1", locations=3)
    two = make_site(s, "WH2", locations=1)
    one.warehouse.gln = "6901234000017"
    h.owner_id = one.owner.id
    h.loc.update({loc.code: loc.id for loc in one.locations + two.locations})
    h.loc.update(_zone(s, one.warehouse, "RCV", "RECEIVING", ["WH1-DOCK"]))
    h.loc.update(_zone(s, one.warehouse, "OUT", "SHIPPING", ["WH1-STAGE", "WH1-TRANSIT"]))
    h.loc.update(_zone(s, one.warehouse, "RED", "REJECTED", ["WH1-RED"]))
    h.loc.update(_zone(s, one.warehouse, "RET", "RETURNS", ["WH1-RET"]))
    h.loc.update(_zone(s, two.warehouse, "RCV", "RECEIVING", ["WH2-DOCK"]))


def _partners(s: Session, h: History) -> None:
    rows = [Partner(code="SUP", name="Supplier Co", kind="SUPPLIER", updated_at=NOW),
            Partner(code="HOSP1", name="First Hospital", kind="CUSTOMER", updated_at=NOW,
                    address="1 Road", contact="Dr One"),
            Partner(code="HOSP2", name="Second Hospital", kind="CUSTOMER", updated_at=NOW)]
    s.add_all(rows)
    s.flush()
    card = Partner(code="HOSP2-CARD", name="Cardiology", kind="DEPARTMENT", updated_at=NOW,
                   parent_id=rows[2].id)
    s.add(card)
    qualified(s)
    h.partner.update({p.code: p.id for p in [*rows, card]})


def _items(s: Session, h: History) -> None:
    stent = make_item(s, "STENT", gtin_body=STENT_GTIN[:13])
    stent.model, stent.manufacturer, stent.registration_no = "S-3x18", "Maker", "国械注准1"
    pacer = make_item(s, "PACER", tracking="LOT_SERIAL", gtin_body=PACER_GTIN[:13])
    h.item.update({"STENT": stent.id, "PACER": pacer.id})
    for name, item, expiry, made in (("L1", stent, date(2028, 6, 30), date(2026, 6, 30)),
                                     ("L2", stent, date(2027, 3, 31), date(2025, 3, 31)),
                                     ("L3", stent, date(2029, 1, 31), date(2027, 1, 31)),
                                     ("P1", pacer, date(2030, 1, 1), date(2026, 1, 1))):
        lot = Lot(item_id=item.id, lot_no=name, expiry=expiry, production_date=made)
        s.add(lot)
        s.flush()
        h.lot[name] = lot.id
    for serial in ("PS-1", "PS-2"):
        h.serial[serial] = make_serial(s, pacer, serial,
                                       s.get_one(Lot, h.lot["P1"])).id


def build_history(db: Database) -> History:
    """Master data, documents and the whole ledger history described above."""
    manager = make_user(db, "quinn", "manager", display_name="Quinn Manager")
    h = History(manager=actor_of(manager))
    with db.unit_of_work() as uow:
        s = uow.session
        _sites(s, h)
        _partners(s, h)
        _items(s, h)
        _documents(s, h)
        _post_history(s, h)
        _orders(s, h)
        uow.commit()
    return h


def line(h: History, kind: str, qty: int, lot: str = "L1", *, item: str = "STENT",
         src: tuple[str, str] | None = None, dst: tuple[str, str] | None = None,
         partner: str | None = None, serial: str | None = None) -> Line:
    """A movement line by names: src/dst are (location code, status)."""
    return Line(kind=kind, owner_id=h.owner_id, item_id=h.item[item], quantity=qty,
                lot_id=h.lot[lot], serial_id=h.serial[serial] if serial else None,
                from_location_id=h.loc[src[0]] if src else None,
                from_status=src[1] if src else None,
                to_location_id=h.loc[dst[0]] if dst else None,
                to_status=dst[1] if dst else None,
                partner_id=h.partner[partner] if partner else None)


def _post(s: Session, h: History, hours: float, doc: str, no: str, *lines: Line) -> None:
    post(s, actor=h.manager, doc_type=doc, doc_no=no, lines=list(lines), now=at(hours))
    h.times[no] = at(hours)


def _post_history(s: Session, h: History) -> None:
    _post(s, h, 0, "RCV", "RCV-1", line(h, "RECEIVE", 100, dst=("WH1-DOCK", Q), partner="SUP"))
    _post(s, h, 1, "QC", "INS-1", line(h, "STATUS", 100, src=("WH1-DOCK", Q),
                                       dst=("WH1-DOCK", A)))
    _post(s, h, 2, "PUT", "PUT-1", line(h, "PUTAWAY", 60, src=("WH1-DOCK", A),
                                        dst=("WH1-A-01", A)),
          line(h, "PUTAWAY", 40, src=("WH1-DOCK", A), dst=("WH1-A-02", A)))
    _post(s, h, 3, "PICK", "WAVE-1", line(h, "PICK", 20, src=("WH1-A-01", A),
                                          dst=("WH1-STAGE", A)))
    _post(s, h, 4, "SHP", "SHP-1", line(h, "SHIP", 20, src=("WH1-STAGE", A), partner="HOSP1"))
    _post(s, h, 5, "PICK", "WAVE-2", line(h, "PICK", 10, src=("WH1-A-01", A),
                                          dst=("WH1-STAGE", A)))
    _post(s, h, 6, "SHP", "SHP-2", line(h, "SHIP", 10, src=("WH1-STAGE", A),
                                        partner="HOSP2-CARD"))
    _post(s, h, 7, "SHP", "SHP-3", line(h, "TRANSFER_OUT", 15, src=("WH1-A-02", A),
                                        dst=("WH1-TRANSIT", T)))
    _post(s, h, 8, "SHP", "SHP-3", line(h, "TRANSFER_OUT", 10, src=("WH1-TRANSIT", T)),
          line(h, "TRANSFER_IN", 10, dst=("WH2-DOCK", A)))
    _post(s, h, 9, "RET", "RET-1", line(h, "RETURN", 3, dst=("WH1-RET", Q), partner="HOSP1"))
    _post(s, h, 10, "CNT", "CNT-1", line(h, "COUNT", 1, src=("WH1-A-01", A)))
    _post(s, h, 11, "RCV", "RCV-2", line(h, "RECEIVE", 5, dst=("WH2-DOCK", Q), partner="SUP"))
    _post(s, h, 12, "STOCK", "HLD-1", line(h, "STATUS", 2, src=("WH2-DOCK", Q),
                                           dst=("WH2-DOCK", H)))
    _other_lots(s, h)


def _other_lots(s: Session, h: History) -> None:
    _post(s, h, 13, "RCV", "RCV-3", line(h, "RECEIVE", 10, "L2", dst=("WH1-A-03", A),
                                         partner="SUP"),
          line(h, "RECEIVE", 10, "L3", dst=("WH1-A-03", A), partner="SUP"),
          *[line(h, "RECEIVE", 1, "P1", item="PACER", serial=sn, dst=("WH1-DOCK", A),
                 partner="SUP") for sn in ("PS-1", "PS-2")])
    _post(s, h, 14, "SHP", "SHP-4", line(h, "SHIP", 4, "L2", src=("WH1-A-03", A),
                                         partner="HOSP2"))
    _post(s, h, 15, "PICK", "WAVE-3", line(h, "PICK", 1, "P1", item="PACER", serial="PS-1",
                                           src=("WH1-DOCK", A), dst=("WH1-STAGE", A)))
    _post(s, h, 16, "SHP", "SHP-5", line(h, "SHIP", 1, "P1", item="PACER", serial="PS-1",
                                         src=("WH1-STAGE", A), partner="HOSP1"))


def _documents(s: Session, h: History) -> None:
    """The receipt header (notice, arrival temperature) and the signed inspection of RCV-1."""
    notice = AdvanceNotice(notice_no="ASN-1", supplier_id=h.partner["SUP"],
                           warehouse_id=_wh(s, "WH1"), owner_id=h.owner_id, po_no="PO-1",
                           created_at=at(-24))
    s.add(notice)
    s.flush()
    s.add(Receipt(receipt_no="RCV-1", notice_id=notice.id, po_no="PO-1",
                  supplier_id=h.partner["SUP"], warehouse_id=_wh(s, "WH1"),
                  owner_id=h.owner_id, location_id=h.loc["WH1-DOCK"], status="CLOSED",
                  transport_mode="cold van", arrival_temp=Decimal("5.2"), logger_id="LG-7",
                  opened_at=at(0), closed_at=at(0.5)))
    s.add(Inspection(inspection_no="INS-1", receipt_no="RCV-1", warehouse_id=_wh(s, "WH1"),
                     item_id=h.item["STENT"], lot_id=h.lot["L1"], status="DONE",
                     quantity_received=100, sample_size=5, temperature_ok=True,
                     conclusion="ACCEPT", accepted_qty=100, inspector_id=h.manager.user_id,
                     signed_at=at(1), signature_meaning="released", record_hash="ab" * 32,
                     created_at=at(0.5)))


def _wh(s: Session, code: str) -> int:
    return s.scalars(select(Warehouse.id).where(Warehouse.code == code)).one()


def _orders(s: Session, h: History) -> None:
    """Orders behind the shipments, and two open allocations (L1 in scope, L3 not)."""
    wh1, wh2 = _wh(s, "WH1"), _wh(s, "WH2")
    for no, consignee, to_wh, lot, qty in (("SHP-1", "HOSP1", None, "L1", 20),
                                           ("SHP-2", "HOSP2-CARD", None, "L1", 10),
                                           ("SHP-3", None, wh2, "L1", 15),
                                           ("SHP-4", "HOSP2", None, "L2", 4)):
        order = _order(s, h, f"O-{no}", wh1, consignee)
        shipment = Shipment(shipment_no=no, order_id=order.id, warehouse_id=wh1,
                            consignee_id=h.partner[consignee] if consignee else None,
                            to_warehouse_id=to_wh, status="SHIPPED", shipped_at=h.times[no])
        s.add(shipment)
        s.flush()
        s.add(ShipmentLine(shipment_id=shipment.id, item_id=h.item["STENT"],
                           lot_id=h.lot[lot], quantity=qty))
    for name, lot, location in (("O-1", "L1", "WH1-A-01"), ("O-2", "L3", "WH1-A-03")):
        order = _order(s, h, name, wh1, "HOSP1")
        order_line = OrderLine(order_id=order.id, line_no=1, item_id=h.item["STENT"],
                               quantity=8, allocated_qty=8)
        s.add(order_line)
        s.flush()
        allocation = Allocation(order_line_id=order_line.id, owner_id=h.owner_id,
                                item_id=h.item["STENT"], lot_id=h.lot[lot],
                                location_id=h.loc[location], quantity=8, created_at=at(17))
        s.add(allocation)
        s.flush()
        h.order_line[name], h.allocation[name] = order_line.id, allocation.id


def _order(s: Session, h: History, no: str, warehouse_id: int,
           consignee: str | None) -> OutboundOrder:
    order = OutboundOrder(order_no=no, warehouse_id=warehouse_id, owner_id=h.owner_id,
                          consignee_id=h.partner[consignee] if consignee else None,
                          created_at=at(2))
    s.add(order)
    s.flush()
    return order


def stock_of(db: Database, lot_id: int) -> dict[tuple[str, str], int]:
    """(location code, status) → quantity of one lot."""
    with db.reading() as s:
        rows = s.execute(select(Location.code, Stock.status, func.sum(Stock.quantity))
                         .join(Location, Location.id == Stock.location_id)
                         .where(Stock.lot_id == lot_id)
                         .group_by(Location.code, Stock.status))
        return {(code, status): int(qty) for code, status, qty in rows}


def row_of(db: Database, model: Any, row_id: int) -> Any:
    """A detached copy of one row's column values."""
    with db.reading() as s:
        row = s.get_one(model, row_id)
        return SimpleNamespace(**{c.key: getattr(row, c.key) for c in model.__table__.columns})


__all__ = ["History", "Item", "build_history", "row_of", "stock_of"]
