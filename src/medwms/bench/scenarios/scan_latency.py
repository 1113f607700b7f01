"""scan_latency: the receiving-scan and pick-confirm endpoints over real HTTP on loopback
(uvicorn in its own processes — two on PostgreSQL, one on SQLite — with their sealer;
httpx clients spread over them) under 1, 10 and 50 concurrent clients, closed loop.

Per level: client-side latency (p50/p99), server-side time of each POST, scans/s, the
queries per scan (counted in the server by a before_cursor_execute listener), errors.
`http_floor`: the server CPU of a request that does no scan work (the health check).
Each client scans into its own receipt / picks its own wave, as a station would.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any

import httpx

from medwms.bench.scenarios import scan_setup
from medwms.bench.scenarios.base import Context, Result, figure
from medwms.bench.scenarios.servers import servers, stats, workers_for

LEVELS = (1, 10, 50)
P99_GOAL, RATE_GOAL = 20.0, 500.0
Request = tuple[str, dict[str, Any]]


def run(ctx: Context) -> Result:
    """Set the floor up, start the servers, measure both endpoints at every level."""
    missing = scan_setup.features_missing()
    if missing is not None:
        return missing
    seconds = 0.6 if ctx.quick else 8.0
    floor = scan_setup.build(ctx.db, max(LEVELS), 60 if ctx.quick else 1500)
    workers = workers_for(ctx.db)
    result: Result = {"server_processes": workers}
    with servers(ctx.db.url, workers) as bases:
        receive = _receiving(floor)
        result["receiving_scan"] = {f"clients_{n}": _level(bases, floor.token, n, seconds,
                                                           receive) for n in LEVELS}
        pick = _picking(floor)
        result["pick_confirm"] = {f"clients_{n}": _level(bases, floor.token, n, seconds,
                                                         pick) for n in LEVELS}
        result["server_rss_mb"] = stats(bases)["rss_mb"]
        result["http_floor"] = _http_floor(bases, ctx.pick(300, 2000))
    return result


def _http_floor(bases: list[str], count: int) -> Result:
    """What a request costs the server before any scan work: GET /api/v1/health (a sync
    route, one `SELECT 1` in a read session), one client, server CPU per request."""
    async def get(n: int) -> list[float]:
        took = []
        async with httpx.AsyncClient(base_url=bases[0]) as http:
            for _ in range(n):
                started = time.perf_counter()
                (await http.get("/api/v1/health")).raise_for_status()
                took.append((time.perf_counter() - started) * 1000)
        return took
    asyncio.run(get(50))
    before = stats(bases, reset=True)
    latencies = asyncio.run(get(count))
    after = stats(bases, reset=True)
    return {"requests": count, "latency": figure(latencies),
            "server_cpu_ms_per_request": round((after["cpu_s"] - before["cpu_s"]) * 1000
                                               / count, 3)}


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


def _level(bases: list[str], token: str, clients: int, seconds: float,
           make: Callable[[int, int], Request | None]) -> Result:
    before = stats(bases, reset=True)
    latencies, errors, elapsed = asyncio.run(_drive(bases, token, clients, seconds, make))
    after = stats(bases, reset=True)
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
            "server_cpu_ms_per_scan": round((after["cpu_s"] - before["cpu_s"]) * 1000 / done, 2)
            if done else None,
            "rate_goal": f">= {RATE_GOAL:.0f} scans/s" if clients == 50 else None,
            "rate_met": done / elapsed >= RATE_GOAL if clients == 50 else None}


async def _drive(bases: list[str], token: str, clients: int, seconds: float,
                 make: Callable[[int, int], Request | None]
                 ) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    pools = [httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60)
             for base in bases]
    try:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*[_client(pools[c % len(pools)], c, deadline, make, latencies,
                                       errors) for c in range(clients)])
        return latencies, errors, time.perf_counter() - started
    finally:
        for pool in pools:
            await pool.aclose()


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
