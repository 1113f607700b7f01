"""`medwms bench run`: a fresh database, the generated data set, then each scenario; one
JSON document with the machine, Python, database, scale and every figure."""

from __future__ import annotations

import os
import platform
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from medwms import __version__
from medwms.bench.databases import fresh_database
from medwms.bench.generate import Generated, Progress, Scale, generate
from medwms.bench.scenarios import SCENARIOS
from medwms.bench.scenarios.base import Context
from medwms.core.db import Database

QUICK = Scale(movements=20_000, warehouses=2, items=100, bins=100, consignees=300)


def run(*, database: str | None, scale: Scale, quick: bool, names: Iterable[str],
        progress: Callable[[int], Progress] | None = None,
        announce: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Run the named scenarios on a fresh database loaded at `scale`; the JSON result."""
    chosen = list(names)
    unknown = sorted(set(chosen) - SCENARIOS.keys())
    if unknown:
        raise ValueError(f"unknown scenario {', '.join(unknown)}; "
                         f"choose from {', '.join(SCENARIOS)}")
    with fresh_database(database) as db:
        announce(f"generating {scale.movements:,} movements on {db.dialect}")
        generated = generate(db, scale, progress=progress(scale.movements) if progress else None)
        result = header(db, scale, generated, quick)
        ctx = Context(db=db, quick=quick, scale=scale, generated=generated)
        for name in chosen:
            announce(f"scenario {name}")
            result["scenarios"][name] = _one(name, ctx)
    return result


def _one(name: str, ctx: Context) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        found = SCENARIOS[name](ctx)
    except Exception as error:
        found = {"error": f"{type(error).__name__}: {error}",
                 "traceback": traceback.format_exc(limit=8)}
    found["seconds"] = round(time.perf_counter() - started, 2)
    return found


def header(db: Database, scale: Scale, generated: Generated, quick: bool) -> dict[str, Any]:
    """Where and at what scale the figures were measured."""
    return {"medwms_bench": 1, "medwms": __version__,
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "quick": quick,
            "machine": {"system": platform.system(), "machine": platform.machine(),
                        "processor": platform.processor(), "cores": os.cpu_count(),
                        "node": platform.node()},
            "python": platform.python_version(),
            "database": {"dialect": db.dialect, "version": _version(db)},
            "scale": asdict(scale) | {"generated": asdict(generated),
                                      "generate_movements_per_s": round(
                                          generated.movements / generated.seconds)
                                      if generated.seconds else None},
            "scenarios": {}}


def _version(db: Database) -> str:
    query = "select sqlite_version()" if db.dialect == "sqlite" else "show server_version"
    with db.engine.connect() as conn:
        return str(conn.execute(text(query)).scalar())


def failures(result: dict[str, Any]) -> list[str]:
    """The scenarios that raised (skips are not failures)."""
    return [name for name, found in result["scenarios"].items() if "error" in found]
