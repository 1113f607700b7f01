"""Returns and cold-chain-broken transfer arrivals wait for inspection like receipts do."""

from __future__ import annotations

from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.quality import queries
from tests.support.builders import NOW
from tests.support.quality import make_arrival


def arrive(db, arrival, *, kind: str, doc_type: str, doc_no: str, quantity: int,
           reason: str = "") -> None:
    line = Line(kind=kind, owner_id=arrival.owner_id, item_id=arrival.item_id,
                lot_id=arrival.lot_id, quantity=quantity, to_location_id=arrival.dock2_id,
                to_status="QUARANTINE", reason=reason)
    with db.unit_of_work() as uow:
        post(uow.session, actor=arrival.receiver, doc_type=doc_type, doc_no=doc_no,
             lines=[line], now=NOW)
        uow.commit()


def test_a_customer_return_is_pending_under_its_return_number(db):
    arrival = make_arrival(db, quantity=4)
    arrive(db, arrival, kind="RETURN", doc_type="RET", doc_no="RET-20261125-AAAAA",
           quantity=2, reason="damaged box")
    with db.reading() as s:
        pending = {lot.receipt_no: lot.quantity for lot in queries.pending_lots(s)}
    assert pending == {arrival.receipt_no: 4, "RET-20261125-AAAAA": 2}


def test_a_transfer_whose_cold_chain_broke_is_pending_with_its_hold_reason(db):
    arrival = make_arrival(db, quantity=1)
    arrive(db, arrival, kind="TRANSFER_IN", doc_type="SHP", doc_no="SHP-20261125-CCCCC",
           quantity=3, reason="HOLD: cold chain broken in transit: arrival 12.0 °C")
    with db.reading() as s:
        [transfer] = [lot for lot in queries.pending_lots(s)
                      if lot.receipt_no == "SHP-20261125-CCCCC"]
    assert transfer.quantity == 3
    assert any("cold chain broken" in reason for reason in transfer.hold_reasons)
