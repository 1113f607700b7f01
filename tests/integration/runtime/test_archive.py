"""Archiving closed documents for real: out of the working lists, still readable by number and
in lists asked to include them; each kept until its retention floor; nothing removed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from medwms.archive.service import archive_closed
from medwms.auth.rules import Actor
from medwms.core.errors import PermissionDenied
from medwms.recall import queries as recall_queries
from medwms.receiving import queries as receiving
from medwms.runtime import queries
from tests.support.archive import closed_recall, closed_receipt
from tests.support.builders import make_item, make_lot, make_site
from tests.support.receiving import counts
from tests.support.users import actor_of, make_user

OLD = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
RECENT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
def documents(db):
    with db.unit_of_work() as uow:
        s = uow.session
        site = make_site(s)
        gauze, stent = make_item(s, "GAUZE"), make_item(s, "STENT")
        stent.implant = True
        closed_receipt(s, site, "R-2025-0001", OLD, (gauze, make_lot(s, gauze, "G1",
                                                                       date(2027, 5, 31))))
        closed_receipt(s, site, "R-2025-0002", OLD, (stent, make_lot(s, stent, "S1")))
        closed_receipt(s, site, "R-2025-0003", OLD, (gauze, None))
        closed_receipt(s, site, "R-2026-0004", RECENT, (gauze, None))
        closed_receipt(s, site, "R-2025-0005", OLD, (gauze, None), status="OPEN")
        closed_recall(s, gauze, "RC-2025-0001", OLD)
        uow.commit()
    return actor_of(make_user(db, "root-admin", "admin"))


def _numbers(db, **filters):
    with db.reading() as s:
        return {r.receipt_no for r in receiving.list_receipts(s, **filters)}


def test_archiving_takes_closed_documents_out_of_the_working_lists_but_keeps_them(db, documents):
    before = counts(db)
    done = archive_closed(db=db, actor=documents, closed_before_day=date(2026, 1, 1),
                          timezone="Asia/Shanghai")
    assert {(a.entity, a.number) for a in done} == {
        ("receipt", "R-2025-0001"), ("receipt", "R-2025-0002"), ("receipt", "R-2025-0003"),
        ("recall_case", "RC-2025-0001")}
    assert _numbers(db) == {"R-2026-0004", "R-2025-0005"}
    assert "R-2025-0001" in _numbers(db, include_archived=True)
    with db.reading() as s:
        assert receiving.get_receipt(s, "R-2025-0001").header.status == "CLOSED"
        assert recall_queries.list_recalls(s) == []
        assert [r["recall_no"] for r in recall_queries.list_recalls(s, include_archived=True)] \
            == ["RC-2025-0001"]
        assert recall_queries.recall_view(s, "RC-2025-0001").recall_no == "RC-2025-0001"
        kept = {a.entity_key: a.keep_until for a in queries.archived(s)}
    assert kept == {"R-2025-0001": date(2029, 5, 31),  # expiry + 2 years
                    "R-2025-0002": None,  # an implant's acceptance record: for ever
                    "R-2025-0003": date(2030, 3, 1),  # no expiry: 5 years
                    "RC-2025-0001": date(2030, 3, 1)}  # a quality record: at least 5 years
    assert {k: v for k, v in counts(db).items() if k != "audit_record"} == \
        {k: v for k, v in before.items() if k != "audit_record"}


def test_archiving_twice_archives_nothing_more(db, documents):
    archive_closed(db=db, actor=documents, closed_before_day=date(2026, 1, 1),
                   timezone="Asia/Shanghai")
    assert archive_closed(db=db, actor=documents, closed_before_day=date(2026, 1, 1),
                          timezone="Asia/Shanghai") == []


def test_only_an_administrator_of_every_warehouse_archives(db, documents):
    with pytest.raises(PermissionDenied):
        archive_closed(db=db, actor=Actor(user_id=None, username="qm",
                                          roles=frozenset({"quality"})),
                       closed_before_day=date(2026, 1, 1), timezone="Asia/Shanghai")
