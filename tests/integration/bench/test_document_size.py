"""scan_document_size at a tiny scale: every figure is there, the big receipt and wave really
hold their lines, and the bulk-written lines carry the running totals real scans continue."""

from __future__ import annotations

from sqlalchemy import func, select

from medwms.bench.generate import Scale, generate
from medwms.bench.scenarios import SCENARIOS, scan_document_size
from medwms.core.db import Database
from medwms.ledger.verify import verify
from medwms.receiving.tables import Receipt, ReceiptLine

LINES, SCANS = 60, 6


def test_both_documents_are_measured_and_the_big_ones_hold_their_lines(db: Database) -> None:
    generate(db, Scale(movements=300, warehouses=1, items=10, bins=10, consignees=10))
    found = scan_document_size.measure(db, lines=LINES, scans=SCANS, round_size=4)
    assert "scan_document_size" in SCENARIOS
    assert found["lines"] == LINES
    for kind in ("receive", "pick"):
        figures = found[kind]
        assert figures["errors"] == 0, figures["first_errors"]
        for side in ("fresh", "lines_10000"):
            assert figures[side]["n"] == SCANS and figures[side]["median"] > 0
        assert figures["ratio"]["ratio"] > 0 and figures["ratio"]["goal"] == "≤ 1.2×"
    scanned = SCANS + scan_document_size.WARM
    assert found["big_receipt_lines"] == LINES + scanned
    assert found["big_wave_lines"] == LINES
    _totals_run_on(db, LINES + scanned)


def _totals_run_on(db: Database, lines: int) -> None:
    """The big receipt's last line counts every line before it, and each tally is the sum
    of its item and lot's units: the real scans continued the bulk lines' totals."""
    with db.reading() as s:
        receipt = s.scalars(select(Receipt.id).where(Receipt.po_no == "PO-DS-BIG")).one()
        last = s.execute(select(ReceiptLine.line_no, ReceiptLine.receipt_quantity)
                         .where(ReceiptLine.receipt_id == receipt)
                         .order_by(ReceiptLine.line_no.desc()).limit(1)).one()
        assert tuple(last) == (lines, lines)
        tallies = s.execute(select(func.max(ReceiptLine.tally), func.sum(ReceiptLine.quantity))
                            .where(ReceiptLine.receipt_id == receipt)
                            .group_by(ReceiptLine.item_id, ReceiptLine.tally_key)).all()
        assert tallies and all(top == units for top, units in tallies)
        assert verify(s).ok
