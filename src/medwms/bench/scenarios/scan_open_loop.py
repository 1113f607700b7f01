"""scan_open_loop: 50 simulated handhelds, each scanning about once a second (Poisson
arrivals, open loop: a scan is sent when it is due, whether or not the last one has been
answered), for 60 s (10 s with --quick), in a warehouse's mix of receiving, putaway, pick and
verification scans, over real HTTP against the server processes with their sealer.

Figures: server time per scan (p50, p99), errors, scans sent, and the oldest unsealed row
seen while the load ran (`unsealed_max_age_s`, sampled every 0.25 s from the database).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from medwms.auth.rules import SYSTEM, Actor
from medwms.auth.tables import User
from medwms.bench.scenarios import scan_setup
from medwms.bench.scenarios.base import Context, Result, figure
from medwms.bench.scenarios.servers import servers, stats, workers_for
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.ledger.chains import AUDIT_LOG, MOVEMENTS
from medwms.ledger.rules import Line
from medwms.ledger.sealer import backlog
from medwms.ledger.service import post
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Location, Owner

HANDHELDS, RATE = 50, 1.0  # clients, scans per second each
P99_GOAL, SEAL_GOAL = 20.0, 1.0
KINDS = ("receive", "putaway", "pick", "verify")
Request = tuple[str, dict[str, Any]]


@dataclass
class Handheld:
    """One handheld's documents and what is left to scan on each."""

    receipt: str
    gtin: str
    wave: str
    picks: list[tuple[str, str]]
    putaways: list[str]
    verification: str
    checks: list[str]
    sent: int = 0


@dataclass
class Outcome:
    server_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    retries: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def run(ctx: Context) -> Result:
    """Build the floor, start the servers, drive the open-loop load, sample the sealer."""
    seconds = 10.0 if ctx.quick else 60.0
    per_kind = int(seconds * RATE / len(KINDS) * 2) + 5
    handhelds = _floor(ctx.db, per_kind)
    workers = workers_for(ctx.db)
    with servers(ctx.db.url, workers) as bases:
        before = stats(bases, reset=True)
        sampler = _Sampler(ctx.db)
        sampler.start()
        outcome = asyncio.run(_drive(bases, handhelds.token, handhelds.clients, seconds))
        sampler.stop()
        found = stats(bases, reset=True)
    server = found["server_ms"]
    p99 = sorted(server)[max(0, int(len(server) * 0.99) - 1)] if server else None
    return {"handhelds": HANDHELDS, "load_seconds": seconds, "server_processes": workers,
            "scans": len(server), "by_kind": outcome.by_kind,
            "errors": len(outcome.errors), "first_errors": outcome.errors[:3],
            "transport_retries": outcome.retries,
            "server": figure(server, goal=f"p99 < {P99_GOAL:.0f} ms, 0 errors",
                             met=p99 is not None and p99 < P99_GOAL and not outcome.errors),
            "server_by_kind": _by_kind(server, found["server_paths"]),
            "server_cpu_ms_per_scan": round((found["cpu_s"] - before["cpu_s"]) * 1000
                                            / len(server), 2) if server else None,
            "unsealed_max_age_s": round(sampler.worst, 3),
            "unsealed_goal": f"every row sealed within {SEAL_GOAL:.0f} s",
            "unsealed_met": sampler.worst <= SEAL_GOAL}


PATH_KINDS = (("/receipts/", "receive"), ("/putaway/", "putaway"), ("/waves/", "pick"),
              ("/verifications/", "verify"))


def _by_kind(server_ms: list[float], paths: list[str]) -> Result:
    """Server time per kind of scan (which kind makes the tail)."""
    kinds: dict[str, list[float]] = {}
    for ms, path in zip(server_ms, paths, strict=True):
        kind = next((k for part, k in PATH_KINDS if part in path), "other")
        kinds.setdefault(kind, []).append(ms)
    return {kind: figure(samples) for kind, samples in sorted(kinds.items())}


@dataclass
class _Floor:
    token: str
    clients: list[Handheld]


def _floor(db: Database, per_kind: int) -> _Floor:
    floor = scan_setup.build(db, HANDHELDS, per_kind + 5, prefix="OL")
    checks_waves = scan_setup.make_waves(db, HANDHELDS, per_kind, prefix="SV")
    verifications = [_picked_and_opened(db, wave) for wave in checks_waves]
    docks = _dock_stock(db, per_kind, floor.gtins)
    clients = [Handheld(receipt=floor.receipts[c], gtin=floor.gtins[c % len(floor.gtins)],
                        wave=floor.wave_nos[c],
                        picks=list(floor.picks[c]), putaways=docks[c],
                        verification=verifications[c][0], checks=verifications[c][1])
               for c in range(HANDHELDS)]
    return _Floor(floor.token, clients)


def _picked_and_opened(db: Database, wave_no: str) -> tuple[str, list[str]]:
    """Pick a wave in full (as the system), open its order's verification as the bench user."""
    from medwms.orders.tables import OutboundOrder, Wave
    from medwms.picking import picks
    from medwms.verification import service as verification

    tasks = scan_setup.pick_tasks(db, wave_no)
    for n, (where, raw) in enumerate(tasks):
        picks.pick_unit(db, actor=SYSTEM, wave_no=wave_no, location_raw=where,
                        raw=raw, scan_id=f"setup-{wave_no}-{n}")
    with db.reading() as s:
        order_no = s.scalars(select(OutboundOrder.order_no)
                             .join(Wave, Wave.id == OutboundOrder.wave_id)
                             .where(Wave.wave_no == wave_no)).one()
        user = s.scalars(select(User).where(User.username == "benchscan")).one()
        bench = Actor(user_id=user.id, username=user.username, roles=frozenset({"admin"}))
    record = verification.start_verification(db, actor=bench, order_no=order_no)
    return record.verification_no, [raw for _, raw in tasks]


