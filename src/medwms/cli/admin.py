"""Administrator commands: `medwms demo`, `medwms backup`, `medwms restore`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.engine import make_url

from medwms.backup.service import backup as run_backup
from medwms.backup.service import restore as run_restore
from medwms.cli.common import (
    cli_actor,
    console,
    database,
    report_errors,
    sealing_anchor,
    settings,
)
from medwms.core import migrate
from medwms.demo import DemoSummary, load_demo
from medwms.ledger.sealer import seal


@report_errors
def demo(seed: Annotated[int, typer.Option(help="Seed of the demo data")] = 7) -> None:
    """Create and migrate the database if needed, load the demo data, print the logins."""
    config = settings()
    started = time.perf_counter()
    with database(config) as db:
        migrate.upgrade(db.engine)
        summary = load_demo(db, actor=cli_actor(), seed=seed)
        seal(db, sealing_anchor(config), batch=config.seal_batch)  # the demo starts sealed
    if summary.already_loaded:
        console.print("The demo data is already loaded; nothing was changed. "
                      "/ 演示数据已载入，未做更改。")
    else:
        console.print(f"Demo data loaded in {time.perf_counter() - started:.1f} s "
                      f"into {_shown(config.database_url)} / 演示数据已载入。")
    console.print(_counts_table(summary))
    console.print(_documents_table(summary))
    console.print(_users_table(summary))
    console.print("Demo barcode sheet / 演示条码表: /demo/barcodes on the server "
                  "(`medwms serve`), as PDF /demo/barcodes.pdf")


def _shown(url: str) -> str:
    """The database URL without its password."""
    return make_url(url).render_as_string(hide_password=True)


def _counts_table(summary: DemoSummary) -> Table:
    table = Table("what / 内容", "count / 数量", title="Demo data / 演示数据")
    for name, count in summary.counts.items():
        table.add_row(name, str(count))
    return table


def _documents_table(summary: DemoSummary) -> Table:
    found = summary.documents
    table = Table("what / 内容", "number / 单号", title="The demo's day / 演示的一天")
    rows = (("advance notice / 到货通知", found.notice),
            ("wave to pick / 待拣波次", found.wave),
            ("orders in the wave / 波次中的出库单", ", ".join(found.wave_orders)),
            ("order to allocate / 待分配出库单", found.open_order),
            ("count plan / 盘点计划", found.count_plan),
            ("counters / 盘点员", ", ".join(found.counters)),
            ("shipped yesterday / 昨日发货", f"{found.shipped_order} ({found.shipment})"),
            ("mock recall (closed) / 模拟召回（已关闭）", found.mock_recall),
            ("sensors / 温度探头", ", ".join(found.sensors)),
            ("licensed customers / 客户", ", ".join(found.customers)))
    for what, number in rows:
        table.add_row(what, number or "-")
    return table


def _users_table(summary: DemoSummary) -> Table:
    table = Table("username / 用户名", "role / 角色", "name / 姓名",
                  title="Demo users (change these passwords before real use) / 演示用户")
    # A password must never be cut short with an ellipsis, however narrow the terminal.
    table.add_column("password / 密码", no_wrap=True, min_width=20)
    for user in summary.users:
        table.add_row(user.username, user.role, user.display_name, user.password)
    return table


@report_errors
def backup(target_dir: Annotated[Path | None, typer.Argument(
        help="Directory for the backup (default: the backup_dir setting)")] = None) -> None:
    """Back the database up (SQLite online backup or pg_dump) with a manifest beside it."""
    config = settings()
    started = time.perf_counter()
    path = run_backup(config.database_url, target_dir or Path(config.backup_dir))
    console.print(f"Backup written / 备份已写入: {path} "
                  f"({path.stat().st_size:,} bytes, {time.perf_counter() - started:.1f} s)")


@report_errors
def restore(file: Annotated[Path, typer.Argument(help="The backup file (.sqlite or .dump)")],
            force: Annotated[bool, typer.Option(
                "--force", help="Replace a database that holds data")] = False) -> None:
    """Restore a backup after checking it on a scratch copy; refuses a non-empty target."""
    config = settings()
    started = time.perf_counter()
    manifest = run_restore(file, config.database_url, force=force)
    rows = sum(manifest.row_counts.values())
    console.print(f"Restored / 已恢复 {file.name} (made {manifest.created_at}, revision "
                  f"{manifest.alembic_revision}, {rows:,} rows) into {_shown(config.database_url)} "
                  f"in {time.perf_counter() - started:.1f} s; ledger verified.")
