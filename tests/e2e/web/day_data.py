"""The demo day plus what it lacks for page walks, made through the API.

`prepare_day(db, url)` loads the demo and takes its wave, count plan and closed mock recall
(medwms.demo.numbers.documents); it adds a notice of known lots received short (a cold line
held at 12.5 °C), a lot released with a signature, a receipt without a notice, an order of
the demo's best-stocked syringe that can only be partly allocated (FEFO reasons) and a
temperature breach. Everything the pages show then has a status, a reason or a refusal to
translate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from medwms.auth.rules import SYSTEM, Role
from medwms.core.clock import local_date
from medwms.core.db import Database
from medwms.demo import load_demo
from medwms.demo.catalogue import demo_password
from medwms.demo.numbers import WAVE_ORDERS, DemoDocuments, documents
from medwms.masterdata.tables import Item, Packaging
from medwms.orders.tables import OrderLine, OutboundOrder
from tests.support.handover import LOGGER_CSV, PDF, PNG

NOW = datetime.now(UTC)
TODAY = local_date(NOW)
WAREHOUSE = "SH1"


@dataclass(frozen=True)
class Day:
    """The documents the walk visits."""

    notice_no: str
    receipt_no: str
    plain_receipt_no: str
    inspection_no: str
    held_inspection_no: str
    ambient: str
    cold: str
    ambient_gtin: str
    cold_gtin: str
    lot: str
    cold_lot: str
    order_no: str
    wave_no: str
    plan_no: str
    breach_no: str
    sensor: str
    recall_no: str


class Api:
    """A signed-in API client of one demo user."""

    def __init__(self, url: str, role: Role) -> None:
        self.client = httpx.Client(base_url=f"{url}/api/v1", timeout=30,
                                   headers={"Accept-Language": "en"})
        answer = self.client.post("/auth/token", data={"username": role.value,
                                                       "password": demo_password(role)})
        answer.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def post(self, path: str, body: dict[str, Any] | None = None, **kw: Any) -> Any:
        answer = self.client.post(path, json=body or {}, **kw)
        assert answer.is_success, f"{path}: {answer.status_code} {answer.text}"
        return answer.json()


def hand_over(receiver: Api, receipt: str, *, cold: bool) -> None:
    """The receiving handover a receipt needs before it closes: the delivery note, a drawn
    deliverer signature, the receiver's password (and the logger's CSV for cold goods)."""
    files = {"deliverer_signature": ("送货人签字.png", PNG, "image/png"),
             "delivery_note": ("随货同行单.pdf", PDF, "application/pdf")}
    if cold:
        files["temperature_record"] = ("温度记录.csv", LOGGER_CSV, "text/csv")
    answer = receiver.client.post(f"/receipts/{receipt}/handover", files=files, data={
        "deliverer_name": "Day Carrier", "password": demo_password(Role.RECEIVER)})
    assert answer.is_success, f"handover {receipt}: {answer.status_code} {answer.text}"


def _products(db: Database) -> tuple[tuple[str, str], tuple[str, str]]:
    """(item code, unit GTIN) of the syringe the demo's first wave order sells (the one best
    stocked in SH1's storage) and of a lot-tracked cold reagent."""
    with db.reading() as s:
        rows = s.execute(select(Item.code, Packaging.gtin, Item.temp_min, Item.tracking)
                         .join(Packaging, Packaging.item_id == Item.id)
                         .where(Packaging.quantity == 1).order_by(Item.code)).all()
        sold = set(s.scalars(select(Item.code).join(OrderLine, OrderLine.item_id == Item.id)
                             .join(OutboundOrder, OutboundOrder.id == OrderLine.order_id)
                             .where(OutboundOrder.order_no == WAVE_ORDERS[0])))
    ambient = next((c, g) for c, g, _, _ in rows if c in sold and c.startswith("WG-SYR"))
    cold = next((c, g) for c, g, low, tracking in rows if low is not None and tracking == "LOT")
    return ambient, cold


def unit(gtin: str, lot: str, expiry: date) -> str:
    """A GS1 DataMatrix read of one unit, as a wedge scanner types it."""
    return f"]d201{gtin}17{expiry:%y%m%d}10{lot}"


