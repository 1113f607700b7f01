"""`medwms bench` never rots: a --quick run gives every scenario numbers or a skip reason,
and a generated data set passes `verify`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from medwms.bench import report, runner
from medwms.bench.generate import Scale, generate
from medwms.bench.scenarios import SCENARIOS
from medwms.cli.bench import app
from medwms.core.db import Database
from medwms.ledger.verify import verify
from tests.support.databases import postgres_base_url


def _medians(node: Any) -> list[float]:
    if isinstance(node, dict):
        found = [node["median"]] if "median" in node else []
        return found + [m for value in node.values() for m in _medians(value)]
    return []


def _check_quick(result: dict[str, Any]) -> None:
    assert set(result["scenarios"]) == set(SCENARIOS)
    assert result["scale"]["generated"]["movements"] == runner.QUICK.movements
    for name, found in result["scenarios"].items():
        assert "error" not in found, f"{name}: {found.get('traceback')}"
        if "skipped" in found:
            assert found["skipped"].strip(), name
        else:
            medians = _medians(found)
            assert medians and all(m == m and m >= 0 for m in medians), name
    assert "| trace.trace_lot |" in report.markdown(result)
    latency = result["scenarios"]["scan_latency"]
    if "skipped" not in latency:
        assert latency["http_floor"]["server_cpu_ms_per_request"] > 0


def test_quick_run_on_sqlite_gives_every_scenario_numbers_or_a_reason(tmp_path: Path) -> None:
    out = tmp_path / "quick.json"
    outcome = CliRunner().invoke(app, ["run", "--quick", "--json", str(out)])
    assert outcome.exit_code == 0, outcome.output
    _check_quick(json.loads(out.read_text()))


@pytest.mark.skipif(postgres_base_url() is None, reason="needs MEDWMS_TEST_DATABASE_URL")
def test_quick_run_on_postgresql_gives_every_scenario_numbers_or_a_reason() -> None:
    result = runner.run(database=postgres_base_url(), scale=runner.QUICK, quick=True,
                        names=SCENARIOS)
    _check_quick(result)


def test_generated_data_set_passes_verify(db: Database) -> None:
    made = generate(db, Scale(movements=6000, warehouses=2, items=40, bins=30,
                              consignees=120))
    with db.reading() as session:
        checked = verify(session)
    assert checked.ok, checked.problems
    assert checked.movements == made.movements == 6000
    assert checked.balances == made.stock_rows > 0


def test_report_charts_runs_as_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = runner.run(database=None, scale=Scale(movements=3000, warehouses=2, items=30,
                                                   bins=20, consignees=50),
                        quick=True, names=["stock_query", "trace"])
    files = []
    for n, movements in enumerate((3000, 30000)):
        result["scale"]["movements"] = movements
        files.append(tmp_path / f"r{n}.json")
        files[-1].write_text(json.dumps(result))
    assert report.chart(files, tmp_path / "chart.png") >= 2
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"
