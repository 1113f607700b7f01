"""parse: barcode scans parsed per second over a mixed corpus (GS1 DataMatrix, GS1-128,
HRI, GS1 Digital Link, HIBC)."""

from __future__ import annotations

import time
from datetime import date

from medwms.barcode import parse_scan
from medwms.barcode.hibc import mod43_check
from medwms.bench.scenarios.base import Context, Result, figure

GS = "\x1d"
TODAY = date(2025, 6, 1)


def _hibc(data: str) -> str:
    return data + mod43_check(data)


CORPUS: dict[str, list[str]] = {
    "gs1_datamatrix": [
        f"]d20107612345000015172806{i % 28 + 1:02d}10LOT{i}{GS}21SN{i:06d}" for i in range(50)
    ],
    "gs1_128": [f"]C10107612345000015172812{i % 28 + 1:02d}10L{i}" for i in range(50)],
    "hri": [f"(01)07612345000015(17)2806{i % 28 + 1:02d}(10)LOT{i}" for i in range(50)],
    "digital_link": [
        f"https://id.gs1.org/01/07612345000015/10/LOT{i}/21/S{i}?17=2806{i % 28 + 1:02d}"
        for i in range(50)
    ],
    "hibc": [_hibc(f"+A123BJC5D6E71/$$3280930LOT{i}") for i in range(25)]
    + [_hibc(f"+$$+0928S{i}G") for i in range(25)],
}


def run(ctx: Context) -> Result:
    """Rounds over the mixed corpus (scans/s per round), and each kind's own rate."""
    mixed = [scan for scans in CORPUS.values() for scan in scans]
    seconds = 0.05 if ctx.quick else 0.5
    rates = [_rate(mixed, seconds) for _ in range(ctx.pick(5, 15))]
    per_kind = {kind: round(_rate(scans, seconds)) for kind, scans in CORPUS.items()}
    return {"mixed": figure(rates, unit="scans/s", corpus_size=len(mixed)),
            "per_kind_scans_per_s": per_kind}


def _rate(scans: list[str], seconds: float) -> float:
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for raw in scans:
            parse_scan(raw, today=TODAY)
        count += len(scans)
    return count / (time.perf_counter() - started)
