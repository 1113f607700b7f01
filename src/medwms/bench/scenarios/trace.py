"""trace: trace one lot and one serial at the generated scale (medwms.recall.trace), and
open a recall on a lot (block its stock, list its consignees: medwms.recall.service)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from medwms.auth.rules import SYSTEM
from medwms.bench.scenarios.base import Context, Result, figure, optional, skipped
from medwms.bench.stats import rounds
from medwms.ledger.tables import Lot, Movement, MovementKind, SerialUnit, Stock
from medwms.masterdata.tables import Packaging

LOT_GOAL, RECALL_GOAL = 100.0, 1000.0


def run(ctx: Context) -> Result:
    """Trace a lot, a serial, then open recalls on lots still in stock."""
    trace = optional("medwms.recall.trace", "trace", "TraceQuery")
    if isinstance(trace, str):
        return skipped(trace)
    lots = _shipped_lots(ctx, count=ctx.pick(6, 40))
    serials = _shipped_serials(ctx, count=ctx.pick(6, 40))
    if not lots:
        return skipped("the generated data set has no shipped lot")
    result: Result = {}
    sizes: dict[str, int] = {}

    def by_lot(n: int) -> None:
        gtin, lot_no = lots[n % len(lots)]
        with ctx.db.reading() as s:
            sizes["lot"] = len(trace.trace(s, trace.TraceQuery(gtin=gtin, lot=lot_no)).movements)

    def by_serial(n: int) -> None:
        gtin, serial = serials[n % len(serials)]
        with ctx.db.reading() as s:
            sizes["serial"] = len(trace.trace(s, trace.TraceQuery(gtin=gtin, serial=serial))
                                  .movements)

    count, warm = ctx.pick(4, 30), ctx.pick(1, 3)
    samples = rounds(by_lot, warmup=warm, count=count)
    result["trace_lot"] = figure(samples, goal=f"< {LOT_GOAL:.0f} ms at 10M movements",
                                 met=_median(samples) < LOT_GOAL,
                                 movements_of_lot=sizes.get("lot"))
    if serials:
        result["trace_serial"] = figure(rounds(by_serial, warmup=warm, count=count),
                                        movements_of_serial=sizes.get("serial"))
    result["recall_open"] = _recall(ctx, _lots_in_stock(ctx, ctx.pick(3, 8)))
    return result


def _median(samples: list[float]) -> float:
    return sorted(samples)[len(samples) // 2]


def _unit_gtin() -> Any:
    return (select(Packaging.gtin).where(Packaging.item_id == Lot.item_id,
                                         Packaging.quantity == 1).limit(1).scalar_subquery())


def _shipped_lots(ctx: Context, *, count: int) -> list[tuple[str, str]]:
    """Lots with a shipment, spread over the id range (not only the oldest ones)."""
    with ctx.db.reading() as s:
        top = s.scalar(select(Lot.id).order_by(Lot.id.desc()).limit(1)) or 0
        found = []
        for n in range(count * 3):
            lot_id = 1 + (n * 7919) % max(1, top)
            row = s.execute(select(_unit_gtin(), Lot.lot_no).where(
                Lot.id == lot_id, Lot.id.in_(select(Movement.lot_id).where(
                    Movement.lot_id == lot_id, Movement.kind == MovementKind.SHIP)))).first()
            if row is not None:
                found.append((row[0], row[1]))
            if len(found) >= count:
                break
    return found


def _shipped_serials(ctx: Context, *, count: int) -> list[tuple[str, str]]:
    with ctx.db.reading() as s:
        rows = s.execute(select(_unit_gtin(), SerialUnit.serial)
                         .join(Lot, Lot.id == SerialUnit.lot_id)
                         .join(Movement, Movement.serial_id == SerialUnit.id)
                         .where(Movement.kind == MovementKind.SHIP).limit(count)).all()
    return [(r[0], r[1]) for r in rows]


def _lots_in_stock(ctx: Context, count: int) -> list[tuple[str, str]]:
    """Lots still in stock that were also shipped: a recall blocks and lists consignees."""
    with ctx.db.reading() as s:
        rows = s.execute(select(_unit_gtin(), Lot.lot_no).join(Stock, Stock.lot_id == Lot.id)
                         .where(Stock.serial_id.is_(None), Lot.id.in_(
                             select(Movement.lot_id).where(Movement.kind == MovementKind.SHIP)))
                         .group_by(Lot.id, Lot.lot_no, Lot.item_id)
                         .order_by(Lot.id.desc()).limit(count)).all()
    return [(r[0], r[1]) for r in rows]


def _recall(ctx: Context, lots: list[tuple[str, str]]) -> Result:
    service = optional("medwms.recall.service", "open_recall")
    rules = optional("medwms.recall.rules", "Scope")
    if isinstance(service, str) or isinstance(rules, str):
        return skipped(service if isinstance(service, str) else str(rules))
    if not lots:
        return skipped("no lot both in stock and shipped")
    listed: list[int] = []

    def open_one(n: int) -> None:
        gtin, lot_no = lots[n]
        view = service.open_recall(ctx.db, actor=SYSTEM, scope=rules.Scope(gtin=gtin,
                                   lots=(lot_no,)), reason="bench", risk_class="II")
        listed.append(len(getattr(view, "consignees", ())))

    samples = rounds(open_one, warmup=1, count=len(lots) - 1)
    return figure(samples, goal=f"< {RECALL_GOAL:.0f} ms", met=_median(samples) < RECALL_GOAL,
                  consignees_listed=listed[1:])
