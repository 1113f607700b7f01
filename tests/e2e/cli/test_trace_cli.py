"""`medwms trace` on a migrated SQLite file: the JSON shape, the tables, a clear error."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from medwms.cli.common import console
from medwms.cli.recall import app as recall_app
from medwms.cli.recall import trace
from medwms.core import migrate
from medwms.core.db import Database
from medwms.recall.trace import TOP_KEYS
from tests.support.recall import STENT_GTIN, build_history

root = typer.Typer()
root.command("trace")(trace)
root.add_typer(recall_app, name="recall")


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database(url)
    migrate.upgrade(db.engine)
    build_history(db)
    db.dispose()
    monkeypatch.setenv("MEDWMS_DATABASE_URL", url)
    monkeypatch.setenv("MEDWMS_LANGUAGE", "en")
    monkeypatch.setattr(console, "width", 200)
    return url


def test_trace_json_has_the_published_keys_and_base_units(url):
    result = CliRunner().invoke(root, ["trace", "--gtin", STENT_GTIN, "--lot", "L1",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert tuple(out) == TOP_KEYS
    assert [(s["consignee"], s["quantity"]) for s in out["shipped"]] == [("HOSP1", 20),
                                                                       ("HOSP2", 10)]
    assert out["origin"][0]["supplier"] == "SUP"


def test_trace_table_shows_each_section(url):
    result = CliRunner().invoke(root, ["trace", "--gtin", STENT_GTIN, "--lot", "L1"])
    assert result.exit_code == 0, result.output
    for title in ("Origin", "In stock now", "Shipped", "Returned", "Movements", "SHP-1"):
        assert title in result.output


def test_unknown_lot_exits_non_zero_with_no_such_lot(url):
    result = CliRunner().invoke(root, ["trace", "--gtin", STENT_GTIN, "--lot", "ZZ",
                                       "--format", "json"])
    assert result.exit_code == 2 and "NO_SUCH_LOT" in result.output


def test_epcis_export_writes_a_document(url, tmp_path):
    target = tmp_path / "l1.jsonld"
    result = CliRunner().invoke(root, ["recall", "epcis", "--gtin", STENT_GTIN, "--lot", "L1",
                                       str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["type"] == "EPCISDocument"
