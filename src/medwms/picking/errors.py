"""Refusals of the picking station, each with a stable code (verification's are in
medwms.verification.errors; it also raises UnknownGtin, SerialRequired and SerialNeedsOneUnit).

    NotFound
    ├── WaveNotFound              WAVE_NOT_FOUND
    └── UnknownGtin               UNKNOWN_GTIN
    Conflict
    └── WaveClosed                WAVE_CLOSED: cancelled, shipped or fully picked
    ScanRefused (the station shows red; nothing is written)
    ├── NotALocation              NOT_A_LOCATION
    ├── UnitScannedForLocation    UNIT_SCANNED_FOR_LOCATION
    ├── LocationNotOnWave         LOCATION_NOT_ON_WAVE
    ├── NotAUnit                  NOT_A_UNIT: a location/document where a unit belongs
    ├── LotRequired               LOT_REQUIRED
    ├── SerialRequired            SERIAL_REQUIRED
    ├── SerialNeedsOneUnit        SERIAL_NEEDS_ONE_UNIT
    ├── WrongItem                 WRONG_ITEM: not on this wave at this location
    ├── UnitOfAnotherWave         UNIT_OF_ANOTHER_WAVE
    ├── WrongLot                  WRONG_LOT: not allocated; a swap would expire later
    ├── RequiredLot               REQUIRED_LOT: the order names its lot/serial
    ├── RequiredSerial            REQUIRED_SERIAL: the order names another serial of the lot
    ├── AllocatedSerial           ALLOCATED_SERIAL: serials may not be substituted here
    ├── ShelfLifeTooShort         SHELF_LIFE_TOO_SHORT: swap below the customer's minimum
    ├── LotNotFree                LOT_NOT_FREE: the swap lot is reserved for other orders
    ├── UnitExpired               UNIT_EXPIRED
    ├── StockBlocked              STOCK_BLOCKED: QUARANTINE, HOLD, RECALLED, REJECTED …
    ├── NotAtLocation             NOT_AT_LOCATION: no such stock here
    ├── SerialAlreadyPicked       SERIAL_ALREADY_PICKED
    └── QuantityBeyondAllocation  QUANTITY_BEYOND_ALLOCATION
"""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound, ScanRefused


class WaveNotFound(NotFound):
    code = "WAVE_NOT_FOUND"
    message_en = "Wave {wave_no} was not found."
    message_zh = "未找到波次 {wave_no}。"


class UnknownGtin(NotFound):
    code = "UNKNOWN_GTIN"
    message_en = "GTIN {gtin} is not in master data: this unit is not on any order."
    message_zh = "GTIN {gtin} 不在主数据中：此货品不属于任何出库单。"


class WaveClosed(Conflict):
    code = "WAVE_CLOSED"
    message_en = "Wave {wave_no} is {status}: nothing more can be picked."
    message_zh = "波次 {wave_no} 状态为 {status}，不能再拣货。"


class NotALocation(ScanRefused):
    code = "NOT_A_LOCATION"
    message_en = "This is not a location barcode ({value}): scan the location label."
    message_zh = "这不是库位条码（{value}），请扫描库位标签。"


class UnitScannedForLocation(ScanRefused):
    code = "UNIT_SCANNED_FOR_LOCATION"
    message_en = "A unit was scanned where the location belongs: scan the location label first."
    message_zh = "此处应扫描库位，扫到的是货品条码：请先扫描库位标签。"


class LocationNotOnWave(ScanRefused):
    code = "LOCATION_NOT_ON_WAVE"
    message_en = "Nothing is to be picked at {location} for wave {wave_no}."
    message_zh = "波次 {wave_no} 在库位 {location} 没有要拣的货。"


class NotAUnit(ScanRefused):
    code = "NOT_A_UNIT"
    message_en = "A {kind_en} barcode ({value}) was scanned where a unit belongs: scan the UDI."
    message_zh = "此处应扫描货品，扫到的是{kind_zh}条码（{value}）：请扫描UDI条码。"


class LotRequired(ScanRefused):
    code = "LOT_REQUIRED"
    message_en = "Item {item} is tracked by lot: scan the barcode that carries the lot (10)."
    message_zh = "产品 {item} 按批号管理：请扫描含批号(10)的条码。"


class SerialRequired(ScanRefused):
    code = "SERIAL_REQUIRED"
    message_en = "Item {item} is tracked by serial: scan the barcode with the serial (21)."
    message_zh = "产品 {item} 按序列号管理：请扫描含序列号(21)的条码。"


