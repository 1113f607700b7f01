"""recall_trace: the trace a recall notice prints (`documents.trace_origin.full_trace`: the
trace with each origin's receipt and inspection records) and a recall of a lot spread wide.

`full_trace_lot`: the full trace of shipped lots of the generated ledger. Baseline in the
same run, lot for lot: the bare trace (`recall.trace.trace`) of the same lots; the ratio is
what the origin documents add. A wide lot is then posted through the ledger: receipts into
WIDE bins of one warehouse (one movement each), one unit shipped from half of them to as many
consignees (full size: 1,000 bins, 500 consignees, 1,500 movements and 1,000 stock rows).
`full_trace_wide_lot` traces it, with `plans`: the EXPLAIN of every SELECT the trace runs.
`open_recall_wide_lot`: `recall.service.open_recall` of it — blocks every one of its stock
rows through the ledger and lists its consignees — once (a lot is recalled once).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, select

from medwms.auth.rules import SYSTEM
from medwms.bench.scenarios.base import Context, Result, figure, optional, skipped
from medwms.bench.scenarios.trace import _shipped_lots as shipped_lots
from medwms.bench.stats import ratio, rounds
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, SerialUnit, Stock
from medwms.masterdata.tables import Location, Packaging, Partner, Zone

WIDE_LOT = "WIDE-RECALL"


def run(ctx: Context) -> Result:
    """Full and bare traces of the same lots, then the wide lot's trace and recall."""
    needed = _modules()
    if isinstance(needed, str):
        return skipped(needed)
    found, trace, service, rules = needed
    lots = shipped_lots(ctx, count=ctx.pick(6, 40))
    if not lots:
        return skipped("the generated data set has no shipped lot")
    count, warm = ctx.pick(4, 30), ctx.pick(1, 3)

    def full(n: int) -> None:
        gtin, lot_no = lots[n % len(lots)]
        with ctx.db.reading() as s:
            found.full_trace(s, trace.TraceQuery(gtin=gtin, lot=lot_no))

    def bare(n: int) -> None:
        gtin, lot_no = lots[n % len(lots)]
        with ctx.db.reading() as s:
            trace.trace(s, trace.TraceQuery(gtin=gtin, lot=lot_no))

    samples, baseline = [], []
    for n in range(warm + count):  # full and bare alternate, lot for lot
        full_ms, bare_ms = rounds(full, warmup=0, count=1), rounds(bare, warmup=0, count=1)
        if n >= warm:
            samples += full_ms
            baseline += bare_ms
    result: Result = {"full_trace_lot": figure(
        samples, baseline=figure(baseline),
        ratio=ratio(figure(samples)["median"], figure(baseline)["median"]))}
    wide = _wide_lot(ctx)
    if wide is None:
        result["full_trace_wide_lot"] = skipped("no warehouse with storage bins and consignees")
        return result
    gtin, bins, shipped = wide
    query = trace.TraceQuery(gtin=gtin, lot=WIDE_LOT)
    movements: list[int] = []

    def wide_trace(_n: int) -> None:
        with ctx.db.reading() as s:
            movements.append(len(found.full_trace(s, query).movements))

    result["full_trace_wide_lot"] = figure(
        rounds(wide_trace, warmup=warm, count=count), bins=bins, shipments=shipped,
        movements_of_lot=movements[-1] if movements else None,
        plans=_plans(ctx.db, lambda s: found.full_trace(s, query)))
    started = time.perf_counter()
    view = service.open_recall(ctx.db, actor=SYSTEM, scope=rules.Scope(gtin=gtin,
                               lots=(WIDE_LOT,)), reason="bench", risk_class="I")
    took = (time.perf_counter() - started) * 1000
    result["open_recall_wide_lot"] = figure(
        [took], blocked_units=view.blocked_units, consignees=len(view.consignees))
    return result


def _modules() -> tuple[Any, ...] | str:
    """The full trace, the trace, the recall service and its rules; or why one is missing."""
    modules = (optional("medwms.documents.trace_origin", "full_trace"),
               optional("medwms.recall.trace", "trace", "TraceQuery"),
               optional("medwms.recall.service", "open_recall"),
               optional("medwms.recall.rules", "Scope"))
    for module in modules:
        if isinstance(module, str):
            return module
    return modules


def _wide_lot(ctx: Context) -> tuple[str, int, int] | None:
    """Post the wide lot: its GTIN, the bins it was received into, the units shipped."""
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        lot_items = select(SerialUnit.item_id).distinct()
        unit = s.execute(select(Packaging.item_id, Packaging.gtin).where(
            Packaging.quantity == 1, Packaging.item_id.not_in(lot_items))
            .order_by(Packaging.id).limit(1)).first()
        where = s.execute(select(Stock.warehouse_id, Stock.owner_id).limit(1)).first()
        if unit is None or where is None:
            return None
        bins = list(s.scalars(select(Location.id).join(Zone, Zone.id == Location.zone_id)
                              .where(Location.warehouse_id == where.warehouse_id,
                                     Zone.kind == "STORAGE")
                              .order_by(Location.id).limit(ctx.pick(100, 1000))))
        consignees = list(s.scalars(select(Partner.id).where(Partner.kind == "CUSTOMER")
                                    .order_by(Partner.id).limit(len(bins) // 2)))
        if not bins or not consignees:
            return None
        lot = Lot(item_id=unit.item_id, lot_no=WIDE_LOT)
        s.add(lot)
        s.flush()
        common = {"owner_id": where.owner_id, "item_id": unit.item_id, "lot_id": lot.id}
        post(s, actor=SYSTEM, doc_type="RCV", doc_no="RCV-WIDE", lines=[
            Line(kind="RECEIVE", **common, quantity=11, to_location_id=bin_id,
                 to_status="AVAILABLE") for bin_id in bins])
        post(s, actor=SYSTEM, doc_type="SHP", doc_no="SHP-WIDE", lines=[
            Line(kind="SHIP", **common, quantity=1, from_location_id=bin_id,
                 from_status="AVAILABLE", partner_id=partner)
            for bin_id, partner in zip(bins, consignees, strict=False)])
        uow.commit()
    return str(unit.gtin), len(bins), len(consignees)


def _plans(db: Database, read: Any) -> list[dict[str, Any]]:
    """The EXPLAIN of every SELECT `read(session)` runs, in order."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.reading() as s:
            read(s)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
    out = []
    with db.engine.connect() as conn:
        for statement, parameters in seen:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            out.append({"sql": " ".join(statement.split())[:160],
                        "plan": [" ".join(str(c) for c in r[-1:]) for r in rows]})
    return out
