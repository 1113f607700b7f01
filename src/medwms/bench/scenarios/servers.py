"""Server processes for the HTTP scenarios: uvicorn children on free loopback ports, each
with its sealer; on PostgreSQL two of them ("several server processes"), on SQLite one
(one writer). Their stats endpoints are summed."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from medwms.bench.server import STATS
from medwms.core.db import Database


def workers_for(db: Database) -> int:
    """How many server processes the scenario runs: 2 on PostgreSQL, 1 on SQLite."""
    return 2 if db.dialect == "postgresql" else 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def servers(url: str, count: int) -> Iterator[list[str]]:
    """`count` server processes on `url` until the block ends; their base URLs."""
    children: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    with tempfile.TemporaryDirectory(prefix="medwms-bench-seal-") as seal_dir:
        try:
            for _ in range(count):
                port = _free_port()
                children.append(subprocess.Popen(  # noqa: S603 - our own interpreter, module
                    [sys.executable, "-m", "medwms.bench.server", url, str(port), seal_dir]))
                bases.append(f"http://127.0.0.1:{port}")
                _wait(bases[-1], children[-1])
            yield bases
        finally:
            for child in children:
                child.terminate()
            for child in children:
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


def stats(bases: list[str], reset: bool = False) -> dict[str, Any]:
    """The servers' counters summed: queries, server times of POSTs, CPU seconds used, the
    largest RSS."""
    found = [httpx.get(base + STATS, params={"reset": reset}).json() for base in bases]
    return {"queries": sum(f["queries"] for f in found),
            "server_ms": [ms for f in found for ms in f["server_ms"]],
            "server_paths": [path for f in found for path in f["server_paths"]],
            "cpu_s": sum(f["cpu_s"] for f in found),
            "rss_mb": max((f["rss_mb"] or 0) for f in found) or None}
