"""Scanning lookups cost one query whatever the size of the master data."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from medwms.auth.rules import SYSTEM
from medwms.core.errors import NotFound, ScanRefused
from medwms.masterdata import queries, service
from tests.integration.masterdata.files import PACK_HEADER, csv_bytes, gs1, item, load, site


@contextmanager
def counting(db):
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


@pytest.fixture
def catalogue(db):
    site(db)
    service.create_item(db=db, actor=SYSTEM, values=item("A"))
    packs = [[gs1(f"0690{i:09d}"), "A", f"box{i}", i + 1] for i in range(200)]
    load(db, "packaging", csv_bytes(PACK_HEADER, packs))
    for i in range(20):
        service.create_location(db=db, actor=SYSTEM, values={
            "code": f"L-{i}", "warehouse_code": "WH1", "zone_code": "S1"})


def test_resolving_a_gtin_costs_one_query(db, catalogue):
    with db.reading() as s, counting(db) as seen:
        found, packaging = queries.resolve_gtin(s, gs1("0690000000150"))
        assert (found.code, packaging.quantity) == ("A", 151)
    assert len(seen) == 1


def test_finding_a_location_by_its_barcode_costs_one_query(db, catalogue):
    with db.reading() as s, counting(db) as seen:
        assert queries.location_by_barcode(s, "#L:L-7").code == "L-7"
        assert queries.location_by_barcode(s, "l-8").code == "L-8"
    assert len(seen) == 2


def test_unknown_and_malformed_scans_are_told_apart(db, catalogue):
    with db.reading() as s:
        with pytest.raises(NotFound):
            queries.resolve_gtin(s, gs1("0690999999999"))
        with pytest.raises(ScanRefused):
            queries.resolve_gtin(s, "0690999999990")
        with pytest.raises(NotFound):
            queries.location_by_barcode(s, "#L:NOPE")
