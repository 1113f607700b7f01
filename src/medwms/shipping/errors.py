"""Shipping, transfer and return refusals, each with a stable code and words for the floor.

    NotFound
    ├── OrderNotFound             ORDER_NOT_FOUND
    ├── ShipmentNotFound          SHIPMENT_NOT_FOUND
    ├── ShippingUnitNotFound      SHIPPING_UNIT_NOT_FOUND: the SSCC is not a unit of this shipment
    ├── ReturnNotFound            RETURN_NOT_FOUND
    ├── UnknownGtin               SHIPPING_UNKNOWN_GTIN
    └── NoSiteLocation            NO_SITE_LOCATION
        ├── NoReceivingDock       NO_RECEIVING_DOCK
        └── NoReturnsLocation     NO_RETURNS_LOCATION
    Conflict
    ├── OrderNotVerified          ORDER_NOT_VERIFIED: no passed outbound review (复核), G26
    │   └── ReviewBlocked         REVIEW_BLOCKED: a "no" on the review checklist, open with QA
    ├── WrongShipmentStatus       SHIPMENT_NOT_PACKING, SHIPMENT_NOT_SHIPPED, NOT_A_TRANSFER,
    │                             NOT_A_CUSTOMER_SHIPMENT
    ├── NothingPacked             NOTHING_PACKED
    ├── UnpackedUnits             UNPACKED_UNITS: picked but not packed
    ├── ColdChainOutOfRange       COLD_CHAIN_OUT_OF_RANGE: dispatch temperature, G29
    ├── SerialStillInStock        RETURN_SERIAL_IN_STOCK
    └── NothingOutstanding        NOTHING_OUTSTANDING: a resolve beyond what is missing
    ScanRefused
    ├── ColdItemInAmbientBox      COLD_ITEM_IN_AMBIENT_BOX
    ├── NotPickedForOrder         UNIT_NOT_PICKED_FOR_ORDER
    ├── NotAUnit                  SHIPPING_NOT_A_UNIT
    ├── UnitExpired               SHIPPING_UNIT_EXPIRED
    ├── ArrivalTemperatureRequired ARRIVAL_TEMPERATURE_REQUIRED
    └── ReturnNotShipped          RETURN_UNIT_NOT_SHIPPED: resend with accept_flagged to accept
    ValidationError
    ├── ColdBoxDetailsRequired    COLD_BOX_DETAILS_REQUIRED: box, logger and temperature
    └── TransportRequired         CARRIER_REQUIRED, WAYBILL_REQUIRED (G28)
"""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound, ScanRefused, ValidationError


class OrderNotFound(NotFound):
    code = "ORDER_NOT_FOUND"
    message_en = "Outbound order {order_no} was not found."
    message_zh = "未找到出库单 {order_no}。"


class ShipmentNotFound(NotFound):
    code = "SHIPMENT_NOT_FOUND"
    message_en = "Shipment {shipment_no} was not found."
    message_zh = "未找到发货单 {shipment_no}。"


class ShippingUnitNotFound(NotFound):
    code = "SHIPPING_UNIT_NOT_FOUND"
    message_en = "Shipping unit {sscc} is not a unit of shipment {shipment_no}."
    message_zh = "物流单元 {sscc} 不属于发货单 {shipment_no}。"


class ReturnNotFound(NotFound):
    code = "RETURN_NOT_FOUND"
    message_en = "Return {return_no} was not found."
    message_zh = "未找到退货单 {return_no}。"


class UnknownGtin(NotFound):
    code = "SHIPPING_UNKNOWN_GTIN"
    message_en = "GTIN {gtin} is not in master data."
    message_zh = "GTIN {gtin} 不在主数据中。"


class NoSiteLocation(NotFound):
    code = "NO_SITE_LOCATION"
    message_en = "Warehouse {warehouse} has no usable location in a {zone_kind} zone."
    message_zh = "仓库 {warehouse} 没有可用的 {zone_kind} 区库位。"


class NoReceivingDock(NoSiteLocation):
    code = "NO_RECEIVING_DOCK"


class NoReturnsLocation(NoSiteLocation):
    code = "NO_RETURNS_LOCATION"


class OrderNotVerified(Conflict):
    code = "ORDER_NOT_VERIFIED"
    message_en = ("Order {order_no} is {status}: only an order whose outbound review (复核) "
                  "passed may be packed and shipped.")
    message_zh = "出库单 {order_no} 状态为 {status}：只有复核通过的出库单才能装箱发货。"


class ReviewBlocked(OrderNotVerified):
    code = "REVIEW_BLOCKED"
    message_en = ("Order {order_no} may not ship: at its outbound review on {day} unit {udi} "
                  "failed the checklist ({failed_en}); quality task {block_id} is open. "
                  "Quality must decide it before the order ships.")
    message_zh = ("出库单 {order_no} 不能发货：{day} 复核时货品 {udi} 检查项未通过"
                  "（{failed_zh}），质量任务 {block_id} 尚未处理。须经质量部门处理后方可发货。")


class WrongShipmentStatus(Conflict):
    code = "SHIPMENT_WRONG_STATUS"
    message_en = "Shipment {shipment_no} is {status}."
    message_zh = "发货单 {shipment_no} 状态为 {status}。"


class ShipmentNotPacking(WrongShipmentStatus):
    code = "SHIPMENT_NOT_PACKING"
    message_en = "Shipment {shipment_no} is {status}: it can no longer be packed or confirmed."
    message_zh = "发货单 {shipment_no} 状态为 {status}：不能再装箱或确认发货。"


