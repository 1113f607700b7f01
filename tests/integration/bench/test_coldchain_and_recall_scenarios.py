"""The cold-chain ingest and recall-trace scenarios (once scripts of their own) give their
figures with the baselines measured in the same run, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from medwms.bench import report, runner
from medwms.bench.generate import Scale
from tests.support.databases import postgres_base_url

SMALL = Scale(movements=3000, warehouses=2, items=30, bins=20, consignees=50)
DATABASES = [None, pytest.param("postgresql", marks=pytest.mark.skipif(
    postgres_base_url() is None, reason="needs MEDWMS_TEST_DATABASE_URL"))]


def _scenario(database: str | None, name: str) -> dict[str, Any]:
    result = runner.run(database=postgres_base_url() if database else None, scale=SMALL,
                        quick=True, names=[name])
    found: dict[str, Any] = result["scenarios"][name]
    assert "error" not in found and "skipped" not in found, found
    assert f"| {name}." in report.markdown(result)
    return found


@pytest.mark.parametrize("database", DATABASES)
def test_coldchain_ingest_measures_ingest_against_the_raw_insert_and_holds_on_a_breach(
        database: str | None) -> None:
    found = _scenario(database, "coldchain_ingest")
    ingest = found["api_ingest"]
    assert ingest["unit"] == "readings/s" and ingest["n"] == 6  # after one warm-up batch
    assert ingest["median"] > 0 and ingest["baseline"]["median"] > 0
    assert ingest["ratio"] == pytest.approx(ingest["median"] / ingest["baseline"]["median"],
                                            rel=0.01, abs=0.001)
    breach = found["breach_hold"]
    assert breach["n"] == 1 and breach["median"] > 0
    assert breach["held_units"] == 10  # the breached zone's one stock row, now HOLD
    mqtt = found["mqtt"]
    if "skipped" in mqtt:
        assert "MQTT broker" in mqtt["skipped"]
    else:
        assert mqtt["stored"] == mqtt["readings"] > 0 and mqtt["breach_hold_ms"] is not None


@pytest.mark.parametrize("database", DATABASES)
def test_recall_trace_measures_the_full_trace_against_the_bare_one_and_a_wide_recall(
        database: str | None) -> None:
    found = _scenario(database, "recall_trace")
    full = found["full_trace_lot"]
    assert full["median"] > 0 and full["baseline"]["median"] > 0
    assert full["ratio"] == pytest.approx(full["median"] / full["baseline"]["median"],
                                          rel=0.01, abs=0.001)
    wide = found["full_trace_wide_lot"]
    assert wide["bins"] > 0 and wide["shipments"] == wide["bins"] // 2
    assert wide["movements_of_lot"] == wide["bins"] + wide["shipments"]
    assert wide["plans"] and all(plan["sql"] and plan["plan"] for plan in wide["plans"])
    recall = found["open_recall_wide_lot"]
    assert recall["consignees"] == wide["shipments"]
    assert recall["blocked_units"] == 11 * wide["bins"] - wide["shipments"]
