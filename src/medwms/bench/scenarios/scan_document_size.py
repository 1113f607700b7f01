"""scan_document_size: does a scan's cost grow with its document? One client scans
sequentially over real HTTP (keyed, as a handheld sends) into a fresh receipt and into one
that already holds 10,000 lines, and picks on a 10-line wave and on a 10,000-line wave
whose other lines stay open; server time per POST of each, and the ratio of the medians.

The two sides are measured in alternating rounds (fresh, big, fresh, big …) so the noise
of a shared machine falls on both alike. The big receipt's lines are written in bulk with
the running totals a scan would have left on them (and their RECEIVE movements through the
ledger, sealed before the servers start), so the next real scan sees the same document it
would after 10,000 scans; the big wave is made by the real order and wave services.

The floor has 20 items, so FEFO puts a big wave's lines of an item on the few bins of its
earliest lots (~200 allocations per item and bin at 10,000 lines); a pick loads and locks
a fixed few of them, the ones its rules can decide on (`picking.picks._candidates`), while
its SQL still walks the bin's index entries. `allocations_per_pick_place` reports that
density beside the figures, since it, not the wave's line count as such, is what a pick's
SQL pays for.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select

from medwms.auth.rules import SYSTEM
from medwms.bench.scenarios import scan_setup
from medwms.bench.scenarios.base import Context, Result, figure
from medwms.bench.scenarios.servers import servers, stats
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.ledger.checkpoints import Anchor, CheckpointFile, Signer
from medwms.ledger.rules import Line
from medwms.ledger.sealer import seal
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, MovementKind, Status
from medwms.masterdata.tables import Item, Packaging
from medwms.receiving import rules as receiving_rules
from medwms.receiving.tables import Receipt, ReceiptLine

LINES, QUICK_LINES = 10_000, 2_000
SCANS, QUICK_SCANS, ROUND, WARM = 120, 30, 10, 3
LOTS = 5  # lots per item the scans and the bulk lines cycle over
RATIO_GOAL = 1.2
Request = tuple[str, dict[str, Any]]


def run(ctx: Context) -> Result:
    """The full run: 10,000-line documents and 120 scans a side (--quick: 2,000 and 30)."""
    missing = scan_setup.features_missing()
    if missing is not None:
        return missing
    return measure(ctx.db, lines=ctx.pick(QUICK_LINES, LINES),
                   scans=ctx.pick(QUICK_SCANS, SCANS))


def measure(db: Database, *, lines: int, scans: int, round_size: int = ROUND) -> Result:
    """Build both pairs of documents, then time `scans` scans a side in alternating rounds."""
    started = time.perf_counter()
    docs = _documents(db, lines, scans + WARM)
    setup = round(time.perf_counter() - started, 1)
    with servers(db.url, 1) as bases, _client(bases[0], docs.token) as http:
        receive = _compare(http, bases, _receiving(docs), scans, round_size)
        pick = _compare(http, bases, _picking(docs), scans, round_size)
    return {"lines": lines, "scans_per_side": scans, "round": round_size,
            "server_processes": 1, "setup_seconds": setup, "receive": receive, "pick": pick,
            "big_receipt_lines": _receipt_lines(db, docs.big_receipt),
            "big_wave_lines": _wave_lines(db, docs.big_wave),
            "allocations_per_pick_place": {side: _density(db, wave) for side, wave in
                                           (("fresh", docs.fresh_wave),
                                            ("lines_10000", docs.big_wave))}}


def _client(base: str, token: str) -> httpx.Client:
    """One handheld: one keep-alive connection, scans sent one after the other."""
    return httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"})


@dataclass(frozen=True)
class Documents:
    """The two receipts and two waves, and what a client scans into each."""

    token: str
    scans: int  # per side, warm-up included
    gtins: list[str]
    fresh_receipt: str
    big_receipt: str
    expiry: date
    fresh_wave: str
    big_wave: str
    fresh_picks: list[tuple[str, str]]
    big_picks: list[tuple[str, str]]


def _documents(db: Database, lines: int, picks: int) -> Documents:
    """A floor of its own (prefix DS), a fresh and a big receipt, a small and a big wave."""
    from medwms.receiving.service import open_receipt

    floor = scan_setup.build(db, 1, 2 * picks, prefix="DS")  # the small wave: 10 lines
    scan_setup.add_stock(db, lines, prefix="DB")  # twice what the big wave takes
    expiry = date(utc_now().year + 3, 12, 31)
    big = open_receipt(db, actor=SYSTEM, warehouse=scan_setup.CODE, po_no="PO-DS-BIG",
                       supplier=f"{scan_setup.CODE}SUP").receipt_no
    _fill_receipt(db, big, _lots(db, expiry), lines)
    big_wave = _big_wave(db, lines)
    _seal_all(db)
    return Documents(floor.token, picks, floor.gtins, floor.receipts[0], big, expiry,
                     floor.wave_nos[0], big_wave, floor.picks[0][:picks],
                     scan_setup.pick_tasks(db, big_wave)[:picks])


def _lots(db: Database, expiry: date) -> list[tuple[int, int, int, str]]:
    """LOTS lots of every floor item, expiring when the scans say: (item, packaging, lot,
    lot number), in the order the scans cycle through them."""
    with db.unit_of_work() as uow:
        s = uow.session
        items = list(s.execute(select(Item.id, Packaging.id).join(
            Packaging, Packaging.item_id == Item.id).where(Item.code.startswith("SCAN"))
            .order_by(Item.code)))
        s.execute(insert(Lot), [{"item_id": item, "lot_no": _lot_no(k), "expiry": expiry}
                                for item, _ in items for k in range(LOTS)])
        ids = {(item, lot_no): lot for lot, item, lot_no in s.execute(
            select(Lot.id, Lot.item_id, Lot.lot_no).where(Lot.lot_no.startswith("DSL")))}
        uow.commit()
    return [(item, pack, ids[item, _lot_no(k)], _lot_no(k))
            for k in range(LOTS) for item, pack in items]


def _lot_no(k: int) -> str:
    return f"DSL{k}"


def _fill_receipt(db: Database, receipt_no: str, lots: Sequence[tuple[int, int, int, str]],
                  lines: int) -> None:
    """`lines` receipt lines in one insert, carrying the running totals `_accept` writes
    (line_no, receipt_quantity, the lot's tally), and their RECEIVE movements posted
    through the ledger in the same unit of work: the dock's stock matches the receipt."""
    now = utc_now()
    tallies: dict[tuple[int, str], int] = {}
    rows, moves = [], []
    with db.unit_of_work() as uow:
        s = uow.session
        receipt = s.scalars(select(Receipt).where(Receipt.receipt_no == receipt_no)).one()
        for n in range(lines):
            item, pack, lot, lot_no = lots[n % len(lots)]
            key = receiving_rules.tally_of(lot_no, on_notice=False, named=None,
                                           any_lot=None).key
            tallies[item, key] = tallies.get((item, key), 0) + 1
            rows.append({"receipt_id": receipt.id, "scan_id": f"bulk-{n}", "raw": f"bulk {n}",
                         "item_id": item, "packaging_id": pack, "lot_id": lot,
                         "quantity": 1, "hold_reason": "", "over_notice": False,
                         "scanned_at": now, "line_no": n + 1, "receipt_quantity": n + 1,
                         "tally_key": key, "tally": tallies[item, key]})
            moves.append(Line(kind=MovementKind.RECEIVE, owner_id=receipt.owner_id,
                              item_id=item, quantity=1, lot_id=lot,
                              to_location_id=receipt.location_id, to_status=Status.QUARANTINE,
                              partner_id=receipt.supplier_id))
        s.execute(insert(ReceiptLine), rows)
        post(s, actor=SYSTEM, doc_type="RCV", doc_no=receipt_no, now=now, lines=moves)
        uow.commit()


def _big_wave(db: Database, lines: int) -> str:
    """One wave of `lines` order lines (orders of one unit of every floor item), allocated
    FEFO by the real service."""
    from medwms.orders import orders, waves

    per_order = scan_setup.ITEMS
    made = [orders.OrderIn(warehouse=scan_setup.CODE, consignee=f"{scan_setup.CODE}CUS",
                           order_no=f"DS-BIG-{o:04d}",
                           lines=tuple(orders.LineIn(quantity=1, item=f"SCAN{n:03d}")
                                       for n in range(min(per_order, lines - o * per_order))))
            for o in range(-(-lines // per_order))]
    orders.create_orders(db, actor=SYSTEM, orders=made)
    return waves.create_wave(db, actor=SYSTEM,
                             order_nos=[o.order_no or "" for o in made]).wave_no


def _seal_all(db: Database) -> None:
    """Seal what the set-up posted, so the servers' sealer has no backlog while we time."""
    with tempfile.TemporaryDirectory() as folder:
        seal(db, Anchor(Signer(b"bench-docsize-key"), CheckpointFile(Path(folder) / "cp")))


def _receiving(docs: Documents) -> tuple[list[Request], list[Request]]:
    """The same unit scans into both receipts: every item, lots the big one already holds."""
    def scans(receipt_no: str, side: str) -> list[Request]:
        return [(f"/api/v1/receipts/{receipt_no}/scans",
                 {"raw": scan_setup.unit_scan(docs.gtins[n % len(docs.gtins)], docs.expiry,
                                              _lot_no(n // len(docs.gtins) % LOTS)),
                  "scan_id": f"ds-{side}-{n}-{time.monotonic_ns()}"}) for n in range(docs.scans)]
    return scans(docs.fresh_receipt, "rf"), scans(docs.big_receipt, "rb")


def _picking(docs: Documents) -> tuple[list[Request], list[Request]]:
    def picks(wave_no: str, tasks: list[tuple[str, str]], side: str) -> list[Request]:
        return [(f"/api/v1/waves/{wave_no}/picks",
                 {"location_raw": where, "raw": raw,
                  "scan_id": f"ds-{side}-{n}-{time.monotonic_ns()}"})
                for n, (where, raw) in enumerate(tasks)]
    return (picks(docs.fresh_wave, docs.fresh_picks, "pf"),
            picks(docs.big_wave, docs.big_picks, "pb"))


def _compare(http: httpx.Client, bases: list[str], sides: tuple[list[Request], list[Request]],
             scans: int, round_size: int) -> Result:
    """Warm both sides up, then rounds of `round_size` scans fresh, big, fresh, big …"""
    timed: tuple[list[float], list[float]] = ([], [])
    errors: list[str] = []
    for side in sides:
        _send(http, side[:WARM], errors)
    stats(bases, reset=True)
    for start in range(WARM, WARM + scans, round_size):
        for side, samples in zip(sides, timed, strict=True):
            _send(http, side[start:min(start + round_size, WARM + scans)], errors)
            samples.extend(stats(bases, reset=True)["server_ms"])
    small, large = (figure(samples) for samples in timed)
    found = ratio_figure(small, large)
    return {"fresh": small, "lines_10000": large, "ratio": found, "errors": len(errors),
            "first_errors": errors[:3]}


def ratio_figure(fresh: dict[str, Any], big: dict[str, Any]) -> dict[str, Any]:
    """The big document's median against the fresh one's, as the report shows a baseline."""
    value = round(big["median"] / fresh["median"], 3) if fresh.get("median") else None
    return {"median": big.get("median"), "unit": "ms",
            "baseline": {"median": fresh.get("median")}, "ratio": value,
            "goal": f"≤ {RATIO_GOAL}×", "met": value is not None and value <= RATIO_GOAL}


def _send(http: httpx.Client, requests: Sequence[Request], errors: list[str]) -> None:
    for path, body in requests:
        response = http.post(path, json=body, headers={"Idempotency-Key": body["scan_id"]})
        if response.status_code >= 300:
            errors.append(f"{response.status_code} {response.text[:200]}")


def _receipt_lines(db: Database, receipt_no: str) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count(ReceiptLine.id)).join(
            Receipt, Receipt.id == ReceiptLine.receipt_id)
            .where(Receipt.receipt_no == receipt_no)) or 0)


def _wave_lines(db: Database, wave_no: str) -> int:
    from medwms.orders.tables import OrderLine, OutboundOrder, Wave

    with db.reading() as s:
        return int(s.scalar(select(func.count(OrderLine.id))
                            .join(OutboundOrder, OutboundOrder.id == OrderLine.order_id)
                            .join(Wave, Wave.id == OutboundOrder.wave_id)
                            .where(Wave.wave_no == wave_no)) or 0)


def _density(db: Database, wave_no: str) -> int:
    """The median number of the wave's allocations of one item at one location: what a pick's
    SQL walks there to find the few it loads, whatever the size of the rest of the wave."""
    from medwms.orders.tables import Allocation, Wave

    with db.reading() as s:
        sizes = sorted(s.scalars(select(func.count(Allocation.id))
                                 .join(Wave, Wave.id == Allocation.wave_id)
                                 .where(Wave.wave_no == wave_no)
                                 .group_by(Allocation.location_id, Allocation.item_id)))
    return int(sizes[len(sizes) // 2]) if sizes else 0
