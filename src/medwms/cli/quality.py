"""`medwms expire`: run the expiry job by hand and print what it locked."""

from __future__ import annotations

from rich.table import Table

from medwms.cli.common import cli_actor, console, database, report_errors
from medwms.quality.expiry import lock_expired


@report_errors
def expire() -> None:
    """Lock every unit past its expiry day as EXPIRED (what `medwms serve` runs hourly)."""
    with database() as db:
        run = lock_expired(db, actor=cli_actor())
    if not run.locked:
        console.print("Nothing to lock: no usable stock is past its expiry day. "
                      "/ 无需锁定：没有超过效期的可用库存。")
        return
    table = Table("warehouse", "item", "lot", "serial", "location", "was", "quantity", "expiry")
    for unit in run.locked:
        table.add_row(unit.warehouse, unit.item, unit.lot, unit.serial, unit.location,
                      unit.from_status, str(unit.quantity),
                      unit.expiry.isoformat() if unit.expiry else "")
    console.print(table)
    console.print(f"{run.doc_no}: {run.quantity} unit(s) in {len(run.locked)} balance(s) "
                  f"locked as EXPIRED / 已锁定为过期")
