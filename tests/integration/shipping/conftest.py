"""Shipping fixtures: the two-warehouse world, and a way to see that nothing changed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from medwms.ledger.tables import HandlingUnit, Movement, Stock
from medwms.shipping.tables import CustomerReturn, ReturnLine, Shipment, ShipmentLine
from tests.support.shipping import world


@pytest.fixture
def outbound(db):
    """The world of tests.support.shipping, committed."""
    world(db)
    return db


def state(db) -> tuple:
    """Counts and sums that any change would move."""
    with db.reading() as s:
        def count(model):
            return s.scalar(select(func.count()).select_from(model))
        statuses = tuple(s.execute(select(Shipment.shipment_no, Shipment.status,
                                          Shipment.discrepancies).order_by(Shipment.id)))
        stock = tuple(s.execute(select(Stock.key, Stock.quantity).order_by(Stock.key)))
        return (count(Movement), count(ShipmentLine), count(HandlingUnit),
                count(CustomerReturn), count(ReturnLine), statuses, stock)
