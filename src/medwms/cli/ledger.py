"""`medwms seal`, `medwms verify` and `medwms serve`: the ledger's sealer and its checks."""

from __future__ import annotations

import typer
from rich.table import Table

from medwms.cli import admin
from medwms.cli.coldchain import start_demo_sensors
from medwms.cli.common import (
    cli_actor,
    console,
    database,
    effective,
    err_console,
    report_errors,
    sealing_anchor,
    settings,
)
from medwms.config import DEVELOPMENT_SECRET, MIN_SECRET_LENGTH, Settings
from medwms.core import migrate
from medwms.core.errors import Problem, ValidationError
from medwms.ledger.checkpoints import load_anchor

DEMO_SHEET = "/demo/barcodes"


@report_errors
def seal() -> None:
    """Seal every unsealed movement and audit record now, and write signed checkpoints."""
    from medwms.ledger.sealer import anchor_existing
    from medwms.ledger.sealer import seal as run_seal

    config = settings()
    anchor = sealing_anchor(config)
    with database(config) as db:
        anchor_existing(db, anchor)
        sealed = run_seal(db, anchor, batch=config.seal_batch)
    if sealed.busy:
        console.print("Another sealer was sealing at the same moment; it seals the rest.")
    console.print(f"Sealed {sealed.rows} rows; {len(sealed.checkpoints)} checkpoints written "
                  f"to {anchor.file.path}.")


@report_errors
def verify() -> None:
    """Check balances, every hash chain, the signed checkpoints and the unsealed rows; the
    run is recorded (the verification page shows it)."""
    from medwms.ledger.verify_runs import run_verify

    config = settings()
    with database(config) as db:
        report = run_verify(db, actor=cli_actor(), anchor=load_anchor(config), source="cli",
                            max_unsealed_age=effective(config, db).unsealed_max_age_seconds
                            ).report
    table = Table("checked", "count")
    for name, value in (("stock balances", report.balances),
                        ("sealed movements", report.movements),
                        ("sealed audit records", report.audit_records),
                        ("signed checkpoints", report.checkpoints),
                        ("unsealed movements", report.unsealed_movements),
                        ("unsealed audit records", report.unsealed_audit_records),
                        ("oldest unsealed row (s)", report.oldest_unsealed_age_s)):
        table.add_row(name, str(value))
    console.print(table)
    for note in report.notes:
        console.print(f"[yellow]NOTE[/yellow] {note}")
    if not report.ok:
        for problem in report.problems:
            err_console.print(f"[red]FAIL[/red] {problem}")
        raise typer.Exit(1)
    console.print("[green]OK[/green]: stock equals the sum of movements; all chains intact "
                  "and in agreement with the signed checkpoints.")


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def refuse_weak_secret(config: Settings, host: str) -> None:
    """Refuse to listen beyond this machine with the development secret or a short one:
    whoever knows the secret signs their own login tokens."""
    secret = config.secret_key
    if host in LOOPBACK or (secret != DEVELOPMENT_SECRET and len(secret) >= MIN_SECRET_LENGTH):
        return
    weak = ("the development secret key" if secret == DEVELOPMENT_SECRET
            else f"a secret key shorter than {MIN_SECRET_LENGTH} characters")
    raise ValidationError([Problem(
        f"medwms would listen on {host} with {weak}: anyone who knows it can sign their own "
        "login. Set MEDWMS_SECRET_KEY to a long random value (python -c \"import secrets; "
        "print(secrets.token_urlsafe(48))\"), or listen on 127.0.0.1 behind a reverse proxy",
        column="MEDWMS_SECRET_KEY", value="")])


@report_errors
def serve(host: str | None = typer.Option(None, help="Address to listen on (MEDWMS_HOST)"),
          port: int | None = typer.Option(None, help="Port to listen on (MEDWMS_PORT, 8000)"),
          workers: int = typer.Option(1, min=1, help="Server processes (PostgreSQL only)"),
          demo: bool = typer.Option(False, help="Load the demo data first if the database is new"),
          ) -> None:
    """Run the web and API server, with the sealer, in one or several processes."""
    import uvicorn

    config = settings()
    if workers > 1 and not config.database_url.startswith("postgres"):
        raise ValidationError([Problem(
            "SQLite is served by one process (it has one writer): run without --workers, or "
            "use PostgreSQL (MEDWMS_DATABASE_URL=postgresql://…) for several workers",
            column="workers", value=str(workers))])
    if demo:
        admin.demo()
    with database(config) as db:
        migrate.upgrade(db.engine)
    sealing_anchor(config)  # create the key once, before the workers race to
    host, port = host or config.host, port or config.port
    refuse_weak_secret(config, host)
    if demo:
        console.print(f"Demo barcode sheet / 演示条码表: [bold]http://{host}:{port}"
                      f"{DEMO_SHEET}[/bold] (PDF: http://{host}:{port}{DEMO_SHEET}.pdf)")
        console.print(start_demo_sensors(config))
    console.print(f"medwms is running at [bold]http://{host}:{port}/[/bold] "
                  f"(API http://{host}:{port}/api/v1, docs http://{host}:{port}/docs), "
                  f"{workers} process(es), sealing every {config.seal_interval_ms} ms")
    # uvicorn believes X-Forwarded-* from the same proxies as the security headers do
    uvicorn.run("medwms.cli.serving:app", factory=True, host=host, port=port,
                workers=workers, log_level="info", proxy_headers=bool(config.trusted_proxies),
                forwarded_allow_ips=list(config.trusted_proxies) or None)
