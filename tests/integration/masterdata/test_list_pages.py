"""The master-data list query: a code or name prefix, in use or not, the kinds' own filters,
and keyset pages that follow the key order without gaps or repeats."""

from __future__ import annotations

import pytest

from medwms.auth.rules import SYSTEM
from medwms.core.errors import ValidationError
from medwms.masterdata import queries, service
from medwms.masterdata.kinds import KINDS
from tests.integration.masterdata.files import item, site
from tests.support.builders import NOW


def create(db, kind_, **values):
    service.create_record(db=db, actor=SYSTEM, kind=kind_, values=values, now=NOW)


def page(db, kind, **given):
    with db.reading() as s:
        return queries.list_page(s, KINDS[kind], queries.list_query(KINDS[kind], given))


def codes(found):
    return [r["code"] for r in found.records]


def test_items_are_found_by_code_or_name_prefix_and_not_by_the_middle(db):
    for code, name in (("CATH-01", "导管"), ("CATH-02", "中心静脉导管"), ("GLOVE-01", "手套")):
        service.create_record(db=db, actor=SYSTEM, kind="items", now=NOW,
                              values=item(code=code, name_zh=name, name_en=""))
    assert codes(page(db, "items", q="cath")) == ["CATH-01", "CATH-02"]
    assert codes(page(db, "items", q="导管")) == ["CATH-01"]
    assert codes(page(db, "items", q="ATH")) == []
    assert codes(page(db, "items", q="%")) == []


def test_inactive_items_are_hidden_unless_asked_for(db):
    for code in ("A-1", "A-2", "A-3"):
        service.create_record(db=db, actor=SYSTEM, kind="items", now=NOW, values=item(code=code))
    service.deactivate_record(db=db, actor=SYSTEM, kind="items", key="A-2", reason="dropped")
    assert codes(page(db, "items")) == ["A-1", "A-3"]
    assert codes(page(db, "items", status="inactive")) == ["A-2"]
    assert codes(page(db, "items", status="all")) == ["A-1", "A-2", "A-3"]
    service.reactivate_record(db=db, actor=SYSTEM, kind="items", key="A-2", reason="back")
    assert codes(page(db, "items")) == ["A-1", "A-2", "A-3"]


def test_items_are_filtered_by_storage_condition(db):
    service.create_record(db=db, actor=SYSTEM, kind="items", now=NOW,
                          values=item(code="VAC-1", temp_min="2", temp_max="8"))
    service.create_record(db=db, actor=SYSTEM, kind="items", now=NOW,
                          values=item(code="SWAB-1", temp_min=None, temp_max="30"))
    service.create_record(db=db, actor=SYSTEM, kind="items", now=NOW,
                          values=item(code="OPEN-1", temp_min=None, temp_max=None))
    assert codes(page(db, "items", storage="REFRIGERATED")) == ["VAC-1"]
    assert codes(page(db, "items", storage="AMBIENT")) == ["OPEN-1", "SWAB-1"]
    assert codes(page(db, "items", storage="COOL")) == []


def test_keyset_pages_follow_the_code_order_without_repeats_or_gaps(db):
    site(db)
    made = [f"WH1-A-{n:03d}" for n in range(1, 24)]
    for code in reversed(made):
        create(db, "locations", code=code, warehouse_code="WH1", zone_code="S1")
    seen, after, pages = [], "", 0
    while True:
        with db.reading() as s:
            found = queries.list_page(s, KINDS["locations"],
                                      queries.ListQuery(after=after, limit=10))
        seen += codes(found)
        pages += 1
        if found.next_after is None:
            break
        after = found.next_after
    assert seen == made
    assert pages == 3


def test_locations_are_filtered_by_warehouse_and_zone_and_blocked_ones_hidden(db):
    site(db)
    create(db, "warehouses", code="WH2", name="Second")
    create(db, "zones", warehouse_code="WH2", code="S1", kind="STORAGE")
    create(db, "locations", code="WH1-R-1", warehouse_code="WH1", zone_code="RCV")
    create(db, "locations", code="WH1-S-1", warehouse_code="WH1", zone_code="S1")
    create(db, "locations", code="WH2-S-1", warehouse_code="WH2", zone_code="S1")
    service.deactivate_record(db=db, actor=SYSTEM, kind="locations", key="WH1-R-1",
                              reason="rack damaged")
    assert codes(page(db, "locations", status="all", warehouse="wh1")) == ["WH1-R-1", "WH1-S-1"]
    assert codes(page(db, "locations", warehouse="WH1")) == ["WH1-S-1"]
    assert codes(page(db, "locations", warehouse="WH2", zone="S1")) == ["WH2-S-1"]
    assert codes(page(db, "locations", status="inactive")) == ["WH1-R-1"]
    assert codes(page(db, "locations", warehouse="NOPE")) == []


def test_partners_are_filtered_by_type_and_zones_paged_by_warehouse_then_code(db):
    create(db, "partners", code="SUP-1", name="供应商", kind="SUPPLIER")
    create(db, "partners", code="HOSP-1", name="医院", kind="CUSTOMER")
    assert codes(page(db, "partners", partner_kind="CUSTOMER")) == ["HOSP-1"]
    site(db)
    create(db, "warehouses", code="WH0", name="First")
    create(db, "zones", warehouse_code="WH0", code="Z9", kind="STORAGE")
    with db.reading() as s:
        first = queries.list_page(s, KINDS["zones"], queries.ListQuery(limit=2))
        rest = queries.list_page(s, KINDS["zones"],
                                 queries.ListQuery(limit=2, after=first.next_after or ""))
    assert first.keys == ["WH0:Z9", "WH1:RCV"]
    assert (rest.keys, rest.next_after) == (["WH1:S1"], None)


def test_a_filter_value_no_filter_has_is_refused_naming_it():
    with pytest.raises(ValidationError) as refused:
        queries.list_query(KINDS["items"], {"storage": "WARM", "status": "sleeping"})
    assert {p.column for p in refused.value.problems} == {"storage", "status"}
