"""Every GET route of the route table, walked as an administrator whose scope is BJ1 on the
demo (documents, stock and sensors in SH1 and BJ1): no answer shows anything of SH1's.

A path parameter is filled with SH1's own document number, sensor, zone or location where the
route names one (so a single SH1 document must read as not found), else with a placeholder;
each API route is asked once as it is and once with `warehouse=SH1`. An answer may repeat what
the URL itself says (a not-found message names the number asked for) and nothing else of
SH1's: no SH1 document number, location code or sensor code, in an API body or a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from medwms.api.app import create_app
from medwms.auth import service, signin
from medwms.auth.rules import SYSTEM
from medwms.coldchain.tables import Sensor
from medwms.config import Settings
from medwms.core.db import Database
from medwms.counting import plans
from medwms.counting.tables import CountPlan, CountTask
from medwms.demo import load_demo
from medwms.demo.numbers import NOTICE, documents
from medwms.ledger.tables import Lot, Stock
from medwms.masterdata.tables import Item, Location, Warehouse, Zone
from medwms.orders.tables import OutboundOrder, Wave
from medwms.quality.tables import Inspection
from medwms.receiving import service as receiving
from medwms.receiving.tables import AdvanceNotice, Receipt
from medwms.shipping.tables import CustomerReturn, Shipment
from tests.e2e.api.test_role_matrix import (
    SESSION_COOKIE,
    TABLE,
    Endpoint,
    api_request,
    code_of,
    page_request,
)
from tests.support.databases import empty_all_tables
from tests.support.demo import NOW, TODAY
from tests.support.routes import PARAMETER
from tests.support.users import PASSWORD, make_user

HERE, THERE = "BJ1", "SH1"  # the user's warehouse, and the one they must see nothing of
GETS = [e for e in TABLE if e.method == "GET" and not e.route.path.startswith("/static")]


@dataclass
class Walk:
    client: TestClient
    token: str
    openapi: dict[str, Any]
    there: dict[str, str]  # a path parameter -> SH1's value for it
    markers: frozenset[str]  # what of SH1's no answer may show
    here_order: str

    def get(self, endpoint: Endpoint, *, ask_there: bool = False) -> tuple[str, httpx.Response]:
        request = page_request(endpoint) if endpoint.page \
            else api_request(endpoint, self.openapi)
        url = endpoint.path
        for name in PARAMETER.findall(endpoint.path):
            value = self.there.get(name)
            if value is None:  # the placeholder the matrix chose, from its own URL
                return request.url, self._send(endpoint, request.url, request.params, ask_there)
            url = re.sub(r"{" + name + r"(?::\w+)?}", value, url)
        return url, self._send(endpoint, url, request.params, ask_there)

    def _send(self, endpoint: Endpoint, url: str, params: dict[str, Any],
              ask_there: bool) -> httpx.Response:
        headers = {"Cookie": f"{SESSION_COOKIE}={self.token}"} if endpoint.page \
            else {"Authorization": f"Bearer {self.token}"}
        self.client.cookies.clear()
        return self.client.get(url, params={**params, **({"warehouse": THERE} if ask_there
                                                         else {})},
                               headers=headers, follow_redirects=False)


def _there(s: Any, model: Any, column: Any, warehouse_id: int) -> set[str]:
    return set(s.scalars(select(column).where(model.warehouse_id == warehouse_id)))


@pytest.fixture(scope="module")
def walk(database: Database) -> Iterator[Walk]:
    load_demo(database, actor=SYSTEM, now=NOW)
    plans.create_plan(database, actor=SYSTEM, warehouse=THERE, kind="FULL",
                      counters=("picker", "receiver"), deadline=TODAY + timedelta(days=3))
    receiving.open_receipt(database, actor=SYSTEM, notice_no=NOTICE)
    make_user(database, "bj-admin", "admin")
    service.set_warehouses(database, actor=SYSTEM, username="bj-admin", warehouses=[HERE])
    with database.reading() as s:
        sh1 = s.scalar(select(Warehouse.id).where(Warehouse.code == THERE))
        markers = (_there(s, Location, Location.code, sh1)
                   | _there(s, Sensor, Sensor.code, sh1)
                   | _there(s, AdvanceNotice, AdvanceNotice.notice_no, sh1)
                   | _there(s, Receipt, Receipt.receipt_no, sh1)
                   | _there(s, Inspection, Inspection.inspection_no, sh1)
                   | _there(s, OutboundOrder, OutboundOrder.order_no, sh1)
                   | _there(s, Wave, Wave.wave_no, sh1)
                   | _there(s, Shipment, Shipment.shipment_no, sh1)
                   | _there(s, CustomerReturn, CustomerReturn.return_no, sh1)
                   | _there(s, CountPlan, CountPlan.plan_no, sh1))
        demo = documents(s)
        plan_no, plan_id = s.execute(select(CountPlan.plan_no, CountPlan.id)
                                     .where(CountPlan.warehouse_id == sh1)).one()
        task = s.scalar(select(CountTask.id).where(CountTask.plan_id == plan_id).limit(1))
        item, lot = s.execute(select(Item.code, Lot.lot_no).join(Stock, Stock.item_id == Item.id)
                              .join(Lot, Lot.id == Stock.lot_id)
                              .where(Stock.warehouse_id == sh1).limit(1)).one()
        cold = s.scalar(select(Zone.code).join(Sensor, Sensor.zone_id == Zone.id)
                        .where(Sensor.warehouse_id == sh1).limit(1))
        location = s.scalar(select(Location.code).where(Location.warehouse_id == sh1).limit(1))
        receipt = s.scalar(select(Receipt.receipt_no).where(Receipt.warehouse_id == sh1))
        inspection = s.scalar(select(Inspection.inspection_no)
                              .where(Inspection.warehouse_id == sh1).limit(1))
    assert demo.notice and demo.wave and demo.sensors and demo.shipped_order and receipt
    there = {"notice_no": demo.notice, "receipt_no": receipt, "order_no": demo.wave_orders[0],
             "wave_no": demo.wave, "plan_no": plan_no, "task_id": str(task),
             "code": demo.sensors[0], "warehouse": THERE, "zone": str(cold), "item": item,
             "lot": lot, "kind": "locations", "key": str(location)}
    if inspection:
        there["inspection_no"] = inspection
    app = create_app(Settings(database_url=database.url), db=database)
    with TestClient(app) as client:
        token = signin.login(database, settings=app.state.settings, username="bj-admin",
                             password=PASSWORD).access_token
        yield Walk(client, token, app.openapi(), there, frozenset(markers), demo.shipped_order)
    empty_all_tables(database)


def _shown(response: httpx.Response, markers: frozenset[str], url: str) -> list[str]:
    text = response.content.decode("utf-8", errors="replace")
    return sorted(m for m in markers if m in text and m not in url)


def test_the_walk_sees_the_users_own_warehouse(walk):
    orders = walk.client.get("/api/v1/orders", headers={"Authorization": f"Bearer {walk.token}"})
    assert orders.status_code == 200
    assert walk.here_order in orders.text
    assert not _shown(orders, walk.markers, "")
    assert len(walk.markers) > 50  # SH1's locations, sensors and documents


@pytest.mark.parametrize("endpoint", GETS, ids=str)
def test_a_get_route_shows_nothing_of_another_warehouse(walk, endpoint):
    wrong = []
    for ask_there in (False, True) if not endpoint.page else (False,):
        url, answer = walk.get(endpoint, ask_there=ask_there)
        if answer.status_code >= 500:
            wrong.append(f"{url}: {answer.status_code}")
        shown = _shown(answer, walk.markers, url)
        if shown:
            wrong.append(f"{url}{' ?warehouse=SH1' if ask_there else ''}: "
                         f"{answer.status_code} shows {', '.join(shown[:5])}")
        named = [v for k, v in walk.there.items() if k not in ("warehouse", "kind", "item", "lot")
                 and k in PARAMETER.findall(endpoint.path)]
        if named and answer.status_code == 200:
            wrong.append(f"{url}: 200 for SH1's {', '.join(named)} ({code_of(answer)})")
    assert not wrong, "\n".join(wrong)
