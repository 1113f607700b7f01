"""Refusals of a scan: one `ScanError` subclass per stable code.

    ScanRefused (core)
    └── ScanError                     base of every refused scan; `code` says which
        ├── EmptyError                EMPTY: nothing was read
        ├── NotRecognisedError        NOT_RECOGNISED: not a UDI, location or document barcode
        ├── UnsupportedSymbologyError UNSUPPORTED_SYMBOLOGY: e.g. ISBT 128
        ├── CapsLockError             CAPS_LOCK: the keyboard wedge typed with Caps Lock on
        ├── BadCheckDigitError        BAD_CHECK_DIGIT: GTIN/SSCC/GLN mod-10 or HIBC mod-43
        ├── AllZerosError             ALL_ZEROS: a GTIN/SSCC/GLN of zeros (a placeholder)
        ├── BadDateError              BAD_DATE
        ├── UnknownAIError            UNKNOWN_AI: a GS1 AI, HIBC or MA field we do not know
        ├── BadLengthError            BAD_LENGTH
        ├── BadCharacterError         BAD_CHARACTER
        ├── TruncatedError            TRUNCATED: the data stops in the middle of a field
        ├── MissingRequiredAIError    MISSING_REQUIRED_AI: e.g. a lot without a GTIN (GS1 req=)
        ├── InvalidPairError          INVALID_PAIR: two AIs GS1 forbids together (GS1 ex=)
        ├── ConflictingRepeatError    CONFLICTING_REPEAT: one AI twice, with different values
        ├── EmptyValueError           EMPTY_VALUE: an AI with nothing after it (`?17=`)
        ├── NoSeparatorError          NO_SEPARATOR: a variable-length AI runs into the next one
        ├── BadLinkError              BAD_LINK: a GS1 Digital Link whose path is malformed
        └── LinkMismatchError         LINK_MISMATCH: HIBC secondary of another primary

Every error carries `what_en`, `what_zh` (the field, named for a person) and `value`.
"""

from __future__ import annotations

from typing import Any

from medwms.barcode.gs1_rules import RULES
from medwms.core.errors import ScanRefused

# What a field is called on the floor, in English and Chinese.
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "00": ("SSCC (00)", "物流单元代码SSCC(00)"),
    "01": ("GTIN (01)", "产品标识GTIN(01)"),
    "02": ("content GTIN (02)", "内含产品GTIN(02)"),
    "10": ("lot (10)", "批号(10)"),
    "11": ("production date (11)", "生产日期(11)"),
    "17": ("expiry date (17)", "失效日期(17)"),
    "21": ("serial number (21)", "序列号(21)"),
    "30": ("quantity (30)", "数量(30)"),
    "37": ("count of units (37)", "数量(37)"),
    "414": ("location GLN (414)", "库位GLN(414)"),
    "03": ("made-to-order GTIN (03)", "定制产品GTIN(03)"),
    "22": ("consumer product variant (22)", "消费产品变体(22)"),
    "235": ("third-party serial (235)", "第三方序列号(235)"),
    "240": ("additional product ID (240)", "附加产品标识(240)"),
    "241": ("customer part number (241)", "客户部件号(241)"),
    "250": ("secondary serial number (250)", "二级序列号(250)"),
    "254": ("GLN extension (254)", "GLN扩展码(254)"),
    "255": ("coupon code GCN (255)", "全球优惠券代码GCN(255)"),
    "7003": ("expiry date and time (7003)", "失效日期时间(7003)"),
    "7007": ("harvest date (7007)", "收获日期(7007)"),
    "8003": ("returnable asset GRAI (8003)", "可回收资产GRAI(8003)"),
    "8006": ("piece of a trade item ITIP (8006)", "单件贸易项目ITIP(8006)"),
    "8008": ("production date and time (8008)", "生产日期时间(8008)"),
    "8026": ("pieces contained ITIP (8026)", "内含单件贸易项目ITIP(8026)"),
    "HIBC": ("HIBC data", "HIBC数据"),
    "MA": ("MA code", "MA码"),
    "LOCATION": ("location code", "库位码"),
    "DOCUMENT": ("document number", "单据号"),
}


def field_names(what: str) -> tuple[str, str]:
    """The English and Chinese name of a field (an AI, or a key of FIELD_NAMES)."""
    if what in FIELD_NAMES:
        return FIELD_NAMES[what]
    if what in RULES:  # GS1's own title of the AI, for the English
        return f"{RULES[what].title.lower()} ({what})", f"字段({what})"
    return (f"field ({what})", f"字段({what})") if what else ("barcode", "条码")


