"""Receiving refusals, each with a stable code and words for the receiver.

    NotFound
    ├── ReceiptNotFound          RECEIPT_NOT_FOUND
    ├── NoticeNotFound           NOTICE_NOT_FOUND
    ├── UnknownGtin              UNKNOWN_GTIN: add it in master data (field `gtin`)
    └── NoReceivingDock          NO_RECEIVING_DOCK
    Conflict
    ├── ReceiptClosed            RECEIPT_CLOSED
    ├── NoticeClosed             NOTICE_CLOSED
    ├── NoticeExists             NOTICE_EXISTS
    ├── LotConflict              LOT_CONFLICT: the barcode contradicts the known lot
    ├── SerialInStock            SERIAL_IN_STOCK
    ├── SerialScannedTwice       SERIAL_SCANNED_TWICE
    ├── OverNotice               QUANTITY_OVER_NOTICE: a manager must confirm
    ├── ArrivalAlreadyRecorded   ARRIVAL_ALREADY_RECORDED
    ├── HandoverIncomplete       HANDOVER_INCOMPLETE: no closing without the note + signatures
    └── HandoverAlreadyRecorded  HANDOVER_ALREADY_RECORDED
    ScanRefused
    ├── NotAUnit                 NOT_A_UNIT: a location/document barcode where a unit belongs
    ├── ValueRequired            LOT_REQUIRED / SERIAL_REQUIRED / EXPIRY_REQUIRED (`missing`)
    ├── ScannedValueMismatch     SCANNED_VALUE_MISMATCH: keyed value ≠ barcode
    ├── SerialNeedsOneUnit       SERIAL_NEEDS_ONE_UNIT
    ├── PackagingOutOfUse        PACKAGING_OUT_OF_USE: the GTIN's packaging level is out of use
    ├── SupplierNotQualified     SUPPLIER_LICENCE_INVALID
    ├── ItemNotRegistered        ITEM_REGISTRATION_INVALID
    ├── UnitExpired              UNIT_EXPIRED
    ├── ShelfLifeTooShort        SHELF_LIFE_TOO_SHORT
    └── ArrivalRequired          ARRIVAL_REQUIRED: cold chain needs temperature and logger
"""

from __future__ import annotations

from typing import Any

from medwms.core.errors import Conflict, NotFound, ScanRefused


class ReceiptNotFound(NotFound):
    code = "RECEIPT_NOT_FOUND"
    message_en = "Receipt {receipt_no} was not found."
    message_zh = "未找到收货单 {receipt_no}。"


class NoticeNotFound(NotFound):
    code = "NOTICE_NOT_FOUND"
    message_en = "Advance notice {notice_no} was not found."
    message_zh = "未找到到货通知 {notice_no}。"


class UnknownGtin(NotFound):
    code = "UNKNOWN_GTIN"
    message_en = ("GTIN {gtin} is not in master data: a manager must add the item and its "
                  "packaging level in master data before it can be received.")
    message_zh = "GTIN {gtin} 不在主数据中：请主管先在主数据中添加该产品及包装层级，再收货。"


class NoReceivingDock(NotFound):
    code = "NO_RECEIVING_DOCK"
    message_en = "Warehouse {warehouse} has no usable location in a RECEIVING zone{detail}."
    message_zh = "仓库 {warehouse} 没有可用的收货区库位{detail}。"


class ReceiptClosed(Conflict):
    code = "RECEIPT_CLOSED"
    message_en = "Receipt {receipt_no} is closed: nothing more can be received or changed."
    message_zh = "收货单 {receipt_no} 已关闭，不能再收货或修改。"


class NoticeClosed(Conflict):
    code = "NOTICE_CLOSED"
    message_en = "Advance notice {notice_no} is closed: open a receipt against a PO instead."
    message_zh = "到货通知 {notice_no} 已关闭，请按采购单号收货。"


class NoticeExists(Conflict):
    code = "NOTICE_EXISTS"
    message_en = "Advance notice {notice_no} already exists."
    message_zh = "到货通知 {notice_no} 已存在。"


class LotConflict(Conflict):
    code = "LOT_CONFLICT"
    message_en = ("Lot {lot} of {item} is known with {what_en} {known}, the barcode says "
                  "{scanned}: set the unit aside and tell quality; nothing was changed.")
    message_zh = ("{item} 批号 {lot} 已登记的{what_zh}为 {known}，条码为 {scanned}："
                  "请将货品放到一边并通知质管，未做任何更改。")


class SerialInStock(Conflict):
    code = "SERIAL_IN_STOCK"
    message_en = "Serial {serial} of {item} is already in stock ({location}): refused."
    message_zh = "{item} 序列号 {serial} 已在库（{location}），拒收。"


class SerialScannedTwice(Conflict):
    code = "SERIAL_SCANNED_TWICE"
    message_en = "Serial {serial} of {item} was already received on this receipt."
    message_zh = "{item} 序列号 {serial} 已在本收货单中收过。"


class OverNotice(Conflict):
    code = "QUANTITY_OVER_NOTICE"
    message_en = ("{item} lot {lot}: the notice expects {expected}, {received} received, "
                  "this scan adds {quantity}: a manager must confirm the over-delivery.")
    message_zh = ("{item} 批号 {lot}：通知数量 {expected}，已收 {received}，本次 {quantity}，"
                  "超出通知，需主管确认。")


class ArrivalAlreadyRecorded(Conflict):
    code = "ARRIVAL_ALREADY_RECORDED"
    message_en = ("Receipt {receipt_no} already has arrival {temperature} °C, logger "
                  "{logger_id}: it is not overwritten.")
    message_zh = ("收货单 {receipt_no} 已记录到货温度 {temperature} °C、"
                  "记录仪 {logger_id}，不会覆盖。")


