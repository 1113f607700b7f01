"""`medwms scan "RAW"`: show what a scan means, or why a station would refuse it."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from medwms.barcode import Scan, ScanError, parse_scan

_SHOWN = ("issuer", "symbology", "di", "gtin", "content_gtin", "lot", "serial", "expiry",
          "production_date", "quantity", "sscc", "location", "document", "link",
          "hibc_structure")


def scan(
    raw: str = typer.Argument(..., help="What the scanner typed (use $'…\\x1d…' for GS)."),
    language: str = typer.Option("zh-CN", "--language", "-l", help="zh-CN or en"),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Parse a scanned barcode and print its fields, or the refusal (exit code 2)."""
    console = Console(highlight=False)
    try:
        result = parse_scan(raw)
    except ScanError as error:
        if json_output:
            console.print_json(json.dumps(error.to_dict(language), ensure_ascii=False))
        else:
            console.print(f"[red]{error.code}[/red]: {error.message(language)}")
        raise typer.Exit(2) from error
    if json_output:
        console.print_json(json.dumps(result.to_dict(language), ensure_ascii=False))
    else:
        console.print(_table(result, language))


def _table(result: Scan, language: str) -> Table:
    table = Table(title="Scan", show_header=False)
    data = result.to_dict(language)
    for name in _SHOWN:
        if data[name] is not None:
            table.add_row(name, str(data[name]))
    table.add_row("elements", " ".join(f"({key}){value}" for key, value in result.elements))
    for warning in result.warnings:
        table.add_row("[yellow]warning[/yellow]", f"{warning.code}: {warning.message(language)}")
    return table
