"""`medwms qualification`: the credentials expiring soon (or lapsed) and the 首营 files."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from medwms.cli.common import cli_actor, console, database, report_errors, settings
from medwms.core.clock import local_date, utc_now
from medwms.qualification import queries

app = typer.Typer(help="First-time approval (首营) files and credential expiry.",
                  no_args_is_help=True)


@app.command("expiring")
@report_errors
def expiring(
    days: Annotated[int | None, typer.Option("--days", min=0, max=3660,
                                             help="Warning window (default: the setting)")
                    ] = None,
    format: Annotated[str, typer.Option("--format", help="json or table")] = "table",
) -> None:
    """Licences, certificates and letters lapsing within the window, or lapsed already."""
    config = settings()
    window = config.credential_warning_days if days is None else days
    with database(config) as db:
        rows = queries.expiring(db, actor=cli_actor(), today=local_date(utc_now()), days=window)
    if format.lower() == "json":
        typer.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, default=str,
                              indent=2))
        return
    table = Table(title=f"Credentials lapsing within {window} days / {window} 天内到期的证照")
    for column in ("file", "subject", "code", "name", "credential", "number", "valid until",
                   "days left"):
        table.add_column(column)
    for r in rows:
        table.add_row(r.file_no, r.subject, r.code, r.name, f"{r.kind_zh} {r.kind_en}",
                      r.number, r.valid_until.isoformat(), str(r.days_left))
    console.print(table)
    if not rows:
        console.print("Nothing lapses in the window. / 预警期内没有到期的证照。")


@app.command("files")
@report_errors
def files(
    state: Annotated[str, typer.Option("--state", help="DRAFT, SUBMITTED, APPROVED, REJECTED")
                     ] = "",
) -> None:
    """The qualification files, newest first."""
    with database() as db:
        rows = queries.file_list(db, actor=cli_actor(), state=state)
    table = Table(title="Qualification files / 首营档案")
    for column in ("file", "subject", "code", "name", "state"):
        table.add_column(column)
    for r in rows:
        table.add_row(r.file_no, r.subject, r.code, r.name, r.state)
    console.print(table)
