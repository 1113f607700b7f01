"""`medwms settings`: the runtime settings (list them; change one, with a reason)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from medwms.cli.common import cli_actor, console, database, report_errors, settings
from medwms.runtime import queries, service

app = typer.Typer(help="Runtime settings: list them, change one (audited, with a reason).",
                  no_args_is_help=True)


@app.command("list")
@report_errors
def list_settings() -> None:
    """Every setting that may change while the server runs: effective value and its source."""
    config = settings()
    with database(config) as db:
        rows = queries.setting_rows(db, actor=cli_actor(), base=config)
    table = Table("setting", "effective", "environment / default", "source", "changed by",
                  "reason")
    for row in rows:
        table.add_row(row.name, row.effective, row.environment, row.source, row.changed_by,
                      row.reason)
    console.print(table)


@app.command("set")
@report_errors
def set_setting(
    name: Annotated[str, typer.Argument(help="The setting, e.g. session_idle_minutes")],
    value: Annotated[str | None, typer.Argument(help="The new value; leave out with "
                                                     "--environment")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why it changes (required)")] = "",
    environment: Annotated[bool, typer.Option(
        "--environment", help="Give the setting back to its environment or default value")
    ] = False,
) -> None:
    """Change a runtime setting (or give it back to the environment's); audited."""
    if (value is None) != environment:
        console.print("[red]Give either a VALUE or --environment.[/red]")
        raise typer.Exit(2)
    config = settings()
    with database(config) as db:
        changed = service.set_setting(db=db, actor=cli_actor(), base=config, name=name,
                                      value=value, reason=reason)
    console.print(f"{changed.name}: {changed.old} → {changed.new} (reason: {changed.reason}); "
                  "running servers see it within a few seconds.")
