"""`medwms equipment`: the cold-chain equipment register and its calibration records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from medwms.cli.common import cli_actor, console, database, report_errors, settings

app = typer.Typer(help="Equipment register: sensors, cold rooms, fridges, cold boxes, vehicles.",
                  no_args_is_help=True)
CERTIFICATE = typer.Option(None, exists=True, dir_okay=False,
                           help="The certificate scan (PDF/JPEG/PNG)")


@app.command("list")
@report_errors
def list_register() -> None:
    """Every register entry, whether it is in date today and when it falls due."""
    from medwms.core.clock import local_date, utc_now
    from medwms.equipment.queries import register

    config = settings()
    with database(config) as db, db.reading() as s:
        rows = register(s, on=local_date(utc_now(), config.timezone),
                        warn_days=config.equipment_due_warning_days)
    for row in rows:
        state = "in date" if row.in_date else row.reason
        console.print(f"{row.kind}\t{row.code}\t{row.zone or ''}\t{state}\t{row.due or '-'}")


@app.command()
@report_errors
def add(code: str, kind: str = typer.Option(..., help="SENSOR, COLD_ROOM, FRIDGE, COLD_BOX "
                                                      "or VEHICLE"),
        name: str = "", zone: str | None = typer.Option(None, help="Zone of a room or fridge"),
        warehouse: str | None = None) -> None:
    """Add equipment to the register."""
    from medwms.equipment.service import EquipmentSpec, register_equipment

    with database() as db:
        done = register_equipment(db, actor=cli_actor(), spec=EquipmentSpec(
            code=code, kind=kind.upper(), name=name, zone=zone, warehouse=warehouse))
    console.print(f"{done} registered")


@app.command()
@report_errors
def check(code: str,
          kind: str = typer.Option(..., help="CALIBRATION (sensors) or VALIDATION"),
          performed_on: str = typer.Option(..., help="YYYY-MM-DD"),
          certificate_no: str = typer.Option(...), body: str = typer.Option(...),
          result: str = typer.Option("PASS", help="PASS or FAIL"),
          next_due: str | None = typer.Option(None, help="YYYY-MM-DD"),
          certificate: Path | None = CERTIFICATE,
          note: str = "") -> None:
    """Record a calibration or validation, with its certificate scan."""
    from medwms.attachments.service import Upload
    from medwms.attachments.store import store_of
    from medwms.equipment.rules import CheckSpec
    from medwms.equipment.service import record_check

    config = settings()
    spec = CheckSpec(kind.upper(), date.fromisoformat(performed_on), certificate_no, body,
                     result.upper(), date.fromisoformat(next_due) if next_due else None, note)
    upload = Upload(certificate.name, certificate.read_bytes()) if certificate else None
    with database(config) as db:
        done = record_check(db, actor=cli_actor(), equipment=code, spec=spec,
                            certificate=upload,
                            store=store_of(config.attachments_dir, config.max_attachment_bytes),
                            timezone=config.timezone)
    console.print(f"{done.check_no}: {done.equipment} {done.check_kind} {done.result}")
