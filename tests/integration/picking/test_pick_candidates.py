"""A pick reads only the few allocations the rules can decide on (`picks._candidates`),
however many the wave has at the bin, and decides as if it had read them all: random waves
of lots with and without expiry, named lots and serials, picked and part-picked
allocations, another owner's allocations, blocked and missing stock, scanned box by box,
by carton and serial by serial, with and without serial substitution."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import pytest
from sqlalchemy import insert, select, true

from medwms.auth.rules import SYSTEM
from medwms.core.clock import local_date
from medwms.core.errors import DomainError
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.masterdata.tables import Owner
from medwms.orders.tables import Allocation, OrderLine, OutboundOrder, Wave
from medwms.picking import picks, queries
from tests.support.builders import NOW
from tests.support.picks import (
    CARTON_GTIN,
    PACER_GTIN,
    STENT_GTIN,
    allocate,
    at,
    lot,
    make_floor,
    order,
    order_line,
    standard,
    stock,
    unit,
    wave,
)
from tests.support.statements import count_statements
from tests.support.users import actor_of, make_user

EXPIRIES = (None, date(2026, 1, 31), date(2027, 6, 30), date(2027, 6, 30), date(2028, 6, 30))
DELIVERIES = (None, date(2026, 12, 1), date(2027, 5, 1))
SERIALS = ("P1", "P2", "P3", "P4", "P5")
CANDIDATES = 6  # one allocation per question the rules ask, and one per owner (one here)
CROWD = 150


def _random_wave(db, rng: random.Random) -> None:
    with db.unit_of_work() as uow:
        s = uow.session
        floor = make_floor(s, min_days=rng.choice((0, 0, 300)))
        other = Owner(code="OTHER", name="Another owner")
        s.add(other)
        s.flush()
        stents = [f"L{n}" for n in range(4)]
        for lot_no in stents:
            lot(s, floor, "STENT", lot_no, rng.choice(EXPIRIES))
            if rng.random() < 0.8:
                stock(s, floor, "STENT", lot_no, rng.randrange(1, 15), "A-01",
                      status=rng.choice(("AVAILABLE",) * 4 + ("QUARANTINE",)))
            if rng.random() < 0.2:
                _stock_of(s, other, floor, lot_no, rng.randrange(1, 15))
        pacers = ["PL1", "PL2"]
        for lot_no in pacers:
            lot(s, floor, "PACER", lot_no, rng.choice(EXPIRIES[2:]))
        for n, serial in enumerate(SERIALS):
            stock(s, floor, "PACER", pacers[n % 2], 1, "A-02", serial=serial)
        made = wave(s, floor)
        style = Style(named=rng.choice((0.0, 0.3, 0.9)), picked=rng.choice((0.2, 0.6)),
                      other=rng.choice((0.0, 0.2)))
        for o in range(rng.randrange(1, 9)):
            so = order(s, floor, f"SO-{o}", made, delivery=rng.choice(DELIVERIES))
            for n in range(rng.randrange(1, 5)):
                _allocated_line(s, rng, floor, made, so, n + 1, (stents, pacers),
                                other.id if rng.random() < style.other else None, style)
        uow.commit()


def _stock_of(s, owner: Owner, floor, lot_no: str, quantity: int) -> None:
    """Another owner's units of a STENT lot at A-01."""
    post(s, actor=SYSTEM, doc_type="RCV", doc_no="R2", now=NOW, lines=[Line(
        kind="RECEIVE", owner_id=owner.id, item_id=floor.items["STENT"].id,
        lot_id=floor.lots[lot_no].id, quantity=quantity, to_location_id=floor.loc("A-01").id,
        to_status="AVAILABLE")])


@dataclasses.dataclass(frozen=True)
class Style:
    """How often a wave's order lines name their lot, are picked, are another owner's."""

    named: float
    picked: float
    other: float


def _allocated_line(s, rng: random.Random, floor, made, so, line_no: int, lots, owner_id,
                    style: Style):
    stents, pacers = lots
    if rng.random() < 0.75:
        lot_no = rng.choice(stents)
        line = order_line(s, floor, so, line_no, "STENT", 1,
                          lot_no=lot_no if rng.random() < style.named else None)
        allocations = [allocate(s, floor, line, made, lot_no, "A-01", rng.randrange(1, 12))]
    else:
        n = rng.randrange(len(SERIALS))
        lot_no = pacers[n % 2]
        line = order_line(s, floor, so, line_no, "PACER", 1)
        line.serial = SERIALS[n] if rng.random() < style.named else None
        serial = SERIALS[n] if rng.random() < 0.8 else None
        allocations = [allocate(s, floor, line, made, lot_no, "A-02", 1, serial)]
    for allocation in allocations:
        allocation.picked_qty = rng.randrange(allocation.quantity + 1) \
            if rng.random() < style.picked else 0
        if allocation.picked_qty == allocation.quantity:
            allocation.status = "PICKED"
        if owner_id is not None:
            allocation.owner_id = owner_id
    s.flush()


