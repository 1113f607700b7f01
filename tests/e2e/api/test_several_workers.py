"""`medwms serve --workers 2` on PostgreSQL: two stateless server processes, one sealer
sealing at a time among them; concurrent scans against both are each posted exactly once
and the ledger verifies once the sealer has caught up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from medwms.bench.scenarios import scan_setup
from medwms.config import Settings
from medwms.core import migrate
from medwms.core.db import Database
from medwms.ledger.checkpoints import load_anchor
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from medwms.masterdata.tables import Owner
from medwms.receiving.tables import ReceiptLine
from tests.support.databases import drop_postgres, fresh_postgres, postgres_base_url, worker_suffix

pytestmark = pytest.mark.skipif(postgres_base_url() is None,
                                reason="needs MEDWMS_TEST_DATABASE_URL (PostgreSQL)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path):
    name = f"medwms_test_{worker_suffix()}_workers"
    url = fresh_postgres(name)
    db = Database(url)
    migrate.upgrade(db.engine)
    with db.unit_of_work() as uow:
        uow.session.add(Owner(code="SELF", name="Our own goods"))
        uow.commit()
    floor = scan_setup.build(db, 4, 5)
    port = free_port()
    env = {**os.environ, "MEDWMS_DATABASE_URL": url, "MEDWMS_BACKUP_DIR": str(tmp_path),
           "MEDWMS_SEAL_INTERVAL_MS": "100"}
    child = subprocess.Popen([sys.executable, "-m", "medwms", "serve", "--workers",
                              "2", "--port", str(port)], env=env, cwd=tmp_path,
                             stdout=(tmp_path / "serve.log").open("ab"),
                             stderr=subprocess.STDOUT)  # a pipe nobody reads would fill up
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            pytest.fail("medwms serve --workers 2 did not start")
        yield db, floor, base, Settings(database_url=url, backup_dir=str(tmp_path))
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
        db.dispose()
        drop_postgres(name)


def test_two_workers_post_every_scan_exactly_once_and_the_sealer_catches_up(served):
    db, floor, base, settings = served
    expiry = date(date.today().year + 3, 12, 31)
    scans = [(c, n) for c in range(4) for n in range(15)]

    def send(scan: tuple[int, int]) -> list[int]:
        client, n = scan
        body = {"raw": scan_setup.unit_scan(floor.gtins[client], expiry, f"W{client}{n // 5}"),
                "scan_id": f"w-{client}-{n}"}
        headers = {"Authorization": f"Bearer {floor.token}", "Idempotency-Key": body["scan_id"]}
        codes = []
        with httpx.Client(base_url=base, timeout=30) as http:
            for _ in range(2):  # a handheld that retries: each may land on either worker
                codes.append(http.post(f"/api/v1/receipts/{floor.receipts[client]}/scans",
                                       json=body, headers=headers).status_code)
        return codes

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(send, scans))
    assert all(code in (200, 201) for codes in outcomes for code in codes), outcomes
    deadline = time.monotonic() + 20
    anchor = load_anchor(settings)
    assert anchor is not None
    while time.monotonic() < deadline:
        with db.reading() as s:
            report = verify(s, anchor=anchor)
        if report.unsealed_movements == 0 and report.unsealed_audit_records == 0:
            break
        time.sleep(0.2)
    assert report.ok, report.problems
    assert report.unsealed_movements == 0
    with db.reading() as s:
        lines = s.scalar(select(func.count()).select_from(ReceiptLine))
        distinct = s.scalar(select(func.count(func.distinct(ReceiptLine.scan_id))))
        received = s.scalar(select(func.count()).select_from(Movement)
                            .where(Movement.doc_type == "RCV", Movement.doc_no.in_(
                                floor.receipts)))
    assert lines == distinct == received == len(scans)