class ShipmentNotShipped(WrongShipmentStatus):
    code = "SHIPMENT_NOT_SHIPPED"
    message_en = "Shipment {shipment_no} is {status}: it has not left the warehouse."
    message_zh = "发货单 {shipment_no} 状态为 {status}：尚未发出。"


class NotATransfer(WrongShipmentStatus):
    code = "NOT_A_TRANSFER"
    message_en = "Shipment {shipment_no} went to a customer, not to one of our warehouses."
    message_zh = "发货单 {shipment_no} 发往客户，不是仓间调拨。"


class NotACustomerShipment(WrongShipmentStatus):
    code = "NOT_A_CUSTOMER_SHIPMENT"
    message_en = "Shipment {shipment_no} is a transfer: receive it as a transfer, not a return."
    message_zh = "发货单 {shipment_no} 是仓间调拨：请按调拨收货，不能退货。"


class NothingPacked(Conflict):
    code = "NOTHING_PACKED"
    message_en = "Shipment {shipment_no} has nothing packed: scan the units into a unit first."
    message_zh = "发货单 {shipment_no} 尚未装箱：请先扫描货品装入物流单元。"


class UnpackedUnits(Conflict):
    code = "UNPACKED_UNITS"
    message_en = ("{item} lot {lot} serial {serial}: {picked} picked for the order but {packed} "
                  "packed; pack every picked unit before shipping.")
    message_zh = ("{item} 批号 {lot} 序列号 {serial}：已拣 {picked}，已装箱 {packed}；"
                  "请全部装箱后再发货。")


class ColdChainOutOfRange(Conflict):
    code = "COLD_CHAIN_OUT_OF_RANGE"
    message_en = ("Cold box {sscc}: temperature {temperature} °C is outside {item}'s range "
                  "{low}–{high} °C; the shipment is blocked.")
    message_zh = ("冷链箱 {sscc}：温度 {temperature} °C 超出 {item} 的范围 {low}–{high} °C，"
                  "禁止发货。")


class SerialStillInStock(Conflict):
    code = "RETURN_SERIAL_IN_STOCK"
    message_en = "Serial {serial} of {item} is still in our stock: it cannot come back as a return."
    message_zh = "{item} 序列号 {serial} 仍在库存中，不能作为退货收回。"


class NothingOutstanding(Conflict):
    code = "NOTHING_OUTSTANDING"
    message_en = ("Line {line_id} of shipment {shipment_no} has {outstanding} units outstanding, "
                  "{requested} asked for.")
    message_zh = "发货单 {shipment_no} 第 {line_id} 行在途未结 {outstanding}，请求 {requested}。"


class ColdItemInAmbientBox(ScanRefused):
    code = "COLD_ITEM_IN_AMBIENT_BOX"
    message_en = ("{item} must travel at {low}–{high} °C: pack it into a cold-chain shipping "
                  "unit, not ambient unit {sscc}.")
    message_zh = "{item} 需在 {low}–{high} °C 运输：请装入冷链物流单元，不能装入常温单元 {sscc}。"


class NotPickedForOrder(ScanRefused):
    code = "UNIT_NOT_PICKED_FOR_ORDER"
    message_en = ("{item} lot {lot} serial {serial}: {available} picked for order {order_no} "
                  "and not yet packed, {requested} scanned.")
    message_zh = ("{item} 批号 {lot} 序列号 {serial}：出库单 {order_no} 已拣未装箱 "
                  "{available}，扫描 {requested}。")


class NotAUnit(ScanRefused):
    code = "SHIPPING_NOT_A_UNIT"
    message_en = "This barcode is not a device unit: {value}."
    message_zh = "该条码不是器械单元：{value}。"


class UnitExpired(ScanRefused):
    code = "SHIPPING_UNIT_EXPIRED"
    message_en = "{item} lot {lot} expired on {expiry}: it must not be shipped."
    message_zh = "{item} 批号 {lot} 已于 {expiry} 过期，不得发货。"


class ArrivalTemperatureRequired(ScanRefused):
    code = "ARRIVAL_TEMPERATURE_REQUIRED"
    message_en = "{item} is cold-chain: enter the arrival temperature before receiving it."
    message_zh = "{item} 为冷链产品：收货前请录入到货温度。"


class ReturnNotShipped(ScanRefused):
    code = "RETURN_UNIT_NOT_SHIPPED"
    message_en = ("{item} lot {lot} serial {serial} ({quantity}): {flag}. Accept it flagged "
                  "into quarantine only after checking (accept_flagged).")
    message_zh = ("{item} 批号 {lot} 序列号 {serial}（{quantity}）：{flag_zh}。"
                  "核实后可标记接收入待验区（accept_flagged）。")


class ColdBoxDetailsRequired(ValidationError):
    code = "COLD_BOX_DETAILS_REQUIRED"
    message_en = "A cold-chain unit needs the box id, the logger id and the temperature: {summary}"
    message_zh = "冷链物流单元需录入箱号、温度记录仪编号和温度：{summary}"


class TransportRequired(ValidationError):
    code = "TRANSPORT_REQUIRED"
    message_en = "Transport record incomplete: {summary}"
    message_zh = "运输记录不完整：{summary}"


class CarrierRequired(TransportRequired):
    code = "CARRIER_REQUIRED"


class WaybillRequired(TransportRequired):
    code = "WAYBILL_REQUIRED"