class NotAUnit(ScanRefused):
    code = "NOT_A_UNIT"
    message_en = "This is a {kind_en} barcode ({value}): scan the UDI barcode of the unit."
    message_zh = "这是{kind_zh}条码（{value}），请扫描货品的UDI条码。"


REQUIRED_WORDS = {"LOT": ("lot number", "批号"), "SERIAL": ("serial number", "序列号"),
                  "EXPIRY": ("expiry date", "失效日期")}


class ValueRequired(ScanRefused):
    """The item's tracking needs a value the barcode lacks: the station asks for it."""

    code = "VALUE_REQUIRED"
    missing = ""
    message_en = "{item} needs a {what_en}, the barcode has none: enter it and scan again."
    message_zh = "{item} 需要{what_zh}，条码中没有：请输入后重新扫描。"

    def __init__(self, **fields: Any) -> None:
        en, zh = REQUIRED_WORDS[self.missing]
        super().__init__(missing=self.missing.lower(), what_en=en, what_zh=zh, **fields)


class LotRequired(ValueRequired):
    code = "LOT_REQUIRED"
    missing = "LOT"


class SerialRequired(ValueRequired):
    code = "SERIAL_REQUIRED"
    missing = "SERIAL"


class ExpiryRequired(ValueRequired):
    code = "EXPIRY_REQUIRED"
    missing = "EXPIRY"


REQUIRED: dict[str, type[ValueRequired]] = {
    "LOT": LotRequired, "SERIAL": SerialRequired, "EXPIRY": ExpiryRequired}


class ScannedValueMismatch(ScanRefused):
    code = "SCANNED_VALUE_MISMATCH"
    message_en = "The barcode says {what} {scanned}, but {typed} was entered: check the label."
    message_zh = "条码中的{what}为 {scanned}，输入的是 {typed}：请核对标签。"


class PackagingOutOfUse(ScanRefused):
    code = "PACKAGING_OUT_OF_USE"
    message_en = ("GTIN {gtin} ({item}, {level}) is out of use in master data: no new stock "
                  "is received under it. Set the unit aside and ask a manager (put the "
                  "packaging level back in use, or receive under its current GTIN).")
    message_zh = ("GTIN {gtin}（{item}，{level}）在主数据中已停用，不能按此 GTIN 收货。"
                  "请将货品放到一边并联系主管（重新启用该包装层级，或按现行 GTIN 收货）。")


class SerialNeedsOneUnit(ScanRefused):
    code = "SERIAL_NEEDS_ONE_UNIT"
    message_en = ("{item} is serial-tracked: scan each unit ({quantity} units were scanned "
                  "under one serial).")
    message_zh = "{item} 按序列号管理：请逐件扫描（一个序列号扫了 {quantity} 件）。"


class SupplierNotQualified(ScanRefused):
    code = "SUPPLIER_LICENCE_INVALID"
    message_en = "Supplier {supplier}: licence {licence} {why_en}; receiving is refused."
    message_zh = "供应商 {supplier}：经营许可证 {licence} {why_zh}，拒收。"


class ItemNotRegistered(ScanRefused):
    code = "ITEM_REGISTRATION_INVALID"
    message_en = "{item}: registration certificate {registration} {why_en}; receiving is refused."
    message_zh = "{item}：注册证 {registration} {why_zh}，拒收。"


class UnitExpired(ScanRefused):
    code = "UNIT_EXPIRED"
    message_en = "Lot {lot} of {item} expired on {expiry}: refused."
    message_zh = "{item} 批号 {lot} 已于 {expiry} 过期，拒收。"


class ShelfLifeTooShort(ScanRefused):
    code = "SHELF_LIFE_TOO_SHORT"
    message_en = ("Lot {lot} expires {expiry}: {days_left} days left, this item needs "
                  "{required_days} on receipt.")
    message_zh = ("批号 {lot} 失效日期 {expiry}：剩余 {days_left} 天，"
                  "该产品收货要求至少 {required_days} 天。")


class ArrivalRequired(ScanRefused):
    code = "ARRIVAL_REQUIRED"
    message_en = ("{item} is cold-chain ({temp_min}–{temp_max} °C): record the arrival "
                  "temperature and the transport logger id first.")
    message_zh = ("{item} 为冷链产品（{temp_min}–{temp_max} °C）："
                  "请先记录到货温度和运输温度记录仪编号。")


class HandoverIncomplete(Conflict):
    code = "HANDOVER_INCOMPLETE"
    message_en = ("Receipt {receipt_no} from {supplier} cannot be completed on {day}: "
                  "{missing_en} missing (GSP receiving handover: the delivery note kept, "
                  "the deliverer's and the receiver's signatures, the transport temperature "
                  "record for cold goods). Record the handover first.")
    message_zh = ("收货单 {receipt_no}（供应商 {supplier}）于 {day} 不能完成：缺少{missing_zh}"
                  "（GSP收货交接：须留存随货同行单，送货人与收货人双方签字，冷链货品须附运输温度记录）。"
                  "请先登记交接。")


class HandoverAlreadyRecorded(Conflict):
    code = "HANDOVER_ALREADY_RECORDED"
    message_en = ("The handover of receipt {receipt_no} was already signed by {deliverer} and "
                  "{receiver}: a signed handover is not changed.")
    message_zh = "收货单 {receipt_no} 的交接已由 {deliverer} 与 {receiver} 签字，不能再修改。"
