"""The `scan` command, run through a tiny local Typer app."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from medwms.cli.scan import scan

app = typer.Typer()
app.command()(scan)
runner = CliRunner()
GTIN_SCAN = "]d2010761234500001517280630\x1d10LOTA1"


def test_scan_prints_the_fields_as_json() -> None:
    result = runner.invoke(app, [GTIN_SCAN, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["gtin"], data["lot"], data["issuer"]) == ("07612345000015", "LOTA1", "GS1")


def test_scan_prints_a_table_with_the_lot() -> None:
    result = runner.invoke(app, [GTIN_SCAN])
    assert result.exit_code == 0, result.output
    assert "LOTA1" in result.output and "07612345000015" in result.output


def test_refused_scan_prints_code_and_chinese_message_and_exits_2() -> None:
    result = runner.invoke(app, ["]D2010761234500001517280630"])
    assert result.exit_code == 2
    assert "CAPS_LOCK" in result.output and "大写锁定" in result.output


def test_refused_scan_in_english_as_json() -> None:
    result = runner.invoke(app, ["0107612345000014", "--json", "--language", "en"])
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert data["code"] == "BAD_CHECK_DIGIT" and "check digit" in data["message"]