def alternatives(needs: str) -> tuple[str, str]:
    """GS1's `01,02+37` as words: `GTIN (01) or content GTIN (02) with count (37)`."""
    groups = [[field_names(ai) for ai in group.split("+")] for group in needs.split(",")]
    en = [" with ".join(name[0] for name in group) for group in groups]
    zh = ["与".join(name[1] for name in group) for group in groups]
    if len(groups) == 1:
        return en[0], zh[0]
    return ", ".join(en[:-1]) + " or " + en[-1], "、".join(zh[:-1]) + "或" + zh[-1]


class ScanError(ScanRefused):
    """A scan the station must refuse, with a stable `code` and words for the picker."""

    code = "SCAN_ERROR"
    message_en = "The barcode could not be read: scan again."
    message_zh = "条码无法识别，请重新扫描。"

    def __init__(self, *, what: str = "", value: str = "", **fields: Any) -> None:
        what_en, what_zh = field_names(what)
        fields.setdefault("reason", self.code)
        super().__init__(what=what, what_en=what_en, what_zh=what_zh,
                         value=value, **fields)


class EmptyError(ScanError):
    code = "EMPTY"
    message_en = "Nothing was read: scan again."
    message_zh = "未读到任何内容，请重新扫描。"


class NotRecognisedError(ScanError):
    code = "NOT_RECOGNISED"
    message_en = ("This is not a UDI, location or document barcode: "
                  "scan the UDI barcode (GS1 or HIBC) on the label.")
    message_zh = "无法识别此条码（不是UDI、库位或单据条码），请扫描标签上的UDI条码（GS1或HIBC）。"


class UnsupportedSymbologyError(ScanError):
    code = "UNSUPPORTED_SYMBOLOGY"
    message_en = ("This kind of barcode ({value}) is not used here: "
                  "scan the GS1 or HIBC barcode on the label.")
    message_zh = "不支持此类条码（{value}），请扫描标签上的GS1或HIBC条码。"


class CapsLockError(ScanError):
    code = "CAPS_LOCK"
    message_en = "Caps Lock is on: turn Caps Lock off and scan again."
    message_zh = "键盘大写锁定（Caps Lock）已打开：请关闭大写锁定后重新扫描。"


class BadCheckDigitError(ScanError):
    code = "BAD_CHECK_DIGIT"
    message_en = ("The check digit of the {what_en} {value} is wrong: the barcode is damaged "
                  "or misprinted. Scan it again; if it fails again, set the item aside.")
    message_zh = ("{what_zh} {value} 校验位错误：条码可能损坏或印错。"
                  "请重新扫描，仍失败请将货品放到一边。")


class AllZerosError(ScanError):
    code = "ALL_ZEROS"
    message_en = ("The {what_en} {value} is all zeros: a placeholder, not a product. "
                  "Scan the UDI barcode on the label, or set the item aside.")
    message_zh = ("{what_zh} {value} 全为零：这是占位符，不是产品。"
                  "请扫描标签上的UDI条码，或将货品放到一边。")


class BadDateError(ScanError):
    code = "BAD_DATE"
    message_en = "The {what_en} {value} is not a valid date: check the label."
    message_zh = "{what_zh} {value} 不是有效日期，请核对标签。"


class UnknownAIError(ScanError):
    code = "UNKNOWN_AI"
    message_en = "The barcode contains an unknown field ({value}): scan the UDI barcode."
    message_zh = "条码中有无法识别的字段（{value}），请扫描UDI条码。"


class BadLengthError(ScanError):
    code = "BAD_LENGTH"
    message_en = "The {what_en} has the wrong length ({value}): check the label."
    message_zh = "{what_zh} 长度不正确（{value}），请核对标签。"


class BadCharacterError(ScanError):
    code = "BAD_CHARACTER"
    message_en = ("The barcode contains a character that is not allowed ({value!r}): "
                  "check the scanner's keyboard settings and scan again.")
    message_zh = "条码中含有不允许的字符（{value!r}）：请检查扫描枪键盘设置后重新扫描。"


class TruncatedError(ScanError):
    code = "TRUNCATED"
    message_en = "The barcode was read only in part (it stops in the {what_en}): scan again."
    message_zh = "条码未读完整（在{what_zh}处中断），请重新扫描。"


class MissingRequiredAIError(ScanError):
    """`needs` is GS1's req= list (`01,02,8006`): any one group of it would have done."""

    code = "MISSING_REQUIRED_AI"
    message_en = ("This barcode has a {what_en} but not what GS1 requires with it: {needs_en}. "
                  "Scan the barcode on the label that carries it.")
    message_zh = ("此条码有{what_zh}，但缺少GS1规定必须同时出现的{needs_zh}："
                  "请扫描标签上带有它的条码。")

    def __init__(self, *, what: str = "", value: str = "", **fields: Any) -> None:
        fields["needs_en"], fields["needs_zh"] = alternatives(str(fields.get("needs", "01")))
        super().__init__(what=what, value=value, **fields)