def _dock_stock(db: Database, per_client: int, gtins: list[str]) -> list[list[str]]:
    """Released stock at the dock, a lot per handheld, and its unit scans to put away."""
    expiry = date.today() + timedelta(days=900)
    with db.unit_of_work() as uow:
        s = uow.session
        items = list(s.execute(select(Item.id, Item.code).where(Item.code.startswith("SCAN"))
                               .order_by(Item.id)))
        owner = s.scalars(select(Owner.id).where(Owner.code == "SELF")).one()
        dock = s.scalars(select(Location.id).where(
            Location.code == f"{scan_setup.CODE}-000")).one()
        lots = [Lot(item_id=items[c % len(items)].id, lot_no=f"D{c:02d}", expiry=expiry)
                for c in range(HANDHELDS)]
        s.add_all(lots)
        s.flush()
        post(s, actor=SYSTEM, doc_type="RCV", doc_no="RCV-BS-DOCK", lines=[
            Line(kind="RECEIVE", owner_id=owner, item_id=lot.item_id, lot_id=lot.id,
                 quantity=per_client, to_location_id=dock, to_status="AVAILABLE")
            for lot in lots])
        uow.commit()
    # The items were made in code order SCAN000…, each with gtins[n].
    return [[scan_setup.unit_scan(gtins[c % len(items)], expiry, f"D{c:02d}")] * per_client
            for c in range(HANDHELDS)]


class _Sampler:
    """The age of the oldest unsealed row, sampled while the load runs."""

    def __init__(self, db: Database) -> None:
        self.db, self.worst = db, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            with self.db.reading() as s:
                now = utc_now()
                age = max(backlog(s, MOVEMENTS).age_seconds(now),
                          backlog(s, AUDIT_LOG).age_seconds(now))
            self.worst = max(self.worst, age)


def _request(client: int, hand: Handheld, rng: random.Random) -> tuple[str, Request] | None:
    """The next scan of this handheld: a kind from the mix that still has work."""
    kinds = [k for k in KINDS if _has_work(k, hand)]
    if not kinds:
        return None
    kind = rng.choice(kinds)
    hand.sent += 1
    scan_id = f"ol{client}-{hand.sent}-{time.monotonic_ns()}"
    if kind == "receive":
        expiry = date.today() + timedelta(days=1000)
        raw = scan_setup.unit_scan(hand.gtin, expiry, f"OL{client:02d}{hand.sent // 25:03d}")
        return kind, (f"/api/v1/receipts/{hand.receipt}/scans", {"raw": raw, "scan_id": scan_id})
    if kind == "putaway":
        raw = hand.putaways.pop()
        return kind, ("/api/v1/putaway/confirm", {
            "raw": raw, "quantity": 1, "override_reason": "bench putaway",
            "location_raw": f"#L:{scan_setup.CODE}-{100 + client:03d}"})
    if kind == "pick":
        where, raw = hand.picks.pop(0)
        return kind, (f"/api/v1/waves/{hand.wave}/picks",
                      {"location_raw": where, "raw": raw, "scan_id": scan_id})
    return kind, (f"/api/v1/verifications/{hand.verification}/scans",
                  {"raw": hand.checks.pop(0), "scan_id": scan_id})


def _has_work(kind: str, hand: Handheld) -> bool:
    return {"receive": True, "putaway": bool(hand.putaways), "pick": bool(hand.picks),
            "verify": bool(hand.checks)}[kind]


async def _drive(bases: list[str], token: str, clients: list[Handheld],
                 seconds: float) -> Outcome:
    outcome = Outcome()
    headers = {"Authorization": f"Bearer {token}"}
    pools = [httpx.AsyncClient(base_url=base, headers=headers, timeout=60,
                               limits=httpx.Limits(max_connections=200)) for base in bases]
    try:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*[_handheld(pools[c % len(pools)], c, hand, deadline, outcome)
                               for c, hand in enumerate(clients)])
    finally:
        for pool in pools:
            await pool.aclose()
    return outcome


async def _handheld(http: httpx.AsyncClient, client: int, hand: Handheld, deadline: float,
                    outcome: Outcome) -> None:
    rng = random.Random(client)  # noqa: S311 — arrival times, not secrets
    sending: list[asyncio.Task[None]] = []
    due = time.perf_counter() + rng.expovariate(RATE)
    while due < deadline:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        made = _request(client, hand, rng)
        if made is None:
            break
        sending.append(asyncio.create_task(_send(http, made, outcome)))
        due += rng.expovariate(RATE)
    await asyncio.gather(*sending)


async def _send(http: httpx.AsyncClient, made: tuple[str, Request], outcome: Outcome) -> None:
    """Send one scan; a dropped connection is retried once with the same key, as a
    handheld does (the key makes the retry safe)."""
    kind, (path, body) = made
    key = body.get("scan_id") or f"{path}-{time.monotonic_ns()}"
    outcome.by_kind[kind] = outcome.by_kind.get(kind, 0) + 1
    for attempt in (1, 2):
        try:
            response = await http.post(path, json=body, headers={"Idempotency-Key": key})
        except httpx.TransportError as error:
            if attempt == 2:
                outcome.errors.append(f"{kind} {type(error).__name__}")
                return
            outcome.retries += 1
            continue
        if response.status_code >= 300:
            outcome.errors.append(f"{kind} {response.status_code} {response.text[:200]}")
        return

