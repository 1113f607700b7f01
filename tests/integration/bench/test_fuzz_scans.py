"""`medwms bench fuzz-scans`: every generated or mutated barcode parses or is a ScanError."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from medwms.barcode.errors import SCAN_ERROR_CODES
from medwms.bench import fuzz_scans
from medwms.cli.main import app

GS = "\x1d"


def test_a_quick_run_finds_no_error_and_prints_its_figures(tmp_path):
    out = tmp_path / "fuzz.json"
    result = CliRunner().invoke(app, ["bench", "fuzz-scans", "--count", "2000",
                                      "--through-api", "100", "--json", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    assert figures["inputs"] == 2000
    assert figures["errors"] == 0, figures["error_examples"]
    assert figures["parsed"] + figures["refused"] == 2000
    assert figures["parsed"] > 100  # the mutations leave many scans valid
    assert set(figures["refused_by_code"]) <= set(SCAN_ERROR_CODES)
    assert figures["inputs_per_s"] > 0
    api = figures["api"]  # the receiving endpoint on a demo database
    assert (api["inputs"], api["server_errors"]) == (100, 0), api["error_examples"]
    assert sum(api["answers"].values()) == 100
    assert any(answer.startswith("201") for answer in api["answers"])  # some units came in
    assert "422 VALIDATION_ERROR" in api["answers"]  # control characters refused at the door


def test_the_inputs_are_the_same_for_a_seed_and_hold_group_separators():
    first = list(fuzz_scans.inputs(500, seed=3))
    assert first == list(fuzz_scans.inputs(500, seed=3))
    assert first != list(fuzz_scans.inputs(500, seed=4))
    assert sum(GS in raw for raw in first) > 50
    assert any(raw.startswith("https://") for raw in first)


def test_an_unexpected_exception_is_counted_with_its_input(monkeypatch):
    def broken(raw, **_):
        raise ValueError("a bug")

    monkeypatch.setattr(fuzz_scans, "route", broken)
    figures = fuzz_scans.run(30)
    assert (figures.errors, figures.parsed) == (30, 0)
    assert figures.error_examples[0]["error"] == "ValueError('a bug')"
    result = CliRunner().invoke(app, ["bench", "fuzz-scans", "--count", "10"])
    assert result.exit_code == 1
