"""The confirm's suggestion is read set-based (the lot's locations, then free ones nearest
first, a page at a time) and must be the very choice `rules.suggest` makes over every
location of the warehouse: random yards of blocked, full, cold, red and stocked bins."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from medwms.putaway import queries, rules
from medwms.putaway.rules import Goods, NoFit, TempRange
from tests.support.builders import make_lot
from tests.support.putaway import add_location, add_zone, ambient_item, make_yard, receive

ZONES = ("AMB", "COLD", "RED", "WARM", "ANY")


def _yard(session, rng: random.Random, bins: int):
    yard = make_yard(session, f"WR{rng.randrange(10**6)}")
    add_zone(session, yard, "WARM", "STORAGE", ("20", "40"))
    add_zone(session, yard, "ANY", "STORAGE")
    for n in range(bins):
        add_location(session, yard, rng.choice(ZONES), f"B-{n:03d}",
                     pick_seq=rng.randrange(4), x=rng.randrange(6), y=rng.randrange(6),
                     capacity=rng.choice((None, 5, 50, 500)))
    return yard


@pytest.mark.parametrize("page", [queries.FREE_PAGE, 3])
@pytest.mark.parametrize("seed", range(8))
def test_the_set_based_suggestion_is_the_rules_choice_over_every_location(db, seed, page,
                                                                        monkeypatch):
    monkeypatch.setattr(queries, "FREE_PAGE", page)  # 3: the best free bin is pages away
    rng = random.Random(seed)
    with db.unit_of_work() as uow:
        s = uow.session
        yard = _yard(s, rng, rng.choice((3, 20, 140)))
        item = ambient_item(s)
        lots = [make_lot(s, item, f"L{n}") for n in range(3)]
        stocked = rng.sample(sorted(yard.places), k=min(len(yard.places), rng.randrange(8)))
        for code in stocked:
            receive(s, yard, item, rng.choice(lots), rng.randrange(1, 20), dock=code)
        for location in yard.places.values():  # blocked after stocking: stock may be held there
            location.blocked = rng.random() < 0.15
        s.flush()
        uow.commit()
    with db.reading() as s:
        everything = queries.candidates(s, yard.warehouse.id)
        for lot in [*lots, None]:
            for status in ("AVAILABLE", "REJECTED"):
                for quantity in (1, 30, 400):
                    for item_range in (TempRange(None, Decimal(25)), TempRange(Decimal(2),
                                                                               Decimal(8))):
                        goods = Goods(item_id=item.id, lot_id=lot.id if lot else None,
                                      item_range=item_range, status=status, quantity=quantity)
                        expected = rules.suggest(goods, everything)
                        found = queries.suggestion(s, goods, yard.warehouse.id)
                        assert found == expected, (goods, found, expected)
                        if isinstance(expected, NoFit):
                            assert expected.why  # every candidate counted in the refusal
