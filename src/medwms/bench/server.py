"""The server under test: real uvicorn in its own process, running the sealer as
`medwms serve` does, with two bench-only additions — a query counter
(before_cursor_execute) and server-side timing of POST requests, read at /__bench/stats
(also the resident memory of the process and the CPU time it has used, its sealer's too).

    python -m medwms.bench.server DATABASE_URL PORT SEAL_DIR

Several of them over one PostgreSQL database are the "several server processes" of
production (one sealer seals at a time among them, under the advisory lock).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy import event

from medwms.api.app import create_app, settle_heap
from medwms.config import Settings
from medwms.core.db import Database
from medwms.ledger.checkpoints import load_anchor
from medwms.ledger.sealer import BackgroundSealer

STATS = "/__bench/stats"


class Timing:
    """ASGI middleware: how long the app took for each POST, server side."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.samples: list[float] = []
        self.paths: list[str] = []  # the path of each sample

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        await self.app(scope, receive, send)
        self.samples.append((time.perf_counter() - started) * 1000)
        self.paths.append(scope["path"])


def rss_mb() -> float | None:
    """Resident memory of this process in MB (Linux), else None."""
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def build(url: str, seal_dir: str) -> Timing:
    """The app on `url` with its sealer, the counter and the stats endpoint."""
    db = Database(url)
    settings = Settings(database_url=url, backup_dir=seal_dir)
    anchor = load_anchor(settings, create_key=True)
    if anchor is not None:  # its own engine: the query counter counts the requests only
        db.hold_checkpoints()  # the sealer's loop checkpoints, as in `medwms serve`
        BackgroundSealer(Database(url), anchor, interval=settings.seal_interval_ms / 1000,
                         batch=settings.seal_batch).start()
    queries = [0]

    def count(*_: Any) -> None:
        queries[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    app: FastAPI = create_app(settings, db=db)
    timing = Timing(app)

    def stats(reset: bool = False) -> dict[str, Any]:
        found = {"queries": queries[0], "server_ms": list(timing.samples),
                 "server_paths": list(timing.paths), "rss_mb": rss_mb(),
                 "cpu_s": time.process_time()}
        if reset:
            timing.samples.clear()
            timing.paths.clear()
        return found

    app.add_api_route(STATS, stats, methods=["GET"])
    app.router.routes.insert(0, app.router.routes.pop())
    settle_heap()  # as `medwms serve` does
    return timing


def main() -> None:
    url, port, seal_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    # Keep idle keep-alive connections open longer than a handheld's pause between scans
    # (uvicorn's default 5 s races with a client reusing the connection as it closes).
    uvicorn.run(build(url, seal_dir), host="127.0.0.1", port=port, log_level="warning",
                timeout_keep_alive=75,
                access_log=False)


if __name__ == "__main__":
    main()
