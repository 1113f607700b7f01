"""The demo data plus one morning of documents, made through the API, for page walks.

`prepare_day(db, url)` loads the demo, gives its hospitals a licence if they lack one, and
makes: a notice received short (a cold line held at 12.5 °C), a lot released with a signature,
a receipt without a notice, an order that can only be partly allocated (FEFO reasons), a
wave, a count plan, a temperature breach and a mock recall. Everything the pages show then
has a status, a reason or a refusal to translate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from medwms.auth.rules import SYSTEM, Role
from medwms.core.db import Database
from medwms.demo import load_demo
from medwms.demo.catalogue import demo_password
from medwms.masterdata.tables import Item, Packaging, Partner, PartnerKind

TODAY = date.today()
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


def _license_hospitals(db: Database) -> None:
    with db.unit_of_work() as uow:
        for partner in uow.session.scalars(select(Partner).where(
                Partner.kind == PartnerKind.CUSTOMER, Partner.licence_no == "")):
            partner.licence_no = f"沪药监械经营许{partner.id:04d}号"
            partner.licence_expiry = TODAY + timedelta(days=800)
        uow.commit()


def _products(db: Database) -> tuple[tuple[str, str], tuple[str, str]]:
    """(item code, unit GTIN) of a lot-tracked ambient device and of a cold reagent."""
    with db.reading() as s:
        rows = s.execute(select(Item.code, Packaging.gtin, Item.temp_min, Item.tracking)
                         .join(Packaging, Packaging.item_id == Item.id)
                         .where(Packaging.quantity == 1).order_by(Item.code)).all()
    ambient = next((c, g) for c, g, low, tracking in rows
                   if low is None and tracking == "LOT" and c.startswith("WG-SYR"))
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
    receiver.post(f"/receipts/{receipt}/close")
    plain = receiver.post("/receipts", {"warehouse": WAREHOUSE, "supplier": "SUP-SHY",
                                        "po_no": "PO-DAY-1"})["receipt_no"]
    receiver.post(f"/receipts/{plain}/scans", {"raw": unit(ambient, "DAY2", good),
                                                "scan_id": "day-p-1"})
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


def _order_and_wave(url: str, item: str) -> tuple[str, str]:
    """A sale of more than the warehouse holds: partly allocated, the rest explained."""
    manager = Api(url, Role.MANAGER)
    order = manager.post("/orders", {"warehouse": WAREHOUSE, "consignee": "CUS-RJH",
                                     "delivery_date": (TODAY + timedelta(days=2)).isoformat(),
                                     "lines": [{"item": item, "quantity": 100000}]})
    manager.post(f"/orders/{order['order_no']}/allocate")
    wave = manager.post("/waves", {"orders": [order["order_no"]]})
    return order["order_no"], wave["wave_no"]


def _count_plan(url: str) -> str:
    plan = Api(url, Role.MANAGER).post("/counting/plans", {
        "warehouse": WAREHOUSE, "kind": "ZONES", "zones": ["CLD"],
        "counters": [Role.MANAGER.value, Role.PICKER.value]})
    return str(plan["plan_no"])


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


def _mock_recall(url: str, gtin: str) -> str:
    recall = Api(url, Role.MANAGER).post("/recalls", {
        "gtin": gtin, "reason": "模拟召回演练", "risk_class": "III", "lots": ["DAY1"],
        "mock": True})
    return str(recall["recall_no"])


def prepare_day(db: Database, url: str) -> Day:
    """The demo, licensed hospitals, and the morning's documents."""
    load_demo(db, actor=SYSTEM)
    _license_hospitals(db)
    (ambient, ambient_gtin), (cold, cold_gtin) = _products(db)
    notice, receipt, plain = _receive(url, ambient_gtin, cold_gtin)
    inspection, held = _inspect(url, receipt, ambient, cold)
    order, wave = _order_and_wave(url, ambient)
    breach, sensor = _breach(url)
    return Day(notice_no=notice, receipt_no=receipt, plain_receipt_no=plain,
               inspection_no=inspection, held_inspection_no=held, ambient=ambient, cold=cold,
               ambient_gtin=ambient_gtin, cold_gtin=cold_gtin, lot="DAY1", cold_lot="COLD1",
               order_no=order, wave_no=wave, plan_no=_count_plan(url), breach_no=breach,
               sensor=sensor, recall_no=_mock_recall(url, ambient_gtin))
