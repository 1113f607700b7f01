"""A carrier (物流承运商) is a partner but never a consignee: an order to one is refused in
words, as an order to a supplier or a department is."""

from __future__ import annotations

import pytest

from medwms.orders import orders
from medwms.orders.errors import OrderInvalid
from tests.support.picking import MANAGER, NOW, make_partner, outbound, sale, stent


def test_a_sale_to_a_carrier_is_refused_in_words(db):
    outbound(db)
    with db.unit_of_work() as uow:
        make_partner(uow.session, "SF-EXP", kind="CARRIER")
        uow.commit()
    with pytest.raises(OrderInvalid) as refused:
        orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(1), customer="SF-EXP"))
    assert refused.value.message("zh-CN").endswith(
        "销售出库单的收货单位应为客户（医院或经销商），SF-EXP 是物流承运商")
    assert "SF-EXP is a carrier" in refused.value.message("en")