class InvalidPairError(ScanError):
    """`other` is the AI that GS1 forbids beside `what` (its ex= list)."""

    code = "INVALID_PAIR"
    message_en = ("GS1 does not allow the {what_en} and the {other_en} in one barcode: "
                  "the label is made wrongly. Set the item aside and report the label.")
    message_zh = ("GS1不允许{what_zh}与{other_zh}出现在同一条码中：标签制作错误。"
                  "请将货品放到一边并报告此标签。")

    def __init__(self, *, what: str = "", value: str = "", **fields: Any) -> None:
        fields["other_en"], fields["other_zh"] = field_names(str(fields.get("other", "")))
        super().__init__(what=what, value=value, **fields)


class ConflictingRepeatError(ScanError):
    code = "CONFLICTING_REPEAT"
    message_en = ("The barcode gives the {what_en} twice, with different values ({value} and "
                  "{second}): which one is right cannot be told. Set the item aside and report "
                  "the label.")
    message_zh = ("条码中{what_zh}出现两次且值不同（{value} 和 {second}）：无法判断哪一个正确。"
                  "请将货品放到一边并报告此标签。")


class EmptyValueError(ScanError):
    code = "EMPTY_VALUE"
    message_en = ("The {what_en} in this barcode is empty: the field is there but has no value. "
                  "Check the label; if the value is missing there too, set the item aside.")
    message_zh = ("此条码中的{what_zh}为空：有此字段但没有值。"
                  "请核对标签；标签上也缺少时请将货品放到一边。")


class NoSeparatorError(ScanError):
    code = "NO_SEPARATOR"
    message_en = ("The {what_en} is not followed by a separator (GS), so where it ends cannot "
                  "be told ({value}): check that the scanner sends GS. If it does, the label is "
                  "misprinted: set the item aside.")
    message_zh = ("{what_zh}后面缺少分隔符（GS），无法判断它在哪里结束（{value}）："
                  "请检查扫描枪是否发送GS；若已发送，则标签印错，请将货品放到一边。")


class BadLinkError(ScanError):
    code = "BAD_LINK"
    message_en = ("This GS1 Digital Link is malformed ({value}): its path must be one key, then "
                  "its qualifiers in GS1's order, each once and with a value. Scan the other "
                  "barcode on the label, or set the item aside.")
    message_zh = ("此GS1数字链接格式错误（{value}）：路径须为一个标识代码，"
                  "其后按GS1规定顺序列出限定符，每个只出现一次且有值。"
                  "请扫描标签上的另一个条码，或将货品放到一边。")


class BadPieceOfTotalError(ScanError):
    code = "BAD_PIECE_OF_TOTAL"
    message_en = ("The {what_en} {value} names a piece that cannot be: its last four digits are "
                  "the piece number and the number of pieces, each 01 to 99, the piece not above "
                  "the total. The label is misprinted: set the item aside and report the label.")
    message_zh = ("{what_zh} {value} 的件号不可能成立：最后四位应为件号和总件数，均为01至99，"
                  "且件号不大于总件数。标签印错，请将货品放到一边并报告此标签。")


class ItipPieceError(ScanError):
    code = "ITIP_PIECE"
    message_en = ("This barcode marks one piece of a trade item delivered in several pieces "
                  "({what_en} {value}): stock is kept in whole trade items. Scan the barcode "
                  "of the whole item, with its GTIN (01).")
    message_zh = ("此条码标识分件交付的贸易项目中的一件（{what_zh} {value}）：库存按整件货品管理。"
                  "请扫描整件货品的条码（含GTIN(01)）。")


class LinkMismatchError(ScanError):
    code = "LINK_MISMATCH"
    message_en = ("The second HIBC barcode (link {value}) belongs to another product: "
                  "scan both barcodes of the same label.")
    message_zh = "第二个HIBC条码（链接字符 {value}）属于另一产品，请扫描同一标签上的两个条码。"


_BY_CODE: dict[str, type[ScanError]] = {
    cls.code: cls
    for cls in (
        EmptyError, NotRecognisedError, UnsupportedSymbologyError, CapsLockError,
        BadCheckDigitError, AllZerosError, BadDateError, UnknownAIError, BadLengthError,
        BadCharacterError, TruncatedError, MissingRequiredAIError, InvalidPairError,
        ConflictingRepeatError, EmptyValueError, NoSeparatorError, BadLinkError,
        LinkMismatchError, BadPieceOfTotalError, ItipPieceError,
    )
}

SCAN_ERROR_CODES: frozenset[str] = frozenset(_BY_CODE)


def refuse(code: str, *, what: str = "", value: str = "", **fields: Any) -> ScanError:
    """The ScanError for `code` (one of SCAN_ERROR_CODES), ready to raise."""
    return _BY_CODE.get(code, NotRecognisedError)(what=what, value=value, **fields)
