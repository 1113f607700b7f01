"""`medwms label` on a tiny local Typer app: files that scan back, clear refusals."""

from __future__ import annotations

from pathlib import Path

import typer
from PIL import Image
from typer.testing import CliRunner

from medwms.cli.label import label
from tests.unit.barcode.conftest_render import SSCC, decode, pdf_pages, pdf_text

app = typer.Typer()
app.command()(label)


@app.command()
def version() -> None:
    """A second command, so `label` is a sub-command as under `medwms`."""


DEVICE = ["label", "--gtin", "07612345000015", "--lot", "LOTA1", "--expiry", "2028-06-30",
          "--serial", "SN1", "--name-zh", "注射器", "--name-en", "Syringe"]


def test_device_label_pdf_scans_back_and_carries_the_chinese_name(tmp_path: Path) -> None:
    out = tmp_path / "label.pdf"
    result = CliRunner().invoke(app, [*DEVICE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    [scan] = decode(pdf_pages(pdf)[0])
    assert (scan.gtin, scan.lot, scan.serial, str(scan.expiry)) == (
        "07612345000015", "LOTA1", "SN1", "2028-06-30")
    assert "注射器" in pdf_text(pdf)


def test_zpl_goes_to_stdout_without_output_file() -> None:
    result = CliRunner().invoke(app, [*DEVICE, "-f", "zpl", "--size", "60x40"])
    assert result.exit_code == 0
    assert "^BXN," in result.stdout and "_121SN1^FS" in result.stdout


def test_qc_label_png_scans_back(tmp_path: Path) -> None:
    out = tmp_path / "qc.png"
    result = CliRunner().invoke(app, [*DEVICE, "--kind", "qc", "--inspector", "张三",
                                      "--inspected-on", "2026-05-01", "-f", "png", "-o", str(out)])
    assert result.exit_code == 0, result.output
    [scan] = decode(Image.open(out))
    assert scan.lot == "LOTA1"


def test_location_and_handling_unit_labels(tmp_path: Path) -> None:
    runner = CliRunner()
    loc, hu = tmp_path / "loc.png", tmp_path / "hu.pdf"
    assert runner.invoke(app, ["label", "--kind", "location", "--code", "A-01-02",
                               "-f", "png", "-o", str(loc)]).exit_code == 0
    assert runner.invoke(app, ["label", "--kind", "hu", "--sscc", SSCC, "--contents",
                               "20 x syringe", "-o", str(hu)]).exit_code == 0
    assert decode(Image.open(loc))[0].location == "A-01-02"
    assert decode(pdf_pages(hu.read_bytes())[0])[0].sscc == SSCC


def test_a4_sheet_defaults_to_a_full_page_of_copies(tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    result = CliRunner().invoke(app, ["label", "--kind", "location", "--code", "B-1",
                                      "--size", "a4", "--cell", "60x40", "-o", str(out)])
    assert result.exit_code == 0
    assert len(decode(pdf_pages(out.read_bytes())[0])) == 18


def test_bad_data_exits_2_with_a_message_naming_the_field() -> None:
    runner = CliRunner()
    cases = [
        (["label", "--gtin", "07612345000016", "-f", "zpl"], "gtin"),
        ([*DEVICE, "--expiry", "2028-13-01", "-f", "zpl"], "expiry"),
        (["label", "--gtin", "07612345000015", "--lot", "L 1", "-f", "zpl"], "lot"),
        (["label", "--kind", "qc", "--gtin", "07612345000015", "--name-zh", "x", "-f", "zpl"],
         "inspector"),
        (["label", "--kind", "hu", "-f", "zpl"], "sscc"),
        ([*DEVICE], "-o FILE"),
        ([*DEVICE, "-f", "zpl", "--size", "a4"], "ZPL"),
    ]
    for args, needle in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert needle in result.stderr, (needle, result.stderr)
