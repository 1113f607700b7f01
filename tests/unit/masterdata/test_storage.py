"""Which storage conditions are cold chain: the item's condition decides, not "has a limit"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medwms.masterdata.storage import StorageCondition, is_cold_chain, storage_condition


@pytest.mark.parametrize(("low", "high", "condition"), [
    (None, "30", StorageCondition.AMBIENT),       # cotton swabs, "≤ 30 °C"
    ("10", "30", StorageCondition.AMBIENT),       # a stent, 10–30 °C
    ("2", None, StorageCondition.AMBIENT),        # "do not freeze"
    (None, None, StorageCondition.AMBIENT),
    (None, "20", StorageCondition.COOL),          # 阴凉
    ("8.1", "15", StorageCondition.COOL),
    ("2", "8", StorageCondition.REFRIGERATED),    # a reagent, 2–8 °C
    (None, "8", StorageCondition.REFRIGERATED),
    ("-25", "-15", StorageCondition.FROZEN),
    (None, "0", StorageCondition.FROZEN),
])
def test_the_upper_limit_names_the_storage_condition(low, high, condition):
    as_decimal = [None if v is None else Decimal(v) for v in (low, high)]
    assert storage_condition(*as_decimal) == condition


def test_only_refrigerated_and_frozen_goods_are_cold_chain():
    assert is_cold_chain(Decimal(2), Decimal(8)) and is_cold_chain(None, Decimal(-15))
    assert not is_cold_chain(None, Decimal(30))
    assert not is_cold_chain(None, Decimal(20))
    assert not is_cold_chain(Decimal(2), Decimal("8.1"))
    assert not is_cold_chain(None, None)
