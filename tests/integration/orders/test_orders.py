"""Orders: create by item or GTIN, GSP refusals, bad input refused whole, cancel."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from medwms.auth.tables import AuditRecord
from medwms.core.errors import PermissionDenied, ValidationError
from medwms.masterdata.tables import Item, Partner
from medwms.orders import allocation, orders
from medwms.orders.errors import (
    CustomerNotQualified,
    ItemNotRegistered,
    OrderExists,
    OrderInvalid,
    OrderNotCancellable,
    OrderNotFound,
)
from medwms.orders.orders import LineIn, OrderIn
from medwms.orders.tables import Allocation, OrderLine
from tests.support.picking import (
    MANAGER,
    NOW,
    PICKER,
    STENT_BOX,
    counts,
    make_floor,
    make_partner,
    outbound,
    sale,
    stent,
    stock_in,
)


@pytest.fixture
def world(db):
    return outbound(db)


def test_an_order_by_item_and_by_box_gtin_counts_base_units(db, world):
    made = orders.create_order(db, actor=MANAGER, now=NOW, order=sale(
        stent(7), LineIn(quantity=3, gtin=STENT_BOX), order_no="so-1"))
    assert made.order_no == "SO-1"
    assert made.status == "OPEN"
    assert made.consignee == "HOSP1"
    assert [(line.item, line.quantity) for line in made.lines] == [("STENT", 7), ("STENT", 30)]
    with db.reading() as s:
        action = s.scalar(select(AuditRecord.action).where(AuditRecord.entity_key == "SO-1"))
    assert action == "create"


def test_an_order_number_is_made_when_none_is_given(db, world):
    made = orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(1)))
    assert made.order_no.startswith("OUT-20261125-")


def test_a_department_issue_needs_a_department(db, world):
    with db.unit_of_work() as uow:
        make_partner(uow.session, "ICU", kind="DEPARTMENT", licence="")
        uow.commit()
    made = orders.create_order(db, actor=MANAGER, now=NOW, order=OrderIn(
        warehouse="WH1", kind="DEPARTMENT", consignee="ICU", lines=(stent(2),)))
    assert made.kind == "DEPARTMENT"
    with pytest.raises(OrderInvalid) as refused:
        orders.create_order(db, actor=MANAGER, now=NOW, order=OrderIn(
            warehouse="WH1", kind="DEPARTMENT", consignee="HOSP1", lines=(stent(2),)))
    assert refused.value.problems[0].column == "consignee"


def test_a_transfer_goes_to_another_of_our_warehouses(db, world):
    with db.unit_of_work() as uow:
        make_floor(uow.session, "WH2")
        uow.commit()
    made = orders.create_order(db, actor=MANAGER, now=NOW, order=OrderIn(
        warehouse="WH1", kind="TRANSFER", to_warehouse="WH2", lines=(stent(2),)))
    assert (made.kind, made.to_warehouse, made.consignee) == ("TRANSFER", "WH2", None)
    with pytest.raises(OrderInvalid) as refused:
        orders.create_order(db, actor=MANAGER, now=NOW, order=OrderIn(
            warehouse="WH1", kind="TRANSFER", to_warehouse="WH1", lines=(stent(2),)))
    assert refused.value.problems[0].column == "to_warehouse"


def test_unknown_item_gtin_zero_quantity_are_all_listed_and_nothing_is_written(db, world):
    before = counts(db)
    with pytest.raises(OrderInvalid) as refused:
        orders.create_order(db, actor=MANAGER, now=NOW, order=sale(
            LineIn(quantity=1, item="NOPE"), LineIn(quantity=1, gtin="06900000099990"),
            stent(0), LineIn(quantity=1)))
    where = [(p.row, p.column) for p in refused.value.problems]
    assert where == [(1, "item"), (2, "gtin"), (3, "quantity"), (4, "item")]
    assert "unknown item" in refused.value.problems[0].message
    assert refused.value.code == "ORDER_INVALID"
    assert counts(db) == before


def test_an_empty_order_is_refused(db, world):
    with pytest.raises(OrderInvalid) as refused:
        orders.create_order(db, actor=MANAGER, now=NOW, order=sale())
    assert "at least one line" in str(refused.value)
    assert counts(db)["outbound_order"] == 0


def test_unknown_consignee_and_warehouse_are_named(db, world):
    with pytest.raises(OrderInvalid) as refused:
        orders.create_order(db, actor=MANAGER, now=NOW, order=sale(
            stent(1), customer="NOBODY", warehouse="WH9"))
    assert {p.column for p in refused.value.problems} == {"warehouse", "consignee"}


def test_a_sale_to_a_department_is_refused_in_words_not_codes(db, world):
    with db.unit_of_work() as uow:
        make_partner(uow.session, "HOSP1-ICU", kind="DEPARTMENT")
        uow.commit()
    with pytest.raises(OrderInvalid) as refused:
        orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(1),
                                                                   customer="HOSP1-ICU"))
    assert refused.value.message("zh-CN").endswith(
        "销售出库单的收货单位应为客户（医院或经销商），HOSP1-ICU 是临床科室")
    english = refused.value.message("en")
    assert "a sales order goes to a customer" in english and "DEPARTMENT" not in english


def test_a_repeated_order_number_is_a_conflict(db, world):
    orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(1), order_no="SO-1"))
    with pytest.raises(OrderExists):
        orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(1), order_no="SO-1"))


def test_a_customer_with_an_expired_licence_is_refused(db, world):
    with db.unit_of_work() as uow:
        partner = uow.session.scalars(select(Partner).where(Partner.code == "HOSP1")).one()
        partner.licence_expiry = date(2026, 11, 24)
        uow.commit()
    with pytest.raises(CustomerNotQualified) as refused:
        orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(1)))
    assert refused.value.code == "CUSTOMER_LICENCE_INVALID"
    assert "has expired on 2026-11-24" in refused.value.message("en")
    assert counts(db)["outbound_order"] == 0


def test_an_item_whose_registration_lapsed_may_not_be_sold(db, world):
    with db.unit_of_work() as uow:
        item = uow.session.get_one(Item, world.stent_id)
        item.registration_expiry = date(2026, 1, 1)
        uow.commit()
    with pytest.raises(ItemNotRegistered) as refused:
        orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(1)))
    assert refused.value.code == "ITEM_REGISTRATION_INVALID"


def test_a_picker_may_not_create_orders(db, world):
    with pytest.raises(PermissionDenied):
        orders.create_order(db, actor=PICKER, now=NOW, order=sale(stent(1)))


def test_cancelling_releases_the_reservations(db, world):
    stock_in(db, world, "L1", date(2028, 1, 1), 10)
    orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(4), order_no="SO-1"))
    allocation.allocate_order(db, actor=MANAGER, order_no="SO-1", now=NOW)
    with pytest.raises(ValidationError):
        orders.cancel_order(db, actor=MANAGER, order_no="SO-1", reason=" ")
    done = orders.cancel_order(db, actor=MANAGER, order_no="SO-1", reason="customer withdrew")
    assert done.status == "CANCELLED"
    assert {a.status for a in done.lines[0].allocations} == {"CANCELLED"}
    with pytest.raises(OrderNotCancellable):
        orders.cancel_order(db, actor=MANAGER, order_no="SO-1", reason="again")


def test_an_order_with_picked_units_cannot_be_cancelled(db, world):
    stock_in(db, world, "L1", date(2028, 1, 1), 10)
    orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(4), order_no="SO-1"))
    allocation.allocate_order(db, actor=MANAGER, order_no="SO-1", now=NOW)
    with db.unit_of_work() as uow:
        uow.session.scalars(select(OrderLine)).one().picked_qty = 1
        uow.commit()
    with pytest.raises(OrderNotCancellable):
        orders.cancel_order(db, actor=MANAGER, order_no="SO-1", reason="late")
    with db.reading() as s:
        assert {a.status for a in s.scalars(select(Allocation))} == {"OPEN"}


def test_an_unknown_order_is_not_found(db, world):
    with pytest.raises(OrderNotFound) as refused:
        orders.cancel_order(db, actor=MANAGER, order_no="SO-404", reason="x")
    assert refused.value.code == "ORDER_NOT_FOUND"
