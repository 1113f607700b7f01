"""A packaging level taken out of use: its GTIN stays known (the stock received under it, its
history), but receiving refuses new stock under it, naming the GTIN; back in use, it receives
again."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from medwms.auth.rules import SYSTEM
from medwms.core.errors import DomainError
from medwms.ledger.tables import Stock
from medwms.masterdata import queries
from medwms.masterdata import service as masterdata
from medwms.masterdata.tables import Packaging
from medwms.receiving import service
from tests.support.receiving import NOW, RECEIVER, STENT_BOX, STENT_CASE, counts, udi

GOOD = date(2028, 6, 30)


def scan(db, receipt_no, raw, scan_id):
    return service.receive_scan(db, actor=RECEIVER, receipt_no=receipt_no, raw=raw,
                                scan_id=scan_id, now=NOW)


def test_an_out_of_use_gtin_is_refused_at_receiving_and_its_stock_stays_readable(db, site,
                                                                                 po_receipt):
    assert scan(db, po_receipt, udi(STENT_BOX, lot="L1", expiry=GOOD), "s1").quantity == 10
    masterdata.deactivate_packaging(db=db, actor=SYSTEM, key=STENT_BOX,
                                    reason="supplier changed the box GTIN")
    before = counts(db)
    with pytest.raises(DomainError) as caught:
        scan(db, po_receipt, udi(STENT_BOX, lot="L1", expiry=GOOD), "s2")
    refusal = caught.value
    assert refusal.code == "PACKAGING_OUT_OF_USE"
    assert STENT_BOX in refusal.message("en") and "out of use" in refusal.message("en")
    assert STENT_BOX in refusal.message("zh-CN") and "已停用" in refusal.message("zh-CN")
    assert counts(db) == before  # nothing written

    # The other packaging levels of the item still receive.
    assert scan(db, po_receipt, udi(STENT_CASE, lot="L1", expiry=GOOD), "s3").quantity == 100
    with db.reading() as s:  # kept, not deleted: what a scan of it means is still known
        assert s.scalar(select(Packaging.active).where(Packaging.gtin == STENT_BOX)) is False
        item, packaging = queries.resolve_gtin(s, STENT_BOX)
        assert (item.code, packaging.quantity) == ("STENT", 10)
        assert s.scalar(select(func.sum(Stock.quantity)).where(Stock.item_id == item.id)) == 110

    masterdata.reactivate_packaging(db=db, actor=SYSTEM, key=STENT_BOX, reason="still in use")
    assert scan(db, po_receipt, udi(STENT_BOX, lot="L1", expiry=GOOD), "s4").quantity == 10
