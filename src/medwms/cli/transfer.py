"""`medwms import KIND FILE` and `medwms export KIND FILE`: master data as CSV or Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from medwms.cli.common import cli_actor, console, database, report_errors
from medwms.masterdata import exporting, importing, reading
from medwms.masterdata.kinds import KINDS

PROGRESS_FROM_ROWS = 2000
KIND_HELP = "What to import or export: " + ", ".join(KINDS)

KindArg = Annotated[str, typer.Argument(help=KIND_HELP)]


@report_errors
def import_data(
    kind: KindArg,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="A .csv or .xlsx file; row 1 names the columns")],
    reason: Annotated[str, typer.Option(help="Why, for the audit log")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run",
                                          help="Check every row, write nothing")] = False,
) -> None:
    """Create or update master data from a file; a file with any bad row is refused whole."""
    table = reading.read_table(file.read_bytes(), file.name)
    with database() as db, _progress(len(table.rows)) as bar:
        task = bar.add_task(f"{kind} ← {file.name}", total=len(table.rows))
        result = importing.import_rows(
            db=db, actor=cli_actor(), kind=kind, header=table.header, rows=table.rows,
            reason=reason or f"import {file.name}", dry_run=dry_run,
            progress=lambda n: bar.advance(task, n))
    verb = "checked (dry run, nothing written)" if dry_run else "imported"
    console.print(f"[green]{result.kind}: {result.rows} rows {verb}[/green] — "
                  f"{result.created} created, {result.updated} updated, "
                  f"{result.unchanged} unchanged")


def _progress(rows: int) -> Progress:
    """A progress bar, shown only for files large enough to wait for."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True,
                    disable=rows < PROGRESS_FROM_ROWS)


@report_errors
def export_data(
    kind: KindArg,
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write the file")],
    format: Annotated[str | None, typer.Option(
        "--format", help="csv or xlsx (default: from the file name)")] = None,
) -> None:
    """Write every record of a kind to a CSV or XLSX file that import reads back."""
    chosen = (format or file.suffix.lstrip(".") or "csv").lower()
    with database() as db:
        content = exporting.export_file(db=db, actor=cli_actor(), kind=kind,
                                        file_format=chosen)
    file.write_bytes(content)
    console.print(f"[green]{kind} → {file} ({len(content)} bytes)[/green]")
