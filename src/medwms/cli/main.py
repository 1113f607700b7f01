"""The `medwms` command: one Typer app, one module per group of commands."""

from __future__ import annotations

import os

import typer
from rich.table import Table

from medwms.cli import admin, bench, coldchain, label, recall, scan, transfer, users
from medwms.cli.common import cli_actor, console, database, err_console, report_errors, settings
from medwms.core import migrate

app = typer.Typer(help="medwms — warehouse management for medical devices.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(users.app, name="users")
app.add_typer(coldchain.app, name="coldchain")
app.add_typer(recall.app, name="recall")
app.add_typer(bench.app, name="bench")
app.command("trace")(recall.trace)
app.command("scan")(scan.scan)
app.command("label")(label.label)
app.command("demo")(admin.demo)
app.command("backup")(admin.backup)
app.command("restore")(admin.restore)
app.command("import")(transfer.import_data)
app.command("export")(transfer.export_data)


@app.command()
@report_errors
def init(admin: str = typer.Option("admin", help="User name of the first administrator")) -> None:
    """Create or migrate the database and create the administrator.

    The password comes from MEDWMS_ADMIN_PASSWORD, or a prompt.
    """
    from medwms.auth.service import ensure_admin

    config = settings()
    with database(config) as db:
        migrate.upgrade(db.engine)
        password = os.environ.get("MEDWMS_ADMIN_PASSWORD") or typer.prompt(
            f"Password for {admin}", hide_input=True, confirmation_prompt=True)
        created = ensure_admin(db, username=admin, password=password, actor=cli_actor())
    console.print(f"Database ready: {config.database_url}")
    console.print(f"Administrator {admin}: {'created' if created else 'already exists'}")


@app.command("migrate")
@report_errors
def migrate_command() -> None:
    """Bring the database schema up to date (init does this too)."""
    with database() as db:
        migrate.upgrade(db.engine)
    console.print("Database schema is up to date.")


@app.command()
@report_errors
def verify() -> None:
    """Check that every balance equals its movements and every hash chain is intact."""
    from medwms.ledger.verify import verify as run_verify

    with database() as db, db.reading() as session:
        report = run_verify(session)
    table = Table("checked", "count")
    table.add_row("stock balances", str(report.balances))
    table.add_row("movements", str(report.movements))
    table.add_row("audit records", str(report.audit_records))
    console.print(table)
    if not report.ok:
        for problem in report.problems:
            err_console.print(f"[red]FAIL[/red] {problem}")
        raise typer.Exit(1)
    console.print("[green]OK[/green]: stock equals the sum of movements; all chains intact.")


@app.command()
def serve(host: str | None = None, port: int | None = None,
          demo: bool = typer.Option(False, help="Load the demo data first if the database is new"),
          ) -> None:
    """Run the web and API server."""
    import uvicorn

    from medwms.api.app import create_app

    config = settings()
    if demo:
        admin.demo()
    with database(config) as db:
        migrate.upgrade(db.engine)
    host, port = host or config.host, port or config.port
    console.print(f"medwms is running at [bold]http://{host}:{port}/[/bold] "
                  f"(API http://{host}:{port}/api/v1, docs http://{host}:{port}/docs)")
    uvicorn.run(create_app(config), host=host, port=port, log_level="info")
