"""Builders for inspection tests: a dock, received lots posted straight to the ledger, users.

Arrivals are RECEIVE movements (doc_type "RCV", doc_no = receipt number, QUARANTINE at a
RECEIVING-zone dock), as the receiving feature posts them — without depending on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from medwms.auth.queries import UserView
from medwms.auth.rules import Actor
from medwms.auth.tables import AuditRecord
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Movement, Stock
from medwms.masterdata.tables import Item, Location, Zone
from medwms.quality.rules import Checks, Finding
from medwms.quality.tables import Inspection
from tests.support.builders import NOW, make_item, make_lot, make_serial, make_site
from tests.support.users import PASSWORD, actor_of, make_user

GTIN_BODY = "0690000000001"
RECEIPT = "RCV-20261125-AAAAA"


@dataclass
class Arrival:
    """A warehouse with a dock, an item and its lot, the receiver and the inspector."""

    warehouse_id: int
    owner_id: int
    dock_id: int
    dock2_id: int
    item_id: int
    lot_id: int
    receiver: Actor
    inspector: Actor
    receipt_no: str = RECEIPT


def make_dock(session: Any, warehouse_id: int, code: str = "DOCK") -> tuple[Location, Location]:
    """A RECEIVING zone with two dock locations."""
    zone = Zone(warehouse_id=warehouse_id, code="RCV", name="收货区", kind="RECEIVING")
    session.add(zone)
    session.flush()
    docks = [Location(warehouse_id=warehouse_id, zone_id=zone.id, code=f"{code}-{i}",
                      barcode=f"#L:{code}-{i}") for i in (1, 2)]
    session.add_all(docks)
    session.flush()
    return docks[0], docks[1]


def make_arrival(db: Database, *, quantity: int = 10, hold: str = "", cold: bool = False,
                 serials: tuple[str, ...] = ()) -> Arrival:
    """Users, master data, and `quantity` units of lot LOTA1 received into quarantine."""
    receiver = actor_of(make_user(db, "rita", "receiver", display_name="收货员 Rita"))
    inspector = actor_of(make_user(db, "ivan", "inspector", display_name="验收员 Ivan"))
    with db.unit_of_work() as uow:
        s = uow.session
        site = make_site(s)
        dock, dock2 = make_dock(s, site.warehouse.id)
        item = make_item(s, "STENT", gtin_body=GTIN_BODY,
                         tracking="LOT_SERIAL" if serials else "LOT")
        _describe(item, cold)
        lot = make_lot(s, item, "LOTA1", expiry=date(2028, 6, 30))
        lot.production_date = date(2025, 1, 2)
        uow.commit()
        arrival = Arrival(site.warehouse.id, site.owner.id, dock.id, dock2.id, item.id,
                          lot.id, receiver, inspector)
    if serials:
        receive_serials(db, arrival, serials, hold=hold)
    else:
        receive(db, arrival, quantity, hold=hold)
    return arrival


def _describe(item: Item, cold: bool) -> None:
    item.name_zh = "冠脉支架"
    item.name_en = "Coronary stent"
    item.model = "3.0×18 mm"
    item.manufacturer = "上海微创医疗器械"
    item.registration_no = "国械注准20153130541"
    if cold:
        item.temp_min, item.temp_max = Decimal("2.0"), Decimal("8.0")


def receive(db: Database, arrival: Arrival, quantity: int, *, hold: str = "",
            location_id: int | None = None, receipt_no: str | None = None,
            actor: Actor | None = None) -> None:
    """Post one RECEIVE movement of the lot into quarantine at the dock."""
    line = Line(kind="RECEIVE", owner_id=arrival.owner_id, item_id=arrival.item_id,
                lot_id=arrival.lot_id, quantity=quantity,
                to_location_id=location_id or arrival.dock_id, to_status="QUARANTINE",
                reason=hold)
    with db.unit_of_work() as uow:
        post(uow.session, actor=actor or arrival.receiver, doc_type="RCV",
             doc_no=receipt_no or arrival.receipt_no, lines=[line], now=NOW)
        uow.commit()


def receive_serials(db: Database, arrival: Arrival, serials: tuple[str, ...], *,
                    hold: str = "") -> None:
    """Post one RECEIVE movement per serial of the lot."""
    with db.unit_of_work() as uow:
        s = uow.session
        item = s.get_one(Item, arrival.item_id)
        lot = s.get_one(Lot, arrival.lot_id)
        lines = [Line(kind="RECEIVE", owner_id=arrival.owner_id, item_id=item.id,
                      lot_id=lot.id, serial_id=make_serial(s, item, serial, lot).id,
                      quantity=1, to_location_id=arrival.dock_id, to_status="QUARANTINE",
                      reason=hold) for serial in serials]
        post(s, actor=arrival.receiver, doc_type="RCV", doc_no=arrival.receipt_no,
             lines=lines, now=NOW)
        uow.commit()


def accept(**overrides: Any) -> Finding:
    """A full, clean acceptance."""
    values: dict[str, Any] = {"conclusion": "ACCEPT", "sample_size": 2, "checks": Checks(
        packaging_ok=True, label_ok=True, certificate_ok=True, temperature_ok=True,
        notes="外观完好 packaging intact")}
    values.update(overrides)
    return Finding(**values)


def reject(**overrides: Any) -> Finding:
    """A full rejection with reason and disposition."""
    values: dict[str, Any] = {"conclusion": "REJECT", "sample_size": 2,
                              "checks": Checks(packaging_ok=False, notes="破损 crushed"),
                              "reason": "外包装破损 crushed cartons",
                              "disposition": "退回供应商 return to supplier"}
    values.update(overrides)
    return Finding(**values)


def stock_by_status(db: Database) -> dict[str, int]:
    """Quantity on hand per status."""
    with db.reading() as s:
        rows = s.execute(select(Stock.status, func.sum(Stock.quantity))
                         .group_by(Stock.status)).all()
    return {status: int(total) for status, total in rows}


def snapshot(db: Database) -> tuple[Any, ...]:
    """Everything a refused command must leave alone: movements, stock, audit, inspections."""
    with db.reading() as s:
        return (s.scalar(select(func.count()).select_from(Movement)),
                tuple(s.execute(select(Stock.key, Stock.quantity).order_by(Stock.key)).all()),
                s.scalar(select(func.count()).select_from(AuditRecord)),
                tuple(s.execute(select(Inspection.inspection_no, Inspection.status,
                                       Inspection.conclusion, Inspection.record_hash)
                                .order_by(Inspection.id)).all()))


def second_inspector(db: Database) -> Actor:
    """Another inspector."""
    user: UserView = make_user(db, "inga", "inspector", display_name="Inga")
    return actor_of(user)


__all__ = ["PASSWORD"]
