"""stock_query: stock on hand of one item across every warehouse; the list of stock
expiring within 90 days (medwms.ledger.queries)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from medwms.bench.scenarios.base import Context, Result, figure
from medwms.bench.stats import rounds
from medwms.core.clock import utc_now
from medwms.ledger import queries
from medwms.ledger.tables import Stock
from medwms.masterdata.tables import Item


def run(ctx: Context) -> Result:
    """Median and tail latency of both questions, on the busiest item."""
    with ctx.db.reading() as s:
        code = s.scalar(select(Item.code).join(Stock, Stock.item_id == Item.id)
                        .group_by(Item.code).order_by(func.count().desc()).limit(1))
    if code is None:
        return {"skipped": "no stock generated"}
    before = (utc_now() + timedelta(days=90)).date()
    found: dict[str, int] = {}

    def on_hand(_: int) -> None:
        with ctx.db.reading() as s:
            found["on_hand"] = queries.stock_total(s, queries.StockFilter(item=code))

    def expiring(_: int) -> None:
        with ctx.db.reading() as s:
            found["expiring_rows"] = len(queries.stock(
                s, queries.StockFilter(expiring_before=before)))

    count, warm = ctx.pick(5, 30), ctx.pick(1, 3)
    return {"item_on_hand": figure(rounds(on_hand, warmup=warm, count=count), item=code,
                                   units=found.get("on_hand")),
            "expiring_90_days": figure(rounds(expiring, warmup=warm, count=count),
                                       rows=found.get("expiring_rows"), limit=500)}