def _scans() -> list[tuple[str, str, int | None]]:
    """(location, raw, packs): every lot by box, carton and three boxes, every serial."""
    stents = [("A-01", unit(body, lot_no), packs) for lot_no in ("L0", "L1", "L2", "L3", "LX")
              for body, packs in ((STENT_GTIN, None), (CARTON_GTIN, None), (STENT_GTIN, 3))]
    return stents + [("A-02", unit(PACER_GTIN, f"PL{1 + n % 2}", serial), None)
                     for n, serial in enumerate(SERIALS)]


def _outcome(db, actor, scan: tuple[str, str, int | None], substitution: bool) -> object:
    """What the pick would answer (its result, or its refusal), written nowhere."""
    where, raw, packs = scan
    with db.unit_of_work() as uow:  # never committed: rolled back
        s = uow.session
        probe = queries.LocationProbe.of(at(where))
        head = queries.lock_wave_for_pick(s, "WAV-1", "scan", actor, probe,
                                          queries.unit_keys(raw))
        try:
            result = picks._accept(s, actor, head, probe.found(head.location),
                                   picks._Scanned(raw, "scan", packs, NOW, substitution))
        except DomainError as refused:
            return refused.code, str(refused)
        return dataclasses.replace(result, pick_id=0)


@pytest.mark.parametrize("seed", range(12))
def test_the_narrowed_read_decides_as_the_read_of_every_allocation(db, seed, monkeypatch):
    rng = random.Random(seed)
    _random_wave(db, rng)
    picker = actor_of(make_user(db, "pat", "picker"))
    for scan in _scans():
        for substitution in (True, False):
            narrowed = _outcome(db, picker, scan, substitution)
            with monkeypatch.context() as every:
                every.setattr(picks, "_candidates", lambda *_: true())
                _forget_built_statements()
                expected = _outcome(db, picker, scan, substitution)
            _forget_built_statements()
            assert narrowed == expected, (scan, substitution)


def _forget_built_statements() -> None:
    """The pick's statements are built once per shape: build them again, with the seam."""
    picks._allocations_query.cache_clear()
    picks._joined_query.cache_clear()


def _crowd(db, allocations: int) -> None:
    """`allocations` more OPEN allocations of STENT L1 at A-01 on WAV-1, one order each."""
    with db.unit_of_work() as uow:
        s = uow.session
        made = s.scalars(select(Wave).where(Wave.wave_no == "WAV-1")).one()
        first = s.scalars(select(Allocation).order_by(Allocation.id).limit(1)).one()
        owner, consignee = first.owner_id, s.scalars(select(OutboundOrder.consignee_id)).first()
        orders = [s.scalar(insert(OutboundOrder).values(
            order_no=f"SO-C{n}", warehouse_id=made.warehouse_id, owner_id=owner,
            consignee_id=consignee, status="ALLOCATED", wave_id=made.id, created_at=NOW)
            .returning(OutboundOrder.id)) for n in range(allocations)]
        lines = [s.scalar(insert(OrderLine).values(
            order_id=o, line_no=1, item_id=first.item_id, quantity=2, allocated_qty=2)
            .returning(OrderLine.id)) for o in orders]
        s.execute(insert(Allocation), [{
            "order_line_id": line, "wave_id": made.id, "owner_id": owner,
            "item_id": first.item_id, "lot_id": first.lot_id,
            "location_id": first.location_id, "quantity": 2, "picked_qty": 0,
            "status": "OPEN", "created_at": NOW} for line in lines])
        uow.commit()


def _facts_of_a_pick(db, actor) -> tuple[int, list[str]]:
    """How many allocations the pick's facts hold, and the statements it sent."""
    raw = unit(STENT_GTIN, "L1")
    with db.unit_of_work() as uow, count_statements(db) as seen:  # never committed
        s = uow.session
        probe = queries.LocationProbe.of(at("A-01"))
        head = queries.lock_wave_for_pick(s, "WAV-1", "scan", actor, probe,
                                          queries.unit_keys(raw))
        found = queries.read_unit(s, raw, None, local_date(NOW, head.timezone), head.unit)
        facts = picks.load_facts(s, head.wave, probe.found(head.location), found,
                                 local_date(NOW, head.timezone))
    return len(facts.rows), seen.sql


def test_a_pick_on_a_crowded_bin_reads_as_few_allocations_as_on_an_empty_one(db):
    standard(db)
    picker = actor_of(make_user(db, "pat", "picker"))
    alone, before = _facts_of_a_pick(db, picker)
    _crowd(db, CROWD)
    crowded, sql = _facts_of_a_pick(db, picker)
    assert alone == 1 and len(sql) == len(before)
    assert crowded <= CANDIDATES, f"{crowded} of {CROWD + 1} allocations read"
    allocation_reads = [text for text in sql if text.startswith("SELECT allocation.id")]
    assert allocation_reads and all("LIMIT" in text for text in allocation_reads), sql
    result = picks.pick_unit(db, actor=picker, wave_no="WAV-1", location_raw=at("A-01"),
                             raw=unit(STENT_GTIN, "L1"), scan_id="after")
    assert result.order_no == "SO-1"  # the earliest allocation of the lot, as before
