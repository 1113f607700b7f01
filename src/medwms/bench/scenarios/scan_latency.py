"""scan_latency: the receiving-scan and pick-confirm endpoints over real HTTP on loopback
(uvicorn in its own process, httpx clients) under 1, 10 and 50 concurrent clients.

Per level: client-side latency (p50/p99), server-side time of each POST, scans/s, the
queries per scan (counted in the server by a before_cursor_execute listener), errors.
Each client scans into its own receipt / picks its own wave, as a station would.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from medwms.bench.scenarios import scan_setup
from medwms.bench.scenarios.base import Context, Result, figure, optional, skipped
from medwms.bench.server import STATS

LEVELS = (1, 10, 50)
P99_GOAL, RATE_GOAL = 20.0, 500.0
Request = tuple[str, dict[str, Any]]


def run(ctx: Context) -> Result:
    """Set the floor up, start the server, measure both endpoints at every level."""
    for module, name in (("medwms.receiving.service", "receive_scan"),
                         ("medwms.picking.waves", "create_wave")):
        missing = optional(module, name)
        if isinstance(missing, str):
            return skipped(missing)
    seconds = 0.6 if ctx.quick else 8.0
    floor = scan_setup.build(ctx.db, max(LEVELS), 60 if ctx.quick else 1500)
    result: Result = {}
    with _server(ctx.db.url) as base:
        receive = _receiving(floor)
        result["receiving_scan"] = {f"clients_{n}": _level(base, floor.token, n, seconds,
                                                           receive) for n in LEVELS}
        if _has_pick_route(base):
            pick = _picking(floor)
            result["pick_confirm"] = {f"clients_{n}": _level(base, floor.token, n, seconds,
                                                             pick) for n in LEVELS}
        else:
            result["pick_confirm"] = skipped("no POST /api/v1/waves/{wave_no}/picks route yet")
        result["server_rss_mb"] = httpx.get(base + STATS).json()["rss_mb"]
    return result


def _receiving(floor: scan_setup.Floor) -> Callable[[int, int], Request | None]:
    expiry = time.gmtime()

    def make(client: int, n: int) -> Request:
        gtin14 = floor.gtins[(client + n) % len(floor.gtins)]
        raw = f"]d201{gtin14}17{(expiry.tm_year + 3) % 100:02d}1231" \
              f"10R{client:02d}{n // 25:04d}"
        return (f"/api/v1/receipts/{floor.receipts[client]}/scans",
                {"raw": raw, "scan_id": f"r{client}-{n}-{time.monotonic_ns()}"})
    return make


def _picking(floor: scan_setup.Floor) -> Callable[[int, int], Request | None]:
    cursors = [iter(tasks) for tasks in floor.picks]
    waves = floor.wave_nos

    def make(client: int, n: int) -> Request | None:
        task = next(cursors[client], None)
        if task is None:
            return None
        return (f"/api/v1/waves/{waves[client]}/picks",
                {"location_raw": task[0], "raw": task[1],
                 "scan_id": f"p{client}-{n}-{time.monotonic_ns()}"})
    return make


def _level(base: str, token: str, clients: int, seconds: float,
           make: Callable[[int, int], Request | None]) -> Result:
    before = httpx.get(base + STATS, params={"reset": True}).json()
    latencies, errors, elapsed = asyncio.run(_drive(base, token, clients, seconds, make))
    after = httpx.get(base + STATS, params={"reset": True}).json()
    done = len(latencies)
    server = after["server_ms"]
    return {"clients": clients, "scans": done, "errors": len(errors),
            "first_errors": errors[:3], "scans_per_s": round(done / elapsed, 1),
            "latency": figure(latencies), "server": figure(
                server, goal=f"p99 < {P99_GOAL:.0f} ms at 50 clients" if clients == 50 else None,
                met=(server and sorted(server)[int(len(server) * 0.99) - 1] < P99_GOAL)
                if clients == 50 else None),
            "queries_per_scan": round((after["queries"] - before["queries"]) / done, 2)
            if done else None,
            "rate_goal": f">= {RATE_GOAL:.0f} scans/s" if clients == 50 else None,
            "rate_met": done / elapsed >= RATE_GOAL if clients == 50 else None}


async def _drive(base: str, token: str, clients: int, seconds: float,
                 make: Callable[[int, int], Request | None]
                 ) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                 timeout=60) as http:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*[_client(http, c, deadline, make, latencies, errors)
                               for c in range(clients)])
        return latencies, errors, time.perf_counter() - started


async def _client(http: httpx.AsyncClient, client: int, deadline: float,
                  make: Callable[[int, int], Request | None], latencies: list[float],
                  errors: list[str]) -> None:
    for n in itertools.count():
        request = make(client, n)
        if request is None or time.perf_counter() >= deadline:
            return
        path, body = request
        started = time.perf_counter()
        response = await http.post(path, json=body,
                                   headers={"Idempotency-Key": body["scan_id"]})
        if response.status_code >= 300:
            errors.append(f"{response.status_code} {response.text[:200]}")
        else:
            latencies.append((time.perf_counter() - started) * 1000)


def _has_pick_route(base: str) -> bool:
    paths = httpx.get(base + "/openapi.json").json().get("paths", {})
    return "/api/v1/waves/{wave_no}/picks" in paths


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(url: str) -> Iterator[str]:
    """uvicorn on a free loopback port in a child process, until the block ends."""
    port = _free_port()
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "medwms.bench.server", url, str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, child)
        yield base
    finally:
        child.terminate()
        child.wait(timeout=30)


def _wait(base: str, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError("the bench server exited at start-up")
        try:
            if httpx.get(base + STATS, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("the bench server did not start within 60 s")
