"""Advance notice lines named by item code (as the web form allows): the smallest pack's GTIN."""

from __future__ import annotations

from datetime import date

import pytest

from medwms.core.errors import ValidationError
from medwms.receiving import notices, queries
from tests.support.receiving import HIP, NOW, RECEIVER, STENT_UNIT

GOOD = date(2028, 6, 30)


def create(db, site, *lines):
    return notices.create_notice(db, actor=RECEIVER, supplier=site.supplier,
                                 warehouse=site.warehouse, lines=list(lines), now=NOW)


def test_a_line_named_by_item_code_expects_base_units_of_its_smallest_pack(db, site):
    detail = create(db, site, notices.NoticeLineIn(gtin="", item="stent", lot="L1", expiry=GOOD,
                                                   quantity=30),
                    notices.NoticeLineIn(gtin=HIP, lot="H1", quantity=1, serials=("SN-1",)))
    assert [(x.item, x.gtin, x.quantity) for x in detail.lines] == [
        ("STENT", STENT_UNIT, 30), ("HIP", HIP, 1)]
    with db.reading() as s:
        progress = queries.get_notice(s, detail.header.notice_no).progress
    assert [(p.item, p.lot, p.expected) for p in progress] == [("STENT", "L1", 30),
                                                               ("HIP", "H1", 1)]


def test_an_unknown_item_code_is_refused_at_its_line_and_nothing_is_written(db, site):
    with pytest.raises(ValidationError) as refused:
        create(db, site, notices.NoticeLineIn(gtin=STENT_UNIT, quantity=5),
               notices.NoticeLineIn(gtin="", item="NOSUCH", quantity=5))
    assert [(p.row, p.column, p.value) for p in refused.value.problems] == [(2, "item", "NOSUCH")]
    with db.reading() as s:
        assert queries.list_notices(s) == []

