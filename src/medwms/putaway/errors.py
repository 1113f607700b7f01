"""Refusals of the putaway station.

    ScanRefused (core, 422)
    ├── LocationScannedForUnit   LOCATION_SCANNED_FOR_UNIT: a location label where a unit is due
    ├── UnitScannedForLocation   UNIT_SCANNED_FOR_LOCATION: a unit where a location is due
    ├── NotAUnit                 NOT_A_UNIT_SCAN: a document or other barcode where a unit is due
    ├── NotALocation             NOT_A_LOCATION_SCAN: a document or other barcode for a location
    ├── NotReleasedYet           NOT_RELEASED_YET: the stock at the dock is still quarantined
    ├── StockAmbiguous           STOCK_AMBIGUOUS: the scan matches stock at several docks/statuses
    ├── HandlingUnitMixed        HU_MIXED: the SSCC holds several items, lots or statuses
    ├── QuantityTooLarge         PUTAWAY_QUANTITY_TOO_LARGE
    ├── LocationNotSuggested     LOCATION_NOT_SUGGESTED: another location without an override
    └── LocationRefused          a location the stock may never go to (no override):
        ├── PutawayLocationBlocked LOCATION_BLOCKED
        ├── RejectedNeedsRedZone   REJECTED_NEEDS_RED_ZONE
        ├── NotStorageZone         NOT_STORAGE_ZONE
        ├── TemperatureMismatch    TEMPERATURE_MISMATCH
        ├── OverCapacity           OVER_CAPACITY
        └── OtherWarehouse         LOCATION_OTHER_WAREHOUSE
    Conflict (core, 409)
    ├── NothingToPutAway         NOTHING_TO_PUT_AWAY: no released/rejected stock at a dock
    └── NoLocationFits           NO_LOCATION_FITS: no location passes the rules
"""

from __future__ import annotations

from medwms.core.errors import Conflict, ScanRefused
from medwms.putaway import rules


class LocationScannedForUnit(ScanRefused):
    code = "LOCATION_SCANNED_FOR_UNIT"
    message_en = "A location label ({location}) was scanned: scan the unit or handling unit first."
    message_zh = "扫描到库位标签（{location}）：请先扫描产品或物流单元条码。"


class UnitScannedForLocation(ScanRefused):
    code = "UNIT_SCANNED_FOR_LOCATION"
    message_en = "A unit barcode was scanned where a location is expected: scan the location label."
    message_zh = "此处应扫描库位条码，扫描到的是产品条码：请扫描库位标签。"


class NotAUnit(ScanRefused):
    code = "NOT_A_UNIT_SCAN"
    message_en = "This barcode names no unit or handling unit: scan the unit's UDI or the SSCC."
    message_zh = "该条码不是产品或物流单元条码：请扫描产品UDI或SSCC。"


class NotALocation(ScanRefused):
    code = "NOT_A_LOCATION_SCAN"
    message_en = "This barcode is not a location label: scan the location label."
    message_zh = "该条码不是库位标签：请扫描库位条码。"


class NotReleasedYet(ScanRefused):
    code = "NOT_RELEASED_YET"
    message_en = ("{item} lot {lot} at {location} is {stock_status}: not released yet, "
                  "it can't be put away before quality decides.")
    message_zh = ("{item} 批号 {lot} 在 {location} 状态为 "
                  "{stock_status}：尚未放行，质量判定前不能上架。")


class StockAmbiguous(ScanRefused):
    code = "STOCK_AMBIGUOUS"
    message_en = ("{item} lot {lot} waits at several places or in several statuses ({options}): "
                  "say which (status, from_location).")
    message_zh = "{item} 批号 {lot} 在多个位置或状态待上架（{options}）：请指定状态或来源库位。"


class HandlingUnitMixed(ScanRefused):
    code = "HU_MIXED"
    message_en = ("Handling unit {sscc} holds several items, lots, places or statuses: "
                  "break it and scan the units.")
    message_zh = "物流单元 {sscc} 含多个产品、批号、位置或状态：请拆开后逐个扫描。"


class QuantityTooLarge(ScanRefused):
    code = "PUTAWAY_QUANTITY_TOO_LARGE"
    message_en = "Only {available} units of {item} lot {lot} wait at {location}; {requested} asked."
    message_zh = "{item} 批号 {lot} 在 {location} 仅有 {available} 个待上架，请求 {requested} 个。"


