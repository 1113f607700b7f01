"""masterdata_pages: the master-data list pages' questions at 50,000 items and 100,000
locations (medwms.masterdata.queries.list_page) — the first page, a page deep in the keyset,
a code prefix search and a filter — each beside a same-run baseline: a plain SELECT of the
very rows the page shows, by their unique code index. The ratio is what the list's filters,
keyset and record building cost over reading those rows at all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from medwms.bench.scenarios.base import Context, Result, figure
from medwms.bench.stats import ratio, rounds, summary
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.masterdata import queries
from medwms.masterdata.kinds import KINDS
from medwms.masterdata.tables import Item, Location, Warehouse, Zone

CODE = "MDP"
ZONES = 10
BATCH = 5_000


def run(ctx: Context) -> Result:
    """Median and tail latency of eight list questions, each with its baseline."""
    items, locations = ctx.pick(5_000, 50_000), ctx.pick(10_000, 100_000)
    _load(ctx.db, items, locations)
    deep_item, deep_location = f"{CODE}-{items * 9 // 10:06d}", \
        f"{CODE}-L{locations * 9 // 10:07d}"
    asks: dict[str, tuple[str, queries.ListQuery]] = {
        "items_first_page": ("items", queries.ListQuery()),
        "items_deep_page": ("items", queries.ListQuery(after=deep_item)),
        "items_prefix_search": ("items", queries.ListQuery(search=deep_item[:-2])),
        "items_filter_refrigerated": ("items", queries.ListQuery(storage="REFRIGERATED")),
        "locations_first_page": ("locations", queries.ListQuery()),
        "locations_deep_page": ("locations", queries.ListQuery(after=deep_location)),
        "locations_prefix_search": ("locations", queries.ListQuery(search=deep_location[:-2])),
        "locations_filter_zone": ("locations", queries.ListQuery(
            warehouse=CODE, zone="Z7", after=f"{CODE}-L{locations // 2:07d}")),
    }
    count, warm = ctx.pick(10, 50), ctx.pick(2, 5)
    result: Result = {"items": items, "locations": locations}
    for name, (kind, query) in asks.items():
        result[name] = _measured(ctx.db, kind, query, count=count, warm=warm)
    return result


def _measured(db: Database, kind: str, query: queries.ListQuery, *, count: int,
              warm: int) -> dict[str, Any]:
    spec = KINDS[kind]
    shown: dict[str, list[str]] = {}

    def page(_: int) -> None:
        with db.reading() as s:
            shown["keys"] = queries.list_page(s, spec, query).keys

    samples = rounds(page, warmup=warm, count=count)
    keys = shown["keys"]
    table = (Item if kind == "items" else Location).__table__
    same_rows: Callable[[Session], Any] = lambda s: s.execute(  # noqa: E731
        select(table).where(table.c.code.in_(keys)).order_by(table.c.code)).all()

    def baseline(_: int) -> None:
        with db.reading() as s:
            same_rows(s)

    base = rounds(baseline, warmup=warm, count=count)
    found = figure(samples, rows=len(keys))
    found["baseline"] = summary(base) | {"what": "SELECT of the same rows by their code index"}
    found["ratio"] = ratio(found["median"], found["baseline"]["median"])
    return found


def _load(db: Database, items: int, locations: int) -> None:
    """`items` items (every 10th out of use, every 5th refrigerated) and `locations`
    locations in ZONES zones of one warehouse (every 20th blocked)."""
    now = utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        site = Warehouse(code=CODE, name="Bench master data")
        s.add(site)
        s.flush()
        zones = [Zone(warehouse_id=site.id, code=f"Z{z}", kind="STORAGE") for z in range(ZONES)]
        s.add_all(zones)
        s.flush()
        for start in range(0, items, BATCH):
            s.execute(insert(Item), [_item(n, now) for n in range(start, min(items,
                                                                             start + BATCH))])
        for start in range(0, locations, BATCH):
            s.execute(insert(Location), [
                {"warehouse_id": site.id, "zone_id": zones[n % ZONES].id,
                 "code": f"{CODE}-L{n:07d}", "barcode": f"#L:{CODE}-L{n:07d}",
                 "aisle": f"{n // 1000 % 100:02d}", "pick_seq": n, "blocked": n % 20 == 0}
                for n in range(start, min(locations, start + BATCH))])
        uow.commit()
    if db.dialect == "postgresql":
        with db.engine.begin() as conn:  # fresh rows have no planner statistics yet
            conn.execute(text("ANALYZE item"))
            conn.execute(text("ANALYZE location"))


def _item(n: int, now: Any) -> dict[str, Any]:
    cold = n % 5 == 0
    return {"code": f"{CODE}-{n:06d}", "name_zh": f"器械{n:06d}", "name_en": f"Device {n}",
            "registration_no": f"国械注准MDP{n:06d}", "registration_expiry": date(2036, 1, 1),
            "temp_min": Decimal(2) if cold else None,
            "temp_max": Decimal(8) if cold else Decimal(30), "active": n % 10 != 0,
            "updated_at": now}