def _receive(url: str, ambient: str, cold: str) -> tuple[str, str, str]:
    """A notice of 30 + 10, received 20 + 10 (the cold line held), closed short."""
    manager, receiver = Api(url, Role.MANAGER), Api(url, Role.RECEIVER)
    good = TODAY + timedelta(days=700)
    notice = manager.post("/notices", {"supplier": "SUP-SPH", "warehouse": WAREHOUSE,
                                       "lines": [{"gtin": ambient, "quantity": 30},
                                                 {"gtin": cold, "quantity": 10}]})
    receipt = receiver.post("/receipts", {"notice_no": notice["header"]["notice_no"]})["receipt_no"]
    for n in range(20):
        receiver.post(f"/receipts/{receipt}/scans", {"raw": unit(ambient, "DAY1", good),
                                                      "scan_id": f"day-a-{n}"})
    receiver.post(f"/receipts/{receipt}/arrival", {"temperature": "12.5", "logger_id": "LOG-9"})
    receiver.post(f"/receipts/{receipt}/scans", {"raw": unit(cold, "COLD1", good),
                                                  "scan_id": "day-c-1", "quantity_packs": 10,
                                                  "arrival_temp": "12.5", "logger_id": "LOG-9"})
    hand_over(receiver, receipt, cold=True)
    receiver.post(f"/receipts/{receipt}/close")
    plain = receiver.post("/receipts", {"warehouse": WAREHOUSE, "supplier": "SUP-SHY",
                                        "po_no": "PO-DAY-1"})["receipt_no"]
    receiver.post(f"/receipts/{plain}/scans", {"raw": unit(ambient, "DAY2", good),
                                                "scan_id": "day-p-1"})
    hand_over(receiver, plain, cold=False)
    receiver.post(f"/receipts/{plain}/close")
    return notice["header"]["notice_no"], receipt, plain


def _inspect(url: str, receipt: str, ambient_item: str, cold_item: str) -> tuple[str, str]:
    inspector = Api(url, Role.INSPECTOR)
    opened = inspector.post("/inspections", {"receipt_no": receipt, "item": ambient_item,
                                             "lot": "DAY1"})["inspection_no"]
    inspector.post(f"/inspections/{opened}/conclude", {
        "conclusion": "ACCEPT", "sample_size": 2, "packaging_ok": True, "label_ok": True,
        "certificate_ok": True, "password": demo_password(Role.INSPECTOR)})
    held = inspector.post("/inspections", {"receipt_no": receipt, "item": cold_item,
                                           "lot": "COLD1"})["inspection_no"]
    return opened, held


def _partial_order(url: str, item: str) -> str:
    """A sale of more than the warehouse holds: partly allocated, the rest explained."""
    manager = Api(url, Role.MANAGER)
    order = manager.post("/orders", {"warehouse": WAREHOUSE, "consignee": "CUS-RJH",
                                     "delivery_date": (TODAY + timedelta(days=2)).isoformat(),
                                     "lines": [{"item": item, "quantity": 100000}]})
    manager.post(f"/orders/{order['order_no']}/allocate")
    return str(order["order_no"])


def _breach(url: str) -> tuple[str, str]:
    """A cold-room sensor that reads 11 °C for half an hour."""
    admin = Api(url, Role.ADMIN)
    admin.post("/coldchain/sensors", {"code": "DAY-T1", "name": "冷库探头", "warehouse":
                                      WAREHOUSE, "zone": "CLD", "temp_min": "2",
                                      "temp_max": "8", "single_minutes": 10})
    start = datetime.now(UTC) - timedelta(hours=2)
    readings = [{"sensor": "DAY-T1", "time": (start + timedelta(minutes=5 * n)).isoformat(),
                 "celsius": 11.0 if 6 <= n < 12 else 5.0} for n in range(20)]
    admin.post("/coldchain/readings", {"readings": readings})
    breaches = admin.client.get("/coldchain/breaches").json()
    return str(breaches[0]["breach_no"]), "DAY-T1"


def _demo_documents(db: Database) -> DemoDocuments:
    """The demo's own wave, count plan and mock recall, which the walk visits."""
    with db.reading() as session:
        found = documents(session)
    assert found.wave and found.count_plan and found.mock_recall, found
    return found


def prepare_day(db: Database, url: str) -> Day:
    """The demo's day and the morning's documents it lacks."""
    load_demo(db, actor=SYSTEM, now=NOW)
    demo = _demo_documents(db)
    (ambient, ambient_gtin), (cold, cold_gtin) = _products(db)
    notice, receipt, plain = _receive(url, ambient_gtin, cold_gtin)
    inspection, held = _inspect(url, receipt, ambient, cold)
    breach, sensor = _breach(url)
    return Day(notice_no=notice, receipt_no=receipt, plain_receipt_no=plain,
               inspection_no=inspection, held_inspection_no=held, ambient=ambient, cold=cold,
               ambient_gtin=ambient_gtin, cold_gtin=cold_gtin, lot="DAY1", cold_lot="COLD1",
               order_no=_partial_order(url, ambient), wave_no=str(demo.wave),
               plan_no=str(demo.count_plan), breach_no=breach, sensor=sensor,
               recall_no=str(demo.mock_recall))
