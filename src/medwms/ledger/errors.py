"""Errors of the ledger."""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound, ValidationError


class BadMovement(ValidationError):
    code = "BAD_MOVEMENT"
    message_en = "Movement line {line} is invalid: {summary}"
    message_zh = "移动行 {line} 无效：{summary}"


class LocationBlocked(Conflict):
    code = "LOCATION_BLOCKED"
    message_en = "Location {location} is blocked: nothing may be put there."
    message_zh = "库位 {location} 已冻结，不能放入货物。"


class CrossWarehouseMovement(Conflict):
    code = "CROSS_WAREHOUSE_MOVEMENT"
    message_en = ("Line {line} moves stock from warehouse {source} to {target}: "
                  "use a transfer (out to IN_TRANSIT, then in).")
    message_zh = ("第 {line} 行跨仓库移动（{source} → {target}）："
                  "请使用调拨（先调出为在途，再调入）。")


class LotNotFound(NotFound):
    code = "LOT_NOT_FOUND"
    message_en = "Item {item} has no lot {lot}."
    message_zh = "物料 {item} 没有批号 {lot}。"
