"""Fixtures of the receiving service tests: a site, and receipts ready to scan into."""

from __future__ import annotations

import pytest

from medwms.core.db import Database
from medwms.receiving import service
from tests.support.receiving import NOW, RECEIVER, Inbound, inbound


@pytest.fixture
def site(db: Database) -> Inbound:
    return inbound(db)


@pytest.fixture
def po_receipt(db: Database, site: Inbound) -> str:
    """An open receipt against a purchase order (no notice)."""
    return service.open_receipt(db, actor=RECEIVER, warehouse=site.warehouse, po_no="PO-1",
                                supplier=site.supplier, now=NOW).receipt_no
