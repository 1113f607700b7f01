"""Storage conditions: what an item's storage range means on the floor, and which are cold chain.

The one place that says whether an item is cold-chain. An item carries its storage range
(`temp_min`, `temp_max`, either end open); GSP sorts such ranges into conditions:

    FROZEN        upper limit at or below 0 °C          (冷冻, e.g. −25…−15 °C)
    REFRIGERATED  upper limit at or below 8 °C          (冷藏, 2–8 °C)
    COOL          upper limit at or below 20 °C         (阴凉, ≤ 20 °C)
    AMBIENT       anything warmer, or no upper limit    (常温, e.g. ≤ 30 °C, 10–30 °C)

Cold chain (a cold box, a transport logger, the arrival and dispatch temperatures) follows
the condition — refrigerated and frozen goods — never "the item has an upper limit": cotton
swabs stored at ≤ 30 °C are ambient goods. Pure: no database, no settings.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

FROZEN_MAX = Decimal(0)
REFRIGERATED_MAX = Decimal(8)
COOL_MAX = Decimal(20)


class StorageCondition(StrEnum):
    FROZEN = "FROZEN"
    REFRIGERATED = "REFRIGERATED"
    COOL = "COOL"
    AMBIENT = "AMBIENT"


COLD_CHAIN = frozenset({StorageCondition.FROZEN, StorageCondition.REFRIGERATED})


def storage_condition(temp_min: Decimal | None, temp_max: Decimal | None) -> StorageCondition:
    """The GSP storage condition of a storage range.

    The upper limit decides: a lower limit alone ("above 2 °C": do not freeze) is ambient,
    and 2–8 °C is refrigerated whatever its lower end. `temp_min` is taken so that callers
    hand over the item's whole range and this stays the one place that reads it.
    """
    if temp_max is None or temp_max > COOL_MAX:
        return StorageCondition.AMBIENT
    if temp_max > REFRIGERATED_MAX:
        return StorageCondition.COOL
    if temp_max > FROZEN_MAX:
        return StorageCondition.REFRIGERATED
    return StorageCondition.FROZEN


def is_cold_chain(temp_min: Decimal | None, temp_max: Decimal | None) -> bool:
    """Whether goods stored in this range travel and arrive in the cold chain."""
    return storage_condition(temp_min, temp_max) in COLD_CHAIN
