"""Master-data errors, each with a stable code and messages in English and Chinese."""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound


class UnknownKind(NotFound):
    code = "MASTERDATA_UNKNOWN_KIND"
    message_en = "There is no master-data kind {key}; the kinds are: {kinds}."
    message_zh = "没有主数据类型 {key}；可用的类型：{kinds}。"


class RecordNotFound(NotFound):
    code = "MASTERDATA_NOT_FOUND"
    message_en = "{what} {key} was not found."
    message_zh = "未找到{what} {key}。"


class UnknownGtin(NotFound):
    code = "UNKNOWN_GTIN"
    message_en = ("GTIN {gtin} is not a product in master data: set the unit aside and ask a "
                  "manager to add the item and its packaging level.")
    message_zh = ("GTIN {gtin} 不是主数据中的产品："
                  "请将货品放到一边，并请主管添加该产品及包装层级。")


class DuplicateRecord(Conflict):
    code = "MASTERDATA_DUPLICATE"
    message_en = "{what} {key} already exists."
    message_zh = "{what} {key} 已存在。"


class KeyChangeRefused(Conflict):
    code = "MASTERDATA_KEY_CHANGE"
    message_en = "The key of {what} {key} can't be changed; create a new record instead."
    message_zh = "{what} {key} 的编码不能修改，请新建记录。"


class CannotDeactivate(Conflict):
    code = "MASTERDATA_CANNOT_DEACTIVATE"
    message_en = "{what} records can't be deactivated (they have no active flag)."
    message_zh = "{what}记录不能停用（没有启用标志）。"
