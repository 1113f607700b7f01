"""Results as a Markdown table, and several runs as a PNG chart of latency against scale."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

CHARTED = ("trace.trace_lot", "trace.trace_serial", "trace.recall_open",
           "stock_query.item_on_hand", "stock_query.expiring_90_days",
           "scan_latency.receiving_scan.clients_1.server",
           "scan_latency.receiving_scan.clients_50.server",
           "scan_latency.pick_confirm.clients_1.server",
           "scan_latency.pick_confirm.clients_50.server",
           "fefo_allocate.wave_1000_lines", "ledger_post.post_1000_lines")


def rows(result: dict[str, Any]) -> Iterator[list[str]]:
    """One row per figure, skip or scalar of every scenario."""
    for name, found in result["scenarios"].items():
        yield from _rows(name, found)


def _rows(path: str, node: Any) -> Iterator[list[str]]:
    if isinstance(node, dict) and "median" in node:
        base = node.get("baseline", {})
        yield [path, _n(node["median"]), _n(node.get("p95")), _n(node.get("p99")),
               node.get("unit", ""), _n(base.get("median")), _n(node.get("ratio")),
               node.get("goal") or "", _met(node.get("met"))]
    elif isinstance(node, dict):
        if "skipped" in node or "error" in node:
            yield [path, "", "", "", "", "", "", f"skipped: {node.get('skipped')}"
                   if "skipped" in node else f"ERROR: {node['error']}", ""]
            return
        for key, value in node.items():
            if key not in ("seconds", "traceback", "first_errors"):
                yield from _rows(f"{path}.{key}", value)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield [path, _n(node), "", "", "", "", "", "", ""]


def _n(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _met(value: Any) -> str:
    return "" if value is None else ("yes" if value else "NO")


def markdown(result: dict[str, Any]) -> str:
    """The run's header line and its figures as a Markdown table."""
    scale = result["scale"]
    head = (f"medwms bench on {result['database']['dialect']} "
            f"{result['database']['version']}, Python {result['python']}, "
            f"{result['machine']['cores']} cores, {scale['movements']:,} movements "
            f"({scale['warehouses']} warehouses, {scale['items']} items), "
            f"generated in {scale['generated']['seconds']} s"
            f"{' (quick)' if result['quick'] else ''}\n\n")
    columns = ["figure", "median", "p95", "p99", "unit", "baseline", "ratio", "goal", "met"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(result)]
    return head + "\n".join(lines) + "\n"


def _figure(result: dict[str, Any], path: str) -> dict[str, Any] | None:
    node: Any = result["scenarios"]
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) and "median" in node else None


def chart(files: Sequence[Path], out: Path) -> int:
    """Median latency (ms) of each charted figure against the generated movements."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = [json.loads(Path(f).read_text()) for f in files]
    series: dict[str, list[tuple[int, float]]] = {}
    for result in results:
        for path in CHARTED:
            found = _figure(result, path)
            if found and found.get("unit") == "ms":
                label = f"{path} ({result['database']['dialect']})"
                series.setdefault(label, []).append((result["scale"]["movements"],
                                                     found["median"]))
    figure, axes = plt.subplots(figsize=(11, 6.5))
    colours = plt.get_cmap("tab20")
    paths = sorted({label.split(" (")[0] for label in series})
    for label, points in sorted(series.items()):
        points.sort()
        path = label.split(" (")[0]
        axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label,
                  color=colours(paths.index(path) % 20),
                  linestyle="--" if label.endswith("(sqlite)") else "-")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("movements in the ledger")
    axes.set_ylabel("median latency (ms)")
    axes.set_title("medwms bench: latency against scale (flat is the goal)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    figure.savefig(out, dpi=120)
    plt.close(figure)
    return len(series)
