"""`medwms trace` (a lot, a serial or an expiry range, as JSON or tables) and `medwms recall`."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from medwms.cli.common import console, database, report_errors, settings
from medwms.core.clock import local_text, utc_now
from medwms.documents.trace_origin import full_trace
from medwms.recall import queries
from medwms.recall.epcis import epcis_document
from medwms.recall.trace import TraceQuery

app = typer.Typer(help="Recall cases: list, response KPI, EPCIS export.", no_args_is_help=True)

DateOpt = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])]


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@report_errors
def trace(
    gtin: Annotated[str, typer.Option("--gtin", help="The GTIN (UDI-DI)")],
    lot: Annotated[str | None, typer.Option("--lot", help="Lot number")] = None,
    serial: Annotated[str | None, typer.Option("--serial", help="Serial number")] = None,
    expiry_from: DateOpt = None, expiry_to: DateOpt = None,
    produced_from: DateOpt = None, produced_to: DateOpt = None,
    format: Annotated[str, typer.Option("--format", help="json or table")] = "table",
) -> None:
    """Trace a lot or serial: origin, movements, stock now, shipments and returns."""
    query = TraceQuery(gtin=gtin, lot=lot, serial=serial, expiry_from=_day(expiry_from),
                       expiry_to=_day(expiry_to), produced_from=_day(produced_from),
                       produced_to=_day(produced_to))
    with database() as db, db.reading() as session:
        out = full_trace(session, query).as_json()
    if format.lower() == "json":
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    _tables(out)


SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("origin", "Origin (receipts)", ("receipt", "supplier", "warehouse", "date", "lot",
                                     "serial", "quantity")),
    ("in_stock", "In stock now", ("warehouse", "location", "zone", "status", "lot", "serial",
                                  "quantity")),
    ("shipped", "Shipped", ("consignee", "department", "shipment", "date", "lot", "serial",
                            "quantity")),
    ("returned", "Returned", ("consignee", "return", "date", "location", "status", "lot",
                              "serial", "quantity")),
    ("movements", "Movements", ("at", "warehouse", "kind", "doc_type", "doc_no",
                                "from_location", "to_location", "to_status", "quantity")),
)


def _tables(out: dict[str, Any]) -> None:
    item = out["item"]
    console.print(f"[bold]{item['code']}[/bold] {item['name_zh']} GTIN {item['gtin']}")
    for key, title, columns in SECTIONS:
        table = Table(title=f"{title} ({len(out[key])})", title_justify="left")
        for column in columns:
            table.add_column(column, justify="right" if column == "quantity" else "left")
        for row in out[key]:
            table.add_row(*[_cell(row.get(c)) for c in columns])
        console.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return text[:19].replace("T", " ") if len(text) >= 19 and text[10:11] == "T" else text


@app.command("list")
@report_errors
def list_cases(mock: Annotated[bool | None, typer.Option("--mock/--real")] = None) -> None:
    """Recall cases, newest first."""
    with database() as db, db.reading() as session:
        rows = queries.list_recalls(session, mock=mock)
    table = Table("recall", "mock", "status", "item", "class", "opened", "response ms", "blocked")
    for r in rows:
        table.add_row(r["recall_no"], "yes" if r["mock"] else "", r["status"], r["item"],
                      r["risk_class"], local_text(r["opened_at"], settings().timezone),
                      str(r["response_ms"]), str(r["blocked_units"]))
    console.print(table)


@app.command("kpi")
@report_errors
def kpi(mock: Annotated[bool | None, typer.Option("--mock/--real")] = None) -> None:
    """The recall-response KPI: opening → complete consignee list."""
    with database() as db, db.reading() as session:
        out = queries.response_kpi(session, mock=mock)
    typer.echo(json.dumps({k: v for k, v in out.items() if k != "cases"}))


@app.command("epcis")
@report_errors
def epcis(
    gtin: Annotated[str, typer.Option("--gtin")],
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write the JSON-LD")],
    lot: Annotated[str | None, typer.Option("--lot")] = None,
    serial: Annotated[str | None, typer.Option("--serial")] = None,
) -> None:
    """Export a lot's (or serial's) events as EPCIS 2.0 JSON-LD."""
    with database() as db, db.reading() as session:
        document = epcis_document(session, query=TraceQuery(gtin=gtin, lot=lot, serial=serial),
                                  now=utc_now())
    file.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(f"{len(document['epcisBody']['eventList'])} events → {file}")
