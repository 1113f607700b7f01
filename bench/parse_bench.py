"""Parse a mixed corpus of scans repeatedly and print the rate as JSON.

    python bench/parse_bench.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date

from medwms.barcode import parse_scan
from medwms.barcode.hibc import mod43_check

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


def run(seconds: float) -> dict[str, object]:
    """Parse the corpus for about `seconds`; return the overall and per-kind rates."""
    per_kind: dict[str, float] = {}
    for kind, scans in CORPUS.items():
        per_kind[kind] = _rate(scans, seconds / (len(CORPUS) + 1))
    mixed = [scan for scans in CORPUS.values() for scan in scans]
    return {"scans_per_second": round(_rate(mixed, seconds / (len(CORPUS) + 1))),
            "per_kind": {k: round(v) for k, v in per_kind.items()},
            "corpus_size": len(mixed)}


def _rate(scans: list[str], seconds: float) -> float:
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for raw in scans:
            parse_scan(raw, today=TODAY)
        count += len(scans)
    return count / (time.perf_counter() - started)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    print(json.dumps(run(parser.parse_args().seconds)))