class SerialNeedsOneUnit(ScanRefused):
    code = "SERIAL_NEEDS_ONE_UNIT"
    message_en = "Serial {serial} is one unit, not {quantity}: scan each unit."
    message_zh = "序列号 {serial} 只代表 1 件，不是 {quantity} 件：请逐件扫描。"


class WrongItem(ScanRefused):
    code = "WRONG_ITEM"
    message_en = "Wrong item: {item} is not to be picked at {location} for wave {wave_no}."
    message_zh = "拣错货品：波次 {wave_no} 在库位 {location} 不需要 {item}。"


class UnitOfAnotherWave(ScanRefused):
    code = "UNIT_OF_ANOTHER_WAVE"
    message_en = "{item} lot {lot} at {location} is reserved for wave {other_wave}, not {wave_no}."
    message_zh = "{item} 批号 {lot}（库位 {location}）已分配给波次 {other_wave}，不属于 {wave_no}。"


class WrongLot(ScanRefused):
    code = "WRONG_LOT"
    message_en = ("Wrong lot: {item} lot {lot} (expires {expiry}) was scanned; pick lot "
                  "{expected} (expires {expected_expiry}) or a lot expiring no later.")
    message_zh = ("批号错误：扫到 {item} 批号 {lot}（效期 {expiry}）；请拣批号 {expected}"
                  "（效期 {expected_expiry}）或效期不晚于它的批号。")


class RequiredLot(ScanRefused):
    code = "REQUIRED_LOT"
    message_en = "Wrong lot: the order asks for {item} lot {expected}{serial}, not {lot}."
    message_zh = "批号错误：出库单指定 {item} 批号 {expected}{serial}，不是 {lot}。"


class RequiredSerial(ScanRefused):
    code = "REQUIRED_SERIAL"
    message_en = ("Wrong serial: the order asks for {item} lot {lot} serial {expected}, "
                  "not {serial}.")
    message_zh = "序列号错误：出库单指定 {item} 批号 {lot} 序列号 {expected}，不是 {serial}。"


class AllocatedSerial(ScanRefused):
    code = "ALLOCATED_SERIAL"
    message_en = ("Wrong serial: pick {item} lot {lot} serial {expected}, not {serial} "
                  "(this warehouse does not substitute serials).")
    message_zh = ("序列号错误：请拣 {item} 批号 {lot} 序列号 {expected}，不是 {serial}"
                  "（本仓库不允许替换序列号）。")


class ShelfLifeTooShort(ScanRefused):
    code = "SHELF_LIFE_TOO_SHORT"
    message_en = ("Lot {lot} expires {expiry}: customer {customer} needs {required_days} days "
                  "left on {delivery}; pick lot {expected}.")
    message_zh = ("批号 {lot} 效期 {expiry}：客户 {customer} 要求在 {delivery} 仍有 "
                  "{required_days} 天效期；请拣批号 {expected}。")


class LotNotFree(ScanRefused):
    code = "LOT_NOT_FREE"
    message_en = "{item} lot {lot} at {location}: only {free} free, {quantity} scanned."
    message_zh = "{item} 批号 {lot}（库位 {location}）：仅 {free} 件未被占用，扫了 {quantity} 件。"


class UnitExpired(ScanRefused):
    code = "UNIT_EXPIRED"
    message_en = "{item} lot {lot} expired on {expiry}: do not pick it; report it to quality."
    message_zh = "{item} 批号 {lot} 已于 {expiry} 过期：不得拣货，请报告质量部门。"


class StockBlocked(ScanRefused):
    code = "STOCK_BLOCKED"
    message_en = "{item} lot {lot} at {location} is {stock_status}: it may not be picked."
    message_zh = "{item} 批号 {lot}（库位 {location}）状态为 {stock_status}，不得拣货。"


class NotAtLocation(ScanRefused):
    code = "NOT_AT_LOCATION"
    message_en = "{item} lot {lot}{serial} is not in stock at {location}: check the location."
    message_zh = "库位 {location} 没有 {item} 批号 {lot}{serial} 的库存：请核对库位。"


class SerialAlreadyPicked(ScanRefused):
    code = "SERIAL_ALREADY_PICKED"
    message_en = "Serial {serial} of {item} was already picked for wave {wave_no}."
    message_zh = "{item} 序列号 {serial} 已在波次 {wave_no} 中拣过。"


class QuantityBeyondAllocation(ScanRefused):
    code = "QUANTITY_BEYOND_ALLOCATION"
    message_en = ("Too many: {quantity} of {item} lot {lot} scanned, at most {remaining} "
                  "still to pick here.")
    message_zh = "数量超出：扫了 {item} 批号 {lot} {quantity} 件，此处最多还需拣 {remaining} 件。"
