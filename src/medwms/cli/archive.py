"""`medwms archive --closed-before DATE`: closed receipts and recall cases out of the working
lists (still kept and readable by number); each shown with the day it must be kept until."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from medwms.archive.service import archive_closed
from medwms.cli.common import cli_actor, console, database, report_errors, settings


@report_errors
def archive(
    closed_before: Annotated[datetime, typer.Option(
        "--closed-before", formats=["%Y-%m-%d"],
        help="Archive documents closed before this day (warehouse time zone)")],
) -> None:
    """Archive closed documents: out of the working lists, never removed."""
    config = settings()
    with database(config) as db:
        done = archive_closed(db=db, actor=cli_actor(), closed_before_day=closed_before.date(),
                              timezone=config.timezone)
    table = Table("record", "number", "keep until")
    for item in done:
        table.add_row(item.entity, item.number,
                      item.keep_until.isoformat() if item.keep_until else "permanent")
    console.print(table)
    console.print(f"Archived {len(done)} closed documents; nothing was deleted.")
