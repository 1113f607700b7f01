"""Orders, allocation and waves: refusals, each with a stable code and words for people.

    NotFound
    ├── OrderNotFound            ORDER_NOT_FOUND
    ├── WaveNotFound             WAVE_NOT_FOUND
    └── NoStagingLocation        NO_STAGING_LOCATION: the warehouse has no SHIPPING-zone location
    Conflict
    ├── OrderExists              ORDER_EXISTS
    ├── CustomerNotQualified     CUSTOMER_LICENCE_INVALID (G24): missing, expired or inactive
    ├── ItemNotRegistered        ITEM_REGISTRATION_INVALID (G23): missing or lapsed
    ├── OrderNotAllocatable      ORDER_NOT_ALLOCATABLE: status (picking, shipped, cancelled…)
    ├── OrderNotCancellable      ORDER_NOT_CANCELLABLE: units already picked / shipped
    ├── OrderInWave              ORDER_IN_WAVE: already in another wave
    └── NothingAllocated         NOTHING_ALLOCATED: an order of the wave has no stock reserved
    ValidationError
    ├── OrderInvalid             ORDER_INVALID: every problem of the order, with line and column
    ├── StagingNotShipping       STAGING_NOT_SHIPPING: staging must be in a SHIPPING zone
    └── WaveInvalid              WAVE_INVALID: no orders, orders of several warehouses
"""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound, ValidationError


class OrderNotFound(NotFound):
    code = "ORDER_NOT_FOUND"
    message_en = "Order {order_no} was not found."
    message_zh = "未找到出库单 {order_no}。"


class WaveNotFound(NotFound):
    code = "WAVE_NOT_FOUND"
    message_en = "Wave {wave_no} was not found."
    message_zh = "未找到波次 {wave_no}。"


class NoStagingLocation(NotFound):
    code = "NO_STAGING_LOCATION"
    message_en = "Warehouse {warehouse} has no location in a SHIPPING zone to stage a wave."
    message_zh = "仓库 {warehouse} 没有发货区库位，无法集货。"


class OrderExists(Conflict):
    code = "ORDER_EXISTS"
    message_en = "Order {order_no} already exists."
    message_zh = "出库单 {order_no} 已存在。"


class CustomerNotQualified(Conflict):
    code = "CUSTOMER_LICENCE_INVALID"
    message_en = ("Customer {customer}: licence {licence} {why_en} (GSP customer file); "
                  "the order is refused.")
    message_zh = "购货单位 {customer}：许可证 {licence} {why_zh}（购货者档案），拒绝出库。"


class ItemNotRegistered(Conflict):
    code = "ITEM_REGISTRATION_INVALID"
    message_en = "{item}: registration certificate {registration} {why_en}; it may not be sold."
    message_zh = "{item}：注册证 {registration} {why_zh}，不得销售。"


class OrderNotAllocatable(Conflict):
    code = "ORDER_NOT_ALLOCATABLE"
    message_en = "Order {order_no} is {status}: it cannot be allocated now."
    message_zh = "出库单 {order_no} 状态为 {status}，现在不能分配库存。"


class OrderNotCancellable(Conflict):
    code = "ORDER_NOT_CANCELLABLE"
    message_en = "Order {order_no} is {status}: {why}"
    message_zh = "出库单 {order_no} 状态为 {status}：{why}"


class OrderInWave(Conflict):
    code = "ORDER_IN_WAVE"
    message_en = "Order {order_no} is already in wave {wave_no}."
    message_zh = "出库单 {order_no} 已在波次 {wave_no} 中。"


class NothingAllocated(Conflict):
    code = "NOTHING_ALLOCATED"
    message_en = ("Order {order_no} has no stock allocated (see its backorder reasons): "
                  "take it out of the wave.")
    message_zh = "出库单 {order_no} 没有分配到任何库存（见缺货原因），请从波次中移除。"


class OrderInvalid(ValidationError):
    code = "ORDER_INVALID"
    message_en = "The order was refused, nothing was written: {summary}"
    message_zh = "出库单被拒绝，未写入任何数据：{summary}"


class StagingNotShipping(ValidationError):
    code = "STAGING_NOT_SHIPPING"
    message_en = ("Location {location} is not in a SHIPPING zone of warehouse {warehouse}: "
                  "a wave is staged in the dispatch area.")
    message_zh = "库位 {location} 不在仓库 {warehouse} 的发货区：波次须在发货区集货。"

    def __init__(self, **fields: object) -> None:
        super().__init__(f"location {fields.get('location')} is not a staging location",
                         **fields)


class WaveInvalid(ValidationError):
    code = "WAVE_INVALID"
    message_en = "The wave was refused: {summary}"
    message_zh = "波次被拒绝：{summary}"