class LocationNotSuggested(ScanRefused):
    code = "LOCATION_NOT_SUGGESTED"
    message_en = ("{location} is not the suggested location ({suggested}): scan {suggested}, "
                  "or override with a reason (needs the override permission).")
    message_zh = ("{location} 不是建议库位（{suggested}）：请扫描 "
                  "{suggested}，或填写原因强制上架（需授权）。")


class LocationRefused(ScanRefused):
    """A location these goods may never go to, override or not."""

    code = "LOCATION_REFUSED"
    message_en = ("Location {location} (zone {zone}, {zone_range}) refused for {item} "
                  "(storage {item_range}).")
    message_zh = ("库位 {location}（库区 {zone}，{zone_range}）不接收 "
                  "{item}（储存条件 {item_range}）。")


class PutawayLocationBlocked(LocationRefused):
    code = rules.BLOCKED
    message_en = ("Location {location} (zone {zone}, {zone_range}) is blocked: nothing may be "
                  "put there ({item}, storage {item_range}).")
    message_zh = ("库位 {location}（库区 {zone}，{zone_range}）已冻结，"
                  "不能放入 {item}（储存条件 {item_range}）。")


class RejectedNeedsRedZone(LocationRefused):
    code = rules.NEEDS_RED_ZONE
    message_en = ("{item} is REJECTED: it goes only to the red (nonconforming) zone, not to "
                  "{location} (zone {zone}, {zone_range}; storage {item_range}).")
    message_zh = ("{item} 为不合格品：只能放入红色不合格品区，不能放入 {location}"
                  "（库区 {zone}，{zone_range}；储存条件 {item_range}）。")


class NotStorageZone(LocationRefused):
    code = rules.NOT_STORAGE
    message_en = ("{location} (zone {zone}, {zone_range}) is not a storage location: released "
                  "{item} (storage {item_range}) goes to a storage zone.")
    message_zh = ("{location}（库区 {zone}，{zone_range}）不是合格品存储库位："
                  "{item}（储存条件 {item_range}）应放入存储区。")


class TemperatureMismatch(LocationRefused):
    code = rules.TEMPERATURE
    message_en = ("Location {location} (zone {zone}, {zone_range}) does not fit {item}'s "
                  "storage range {item_range}.")
    message_zh = ("库位 {location}（库区 {zone}，温度 {zone_range}）不符合 "
                  "{item} 的储存温度 {item_range}。")


class OverCapacity(LocationRefused):
    code = rules.CAPACITY
    message_en = ("Location {location} (zone {zone}, {zone_range}) holds {units} of {capacity}: "
                  "{quantity} more of {item} (storage {item_range}) do not fit.")
    message_zh = ("库位 {location}（库区 {zone}，{zone_range}）已有 {units}/{capacity}："
                  "放不下 {quantity} 个 {item}（储存条件 {item_range}）。")


class OtherWarehouse(LocationRefused):
    code = "LOCATION_OTHER_WAREHOUSE"
    message_en = ("Location {location} (zone {zone}, {zone_range}) is in another warehouse than "
                  "the {item} (storage {item_range}) being put away.")
    message_zh = ("库位 {location}（库区 {zone}，{zone_range}）与待上架的 "
                  "{item}（储存条件 {item_range}）不在同一仓库。")


REFUSALS: dict[str, type[LocationRefused]] = {
    cls.code: cls for cls in (PutawayLocationBlocked, RejectedNeedsRedZone, NotStorageZone,
                              TemperatureMismatch, OverCapacity)}


class NothingToPutAway(Conflict):
    code = "NOTHING_TO_PUT_AWAY"
    message_en = ("No released or rejected stock of {what} waits at a receiving dock "
                  "(already put away?).")
    message_zh = "{what} 没有在收货区待上架的合格或不合格库存（是否已上架？）。"


class NoLocationFits(Conflict):
    code = "NO_LOCATION_FITS"
    message_en = "No location fits {item} lot {lot} ({quantity} units, {stock_status}): {why_en}."
    message_zh = "没有适合 {item} 批号 {lot}（{quantity} 个，{stock_status}）的库位：{why_zh}。"
