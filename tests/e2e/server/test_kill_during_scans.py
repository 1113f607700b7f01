"""The real server on PostgreSQL, SIGKILLed while receiving stations scan with
Idempotency-Keys, restarted, and every unanswered scan retried with its key and body:
each scan is in the ledger exactly once and the ledger verifies.

The stations are threads (one receipt each, as on the floor); the server is `medwms serve`
in a child process. A request the kill cut off was either committed whole — claim, scan,
movement and stored answer in one transaction, so the retry is a replay — or not at all,
so the retry runs it for the first time. A scan committed without its stored answer would
come back from the retry as the service's own `replayed: true` without the middleware's
header; that is checked too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from medwms.auth import signin
from medwms.auth.rules import SYSTEM
from medwms.config import Settings
from medwms.core import migrate
from medwms.core.db import Database
from medwms.core.tables import IdempotencyRecord
from medwms.ledger.checkpoints import load_anchor
from medwms.ledger.sealer import seal
from medwms.ledger.tables import Movement
from medwms.ledger.verify import VerifyReport, verify
from medwms.receiving.service import open_receipt
from medwms.receiving.tables import Receipt, ReceiptLine
from tests.support.databases import drop_postgres, fresh_postgres, postgres_base_url, worker_suffix
from tests.support.receiving import STENT_BOX, inbound, udi
from tests.support.users import PASSWORD, make_user

pytestmark = pytest.mark.skipif(
    postgres_base_url() is None,
    reason="the SIGKILL test runs the server on PostgreSQL: set MEDWMS_TEST_DATABASE_URL "
           "(e.g. postgresql://postgres@127.0.0.1:5432/test)")

SECRET = "kill-test-secret-0123456789abcdef0123"
STATIONS = 4
ACKED_BEFORE_KILL = 40
GOOD = date(2028, 6, 30)


@dataclass
class Scan:
    receipt: str
    body: dict[str, str]

    @property
    def key(self) -> str:
        return self.body["scan_id"]


@dataclass
class Outcome:
    acknowledged: dict[str, Any] = field(default_factory=dict)  # scan id → the answer body
    unanswered: list[Scan] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    sent: list[Scan] = field(default_factory=list)  # the first few acknowledged, to resend
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def floor(tmp_path: Path) -> Iterator[tuple[Database, list[str], str]]:
    """A migrated PostgreSQL database of its own: a site, a receiver, one receipt a station."""
    name = f"medwms_test_{worker_suffix()}_kill"
    db = Database(fresh_postgres(name))
    migrate.upgrade(db.engine)
    try:
        site = inbound(db)
        make_user(db, "kim", "receiver")
        receipts = [open_receipt(db, actor=SYSTEM, warehouse=site.warehouse,
                                 po_no=f"PO-K{n}", supplier=site.supplier).receipt_no
                    for n in range(STATIONS)]
        token = signin.login(db, settings=Settings(database_url=db.url, secret_key=SECRET),
                           username="kim", password=PASSWORD).access_token
        yield db, receipts, token
    finally:
        db.dispose()
        drop_postgres(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`medwms serve` on loopback, in a child process; returns once it answers /health."""
    env = {**os.environ, "MEDWMS_DATABASE_URL": url, "MEDWMS_SECRET_KEY": SECRET,
           "MEDWMS_BACKUP_DIR": str(log.parent / "backups")}  # its key files stay in tmp
    child = subprocess.Popen(
        [sys.executable, "-c", "from medwms.cli.main import app; app()", "serve",
         "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert child.poll() is None, f"the server exited at start-up: {log.read_text()}"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).is_success:
                return child
        except httpx.TransportError:
            time.sleep(0.2)
    child.kill()
    raise AssertionError("the server did not start within 60 s")


def scans_of(receipt: str, station: int) -> Iterator[Scan]:
    for n in range(10_000):
        raw = udi(STENT_BOX, lot=f"K{station}{n // 10:03d}", expiry=GOOD)
        yield Scan(receipt, {"raw": raw, "scan_id": f"k{station}-{n:05d}"})


def post(http: httpx.Client, scan: Scan) -> httpx.Response:
    return http.post(f"/api/v1/receipts/{scan.receipt}/scans", json=scan.body,
                     headers={"Idempotency-Key": scan.key})


def station(base: str, token: str, receipt: str, number: int, outcome: Outcome,
            stop: threading.Event, limit: int = 10_000) -> None:
    """Scan until the server stops answering; the cut-off scan is kept for the retry."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as http:
        for scan in list(scans_of(receipt, number))[:limit]:
            if stop.is_set():
                return
            try:
                response = post(http, scan)
            except httpx.TransportError:
                with outcome.lock:
                    outcome.unanswered.append(scan)
                return
            with outcome.lock:
                if response.status_code == 201:
                    outcome.acknowledged[scan.key] = response.json()
                    if len(outcome.sent) < 5:
                        outcome.sent.append(scan)
                else:
                    outcome.refused.append(f"{response.status_code} {response.text[:200]}")


def scan_then_kill(base: str, token: str, receipts: list[str],
                   server: subprocess.Popen[bytes]) -> Outcome:
    outcome, stop = Outcome(), threading.Event()
    # One scan alone first: the ledger and audit chains get their heads before the rush
    # (today two first postings at once race to create a chain head).
    station(base, token, receipts[0], len(receipts), outcome, stop, limit=1)
    threads = [threading.Thread(target=station, args=(base, token, r, n, outcome, stop))
               for n, r in enumerate(receipts)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(outcome.acknowledged) < ACKED_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.01)
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=30)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return outcome


def lines_per_scan(db: Database) -> dict[str, int]:
    with db.reading() as s:
        return dict(s.execute(select(ReceiptLine.scan_id, func.count())
                              .group_by(ReceiptLine.scan_id)).all())


def movements_and_lines_per_receipt(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    with db.reading() as s:
        moved = dict(s.execute(select(Movement.doc_no, func.count())
                               .group_by(Movement.doc_no)).all())
        lined = dict(s.execute(select(Receipt.receipt_no, func.count(ReceiptLine.id))
                               .join(ReceiptLine, ReceiptLine.receipt_id == Receipt.id)
                               .group_by(Receipt.receipt_no)).all())
    return moved, lined


def ledger_checked(db: Database, backups: Path) -> VerifyReport:
    """`medwms seal` then `medwms verify` with the server's key and checkpoint file."""
    anchor = load_anchor(Settings(database_url=db.url, backup_dir=str(backups)))
    assert anchor is not None, "the server made no seal key"
    seal(db, anchor)
    with db.reading() as s:
        return verify(s, anchor=anchor)


def test_a_server_killed_mid_scan_posts_every_scan_exactly_once_after_retries(floor, tmp_path):
    db, receipts, token = floor
    port, log = free_port(), tmp_path / "server.log"
    base = f"http://127.0.0.1:{port}"
    outcome = scan_then_kill(base, token, receipts, start_server(db.url, port, log))
    assert outcome.refused == []
    assert len(outcome.acknowledged) >= ACKED_BEFORE_KILL
    assert outcome.unanswered, "no station was cut off by the kill"

    server = start_server(db.url, port, log)
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                          timeout=30) as http:
            retried = {s.key: post(http, s) for s in outcome.unanswered}
            resent = {s.key: post(http, s) for s in outcome.sent
                      if s.key in outcome.acknowledged}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    assert {k: r.status_code for k, r in retried.items()} == dict.fromkeys(retried, 201)
    for response in retried.values():  # committed whole (a replay) or not at all (run now)
        assert response.headers.get("Idempotent-Replayed") == "true" or \
            response.json()["replayed"] is False, response.text
    for key, response in resent.items():
        assert response.headers["Idempotent-Replayed"] == "true"
        assert response.json() == outcome.acknowledged[key]

    sent = set(outcome.acknowledged) | set(retried)
    assert lines_per_scan(db) == dict.fromkeys(sent, 1)
    moved, lined = movements_and_lines_per_receipt(db)
    assert moved == lined
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(IdempotencyRecord)) == len(sent)
    report = ledger_checked(db, tmp_path / "backups")
    assert report.ok, report.problems
    assert report.movements == len(sent)
    assert report.checkpoints >= 1
