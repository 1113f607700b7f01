"""The server under test: real uvicorn in its own process, with two bench-only additions —
a query counter (before_cursor_execute) and server-side timing of POST requests, read
at /__bench/stats (also the resident memory of the process).

    python -m medwms.bench.server DATABASE_URL PORT
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy import event

from medwms.api.app import create_app
from medwms.config import Settings
from medwms.core.db import Database

STATS = "/__bench/stats"


class Timing:
    """ASGI middleware: how long the app took for each POST, server side."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.samples: list[float] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        await self.app(scope, receive, send)
        self.samples.append((time.perf_counter() - started) * 1000)


def rss_mb() -> float | None:
    """Resident memory of this process in MB (Linux), else None."""
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def build(url: str) -> Timing:
    """The app on `url` with the counter and the stats endpoint."""
    db = Database(url)
    queries = [0]

    def count(*_: Any) -> None:
        queries[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    app: FastAPI = create_app(Settings(database_url=url), db=db)
    timing = Timing(app)

    def stats(reset: bool = False) -> dict[str, Any]:
        found = {"queries": queries[0], "server_ms": list(timing.samples), "rss_mb": rss_mb()}
        if reset:
            timing.samples.clear()
        return found

    app.add_api_route(STATS, stats, methods=["GET"])
    app.router.routes.insert(0, app.router.routes.pop())
    return timing


def main() -> None:
    url, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run(build(url), host="127.0.0.1", port=port, log_level="warning",
                access_log=False)


if __name__ == "__main__":
    main()
