"""Keyed requests under load never starve the connection pool: a request unit holds its
connection across the request's thread hops, so the middleware lets only as many open as
the pool can serve and the rest wait their turn (real uvicorn, a pool of two)."""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from medwms.api.idempotency import MAX_SLOTS, RESERVED_CONNECTIONS, Slots
from medwms.auth import signin
from medwms.auth.rules import SYSTEM
from medwms.config import Settings
from medwms.core.db import Database
from medwms.receiving.service import open_receipt
from tests.e2e.web.live import start_server
from tests.support.receiving import STENT_BOX, inbound, udi
from tests.support.users import PASSWORD, make_user

REQUESTS = 6
SLOW = 0.5  # each posting holds its connection this long, twice the pool's patience


@pytest.fixture
def small_pool(db):
    small = Database(db.url, pool_size=1, max_overflow=1, pool_timeout=SLOW * 2)

    def slow(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO MOVEMENT"):
            time.sleep(SLOW)

    event.listen(small.engine, "before_cursor_execute", slow)
    yield small
    small.dispose()


def test_more_keyed_scans_than_connections_all_succeed(db, small_pool):
    site = inbound(db)
    make_user(db, "kim", "receiver")
    receipts = [open_receipt(db, actor=SYSTEM, warehouse=site.warehouse, po_no=f"PO-{n}",
                             supplier=site.supplier).receipt_no for n in range(REQUESTS)]
    token = signin.login(db, settings=Settings(database_url=db.url), username="kim",
                       password=PASSWORD).access_token
    live = start_server(small_pool)
    answers: list[int] = []
    try:
        headers = {"Authorization": f"Bearer {token}"}
        httpx.get(f"{live.url}/api/v1/auth/me", headers=headers)  # the actor is cached

        def scan(n: int) -> None:
            response = httpx.post(
                f"{live.url}/api/v1/receipts/{receipts[n]}/scans", timeout=60,
                json={"raw": udi(STENT_BOX, lot="L1", expiry=date(2028, 6, 30)),
                      "scan_id": f"s-{n}"}, headers={**headers, "Idempotency-Key": f"s-{n}"})
            answers.append(response.status_code)

        threads = [threading.Thread(target=scan, args=(n,)) for n in range(REQUESTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        live.stop()
    assert answers == [201] * REQUESTS


def test_sqlite_opens_two_request_units_at_once_postgresql_what_its_pool_serves(db):
    # SQLite's one writer holds its lock from a unit's claim to its commit: a third open
    # unit would only park a thread on that lock.
    slots = Slots(db)
    if db.dialect == "sqlite":
        assert slots.size == 2
    else:
        assert slots.size == min(MAX_SLOTS, db.pool_capacity - RESERVED_CONNECTIONS) > 2
