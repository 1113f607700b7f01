"""Small builders of closed documents for the archiving tests: a receipt with lines of given
lots, a recall case of an item, both closed at a given time."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Packaging, Partner
from medwms.recall.tables import RecallCase
from medwms.receiving.tables import Receipt, ReceiptLine
from tests.support.builders import NOW, Site, gtin


def supplier(session: Session, code: str = "SUP1") -> Partner:
    partner = Partner(code=code, name=f"供应商{code}", kind="SUPPLIER", updated_at=NOW)
    session.add(partner)
    session.flush()
    return partner


def closed_receipt(session: Session, site: Site, number: str, closed_at: datetime,
                   *lots: tuple[Item, Lot | None], status: str = "CLOSED") -> Receipt:
    """A receipt of `site` closed at `closed_at`, one line per (item, lot)."""
    receipt = Receipt(receipt_no=number, supplier_id=supplier(session, f"S-{number}").id,
                      warehouse_id=site.warehouse.id, owner_id=site.owner.id,
                      location_id=site.locations[0].id, status=status, opened_at=closed_at,
                      closed_at=closed_at if status == "CLOSED" else None)
    session.add(receipt)
    session.flush()
    for n, (item, lot) in enumerate(lots, start=1):
        pack = Packaging(gtin=gtin(f"{item.id:04d}{n:02d}{number[-4:]:0>4}".ljust(13, "0")[:13]),
                         item_id=item.id, quantity=1)
        session.add(pack)
        session.flush()
        session.add(ReceiptLine(receipt_id=receipt.id, scan_id=f"{number}-{n}", raw="x",
                                item_id=item.id, packaging_id=pack.id,
                                lot_id=lot.id if lot else None, quantity=1, scanned_at=closed_at,
                                line_no=n, receipt_quantity=n, tally_key="=", tally=n))
    session.flush()
    return receipt


def closed_recall(session: Session, item: Item, number: str, closed_at: datetime) -> RecallCase:
    case = RecallCase(recall_no=number, mock=False, reason="供应商通知", risk_class="II",
                      item_id=item.id, scope=json.dumps({"lots": []}), status="CLOSED",
                      opened_at=closed_at, closed_at=closed_at)
    session.add(case)
    session.flush()
    return case
