"""`medwms bench`: generate a data set, run the scenarios, chart the results."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from medwms.bench import fuzz_scans, runner
from medwms.bench import report as bench_report
from medwms.bench.generate import Scale, generate
from medwms.bench.scenarios import SCENARIOS
from medwms.cli.common import console, database, err_console, settings
from medwms.config import load_settings
from medwms.core import migrate

app = typer.Typer(help="Measure medwms at warehouse scale.", no_args_is_help=True)

DatabaseOpt = Annotated[str | None, typer.Option(
    "--database", help="sqlite (default) or a PostgreSQL server URL; the run makes a fresh "
    "database there (medwms_bench_<pid>) and drops it afterwards")]


@contextmanager
def _bar() -> Iterator[Progress]:
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=err_console) as progress:
        yield progress


@app.command("generate")
def generate_command(
    movements: Annotated[int, typer.Option(help="Movements to generate")] = 1_000_000,
    warehouses: Annotated[int, typer.Option(help="Warehouses (one hash chain each)")] = 3,
    items: Annotated[int, typer.Option(help="Items (a tenth are serialised implants)")] = 500,
    consignees: Annotated[int, typer.Option(help="Customers shipped to")] = 400,
    database_url: Annotated[str | None, typer.Option(
        "--database", help="Database URL (default: MEDWMS_DATABASE_URL)")] = None,
) -> None:
    """Build a realistic data set in bulk into a database with an empty ledger."""
    config = load_settings(database_url=database_url) if database_url else settings()
    scale = Scale(movements=movements, warehouses=warehouses, items=items,
                  consignees=consignees)
    with database(config) as db, _bar() as progress:
        migrate.upgrade(db.engine)
        task = progress.add_task("movements", total=movements)
        made = generate(db, scale, progress=lambda n: progress.advance(task, n))
    console.print(f"{made.movements:,} movements, {made.lots:,} lots, {made.serials:,} "
                  f"serials, {made.stock_rows:,} stock rows in {made.seconds} s "
                  f"({made.movements / max(made.seconds, 1e-9):,.0f} movements/s)")


@app.command("run")
def run_command(
    json_out: Annotated[Path, typer.Option("--json", help="Write the results here (JSON)")],
    scenario: Annotated[list[str] | None, typer.Option(
        help=f"Only these ({', '.join(SCENARIOS)})")] = None,
    database_url: DatabaseOpt = None,
    quick: Annotated[bool, typer.Option(help="Every scenario at small scale")] = False,
    movements: Annotated[int | None, typer.Option(
        help="Generated movements (default 1,000,000; quick: 20,000)")] = None,
    warehouses: Annotated[int, typer.Option()] = 3,
    items: Annotated[int, typer.Option()] = 500,
    markdown: Annotated[Path | None, typer.Option(help="Also write the table here")] = None,
) -> None:
    """Run the scenarios on a fresh database; print the table, write the JSON."""
    scale = runner.QUICK if quick else Scale(movements=1_000_000, warehouses=warehouses,
                                             items=items)
    if movements is not None:
        scale = Scale(movements=movements, warehouses=scale.warehouses, items=scale.items,
                      bins=scale.bins, consignees=scale.consignees)
    with _bar() as progress:
        result = runner.run(
            database=database_url, scale=scale, quick=quick, names=scenario or SCENARIOS,
            announce=lambda text: progress.console.print(f"[dim]{text}[/dim]"),
            progress=lambda total: _advance(progress, total))
    json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    table = bench_report.markdown(result)
    if markdown is not None:
        markdown.write_text(table)
    console.print(table, markup=False, highlight=False, soft_wrap=True)
    failed = runner.failures(result)
    if failed:
        err_console.print(f"[red]failed[/red]: {', '.join(failed)}")
        raise typer.Exit(1)


def _advance(progress: Progress, total: int) -> Callable[[int], None]:
    task = progress.add_task("movements", total=total)
    return lambda n: progress.advance(task, n)


@app.command("report")
def report_command(
    files: Annotated[list[Path], typer.Argument(help="JSON files of `medwms bench run`")],
    out: Annotated[Path, typer.Option(help="The PNG chart to write")] = Path("bench.png"),
) -> None:
    """Chart median latency against scale over one or more runs (PNG), print the tables."""
    for file in files:
        console.print(bench_report.markdown(json.loads(file.read_text())), markup=False,
                      highlight=False, soft_wrap=True)
    drawn = bench_report.chart(files, out)
    console.print(f"{drawn} series charted in {out}")


@app.command("fuzz-scans")
def fuzz_scans_command(
    count: Annotated[int, typer.Option(help="Inputs to generate (the big run: 1000000)")] = 20_000,
    seed: Annotated[int, typer.Option(help="The generator's seed: the same inputs every run")] = 16,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures here")]
    = None,
    through_api: Annotated[int, typer.Option(
        help="Also post the first N inputs to the receiving endpoint on a demo database")] = 0,
) -> None:
    """Generated and mutated barcodes through the scan parser and the station rules; prints
    the figures as JSON (inputs/s, refusals by code, errors) and exits 1 on any error."""
    with _bar() as progress:
        task = progress.add_task("scans", total=count)
        figures = fuzz_scans.run(count, seed, progress=lambda n: progress.advance(task, n),
                                 through_api=through_api)
    text = json.dumps(figures.as_dict(), indent=2, ensure_ascii=False)
    if json_out is not None:
        json_out.write_text(text)
    console.print(text, markup=False, highlight=False, soft_wrap=True)
    if figures.errors:
        err_console.print(f"[red]{figures.errors} inputs raised an unexpected exception[/red]")
        raise typer.Exit(1)
