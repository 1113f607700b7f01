"""The `medwms` command: one Typer app, one module per group of commands."""

from __future__ import annotations

import os

import typer

from medwms.cli import (
    admin,
    archive,
    bench,
    coldchain,
    equipment,
    label,
    ledger,
    qualification,
    quality,
    recall,
    scan,
    transfer,
    users,
)
from medwms.cli import settings as settings_cli
from medwms.cli.common import cli_actor, console, database, report_errors, settings
from medwms.core import migrate

app = typer.Typer(help="medwms — warehouse management for medical devices.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(users.app, name="users")
app.add_typer(coldchain.app, name="coldchain")
app.add_typer(equipment.app, name="equipment")
app.add_typer(recall.app, name="recall")
app.add_typer(qualification.app, name="qualification")
app.add_typer(bench.app, name="bench")
app.add_typer(settings_cli.app, name="settings")
app.command("trace")(recall.trace)
app.command("scan")(scan.scan)
app.command("label")(label.label)
app.command("demo")(admin.demo)
app.command("backup")(admin.backup)
app.command("restore")(admin.restore)
app.command("import")(transfer.import_data)
app.command("archive")(archive.archive)
app.command("export")(transfer.export_data)
app.command("seal")(ledger.seal)
app.command("verify")(ledger.verify)
app.command("serve")(ledger.serve)
app.command("expire")(quality.expire)


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
