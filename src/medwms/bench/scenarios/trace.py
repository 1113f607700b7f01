"""trace: trace one lot and one serial at the generated scale (medwms.recall.trace), and
open a recall on a lot (block its stock, list its consignees: medwms.recall.service).

Baseline: a raw indexed read of the same lot's movement rows (every column, through the
DBAPI cursor), measured in the same run — the trace should cost at most 3× that. A lot
with 1,500 movements (posted here through the ledger: 1,000 receipts, 500 shipments) is
traced too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from medwms.auth.rules import SYSTEM
from medwms.bench.scenarios.base import Context, Result, figure, optional, skipped
from medwms.bench.stats import rounds
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Movement, MovementKind, SerialUnit, Stock
from medwms.masterdata.tables import Packaging, Partner

LOT_GOAL, BIG_LOT_GOAL, RECALL_GOAL, RAW_RATIO = 50.0, 100.0, 1000.0, 3.0
BIG_LOT = "BIG1500"


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

    def raw_read(n: int) -> None:
        gtin, lot_no = lots[n % len(lots)]
        _raw_movements(ctx, lot_ids[(gtin, lot_no)])

    count, warm = ctx.pick(4, 30), ctx.pick(1, 3)
    lot_ids = _lot_ids(ctx, lots)
    samples = rounds(by_lot, warmup=warm, count=count)
    raw = rounds(raw_read, warmup=warm, count=count)
    ratio = round(_median(samples) / _median(raw), 2) if _median(raw) else None
    result["trace_lot"] = figure(
        samples, goal=f"< {LOT_GOAL:.0f} ms and <= {RAW_RATIO:.0f}x the raw read",
        met=_median(samples) < LOT_GOAL and ratio is not None and ratio <= RAW_RATIO,
        movements_of_lot=sizes.get("lot"), baseline=figure(raw), ratio=ratio)
    big = _big_lot(ctx)

    def by_big_lot(_n: int) -> None:
        with ctx.db.reading() as s:
            sizes["big"] = len(trace.trace(s, trace.TraceQuery(gtin=big, lot=BIG_LOT))
                               .movements)

    big_samples = rounds(by_big_lot, warmup=warm, count=count)
    result["trace_lot_1500"] = figure(big_samples, goal=f"< {BIG_LOT_GOAL:.0f} ms",
                                      met=_median(big_samples) < BIG_LOT_GOAL,
                                      movements_of_lot=sizes.get("big"))
    if serials:
        result["trace_serial"] = figure(rounds(by_serial, warmup=warm, count=count),
                                        movements_of_serial=sizes.get("serial"))
    result["recall_open"] = _recall(ctx, _lots_in_stock(ctx, ctx.pick(3, 8)))
    return result


def _lot_ids(ctx: Context, lots: list[tuple[str, str]]) -> dict[tuple[str, str], list[int]]:
    """The lot ids each (GTIN, lot) names (as the trace resolves them)."""
    found: dict[tuple[str, str], list[int]] = {}
    with ctx.db.reading() as s:
        for gtin, lot_no in lots:
            item = s.scalar(select(Packaging.item_id).where(Packaging.gtin == gtin))
            found[(gtin, lot_no)] = list(s.scalars(select(Lot.id).where(
                Lot.item_id == item, Lot.lot_no == lot_no)))
    return found


def _raw_movements(ctx: Context, lot_ids: list[int]) -> int:
    """Every column of the lot's movement rows, by the lot index, through the DBAPI."""
    marker = "?" if ctx.db.dialect == "sqlite" else "%s"
    connection: Any = ctx.db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(f"SELECT * FROM movement WHERE lot_id IN "
                       f"({', '.join([marker] * len(lot_ids))}) ORDER BY created_at, id",
                       tuple(lot_ids))
        return len(cursor.fetchall())
    finally:
        connection.rollback()
        connection.close()


def _big_lot(ctx: Context) -> str:
    """A new lot with 1,500 movements: 1,000 one-unit receipts, 500 shipments. Its GTIN."""
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        item_id, gtin = s.execute(select(Packaging.item_id, Packaging.gtin)
                                  .where(Packaging.quantity == 1).order_by(Packaging.id)
                                  .limit(1)).one()
        serialised = s.scalar(select(SerialUnit.id).where(SerialUnit.item_id == item_id)
                              .limit(1))
        if serialised is not None:  # a lot item keeps the trace a lot trace
            item_id, gtin = s.execute(select(Packaging.item_id, Packaging.gtin).where(
                Packaging.quantity == 1, Packaging.item_id.not_in(
                    select(SerialUnit.item_id).distinct())).order_by(Packaging.id)
                .limit(1)).one()
        where = s.execute(select(Stock.location_id, Stock.owner_id).limit(1)).one()
        customer = s.scalar(select(Partner.id).where(Partner.kind == "CUSTOMER").limit(1))
        lot = Lot(item_id=item_id, lot_no=BIG_LOT)
        s.add(lot)
        s.flush()
        common = {"owner_id": where.owner_id, "item_id": item_id, "lot_id": lot.id,
                  "quantity": 1}
        post(s, actor=SYSTEM, doc_type="RCV", doc_no="RCV-BIG", lines=[
            Line(kind="RECEIVE", **common, to_location_id=where.location_id,
                 to_status="AVAILABLE") for _ in range(1000)])
        post(s, actor=SYSTEM, doc_type="SHP", doc_no="SHP-BIG", lines=[
            Line(kind="SHIP", **common, from_location_id=where.location_id,
                 from_status="AVAILABLE", partner_id=customer) for _ in range(500)])
        uow.commit()
    return str(gtin)


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
