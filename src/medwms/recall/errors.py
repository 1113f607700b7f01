"""Recall and trace refusals, each with a stable code and a message naming the values.

    NoSuchLot(NotFound)              404  the GTIN has no such lot / serial / range
    RecallNotFound(NotFound)         404  no recall case with that number
    ConsigneeNotInRecall(NotFound)   404  the partner did not receive units of the recall
    EmptyScope(ValidationError)      422  a recall names no lot, serial or date range
    BadRecall(ValidationError)       422  risk class, dates or report figures are wrong
    SignatureRequired(ValidationError) 422  closing without the password (e-signature)
    RecallClosed(Conflict)           409  the case is already closed
    NotRecallRedZone(Conflict)       409  a recalled return must go into a REJECTED-kind zone
    ReturnExceedsShipped(Conflict)   409  more units back than the consignee still holds
    RecallNotClosable(Conflict)      409  consignees not notified, or units not accounted for
    NotRecalledHere(Conflict)        409  no recalled units of that lot/serial at that location
    SignerNotQualityManager(PermissionDenied) 403  only a quality manager signs a recall closed
"""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound, PermissionDenied, ValidationError


class NoSuchLot(NotFound):
    code = "NO_SUCH_LOT"
    message_en = "No such lot: GTIN {gtin} has no {what} {key} in this system."
    message_zh = "无此批次：GTIN {gtin} 在本系统中找不到 {key}。"


class RecallNotFound(NotFound):
    code = "RECALL_NOT_FOUND"
    message_en = "Recall {recall_no} was not found."
    message_zh = "未找到召回单 {recall_no}。"


class ConsigneeNotInRecall(NotFound):
    code = "CONSIGNEE_NOT_IN_RECALL"
    message_en = "{partner} received no units of recall {recall_no}."
    message_zh = "{partner} 未收到召回单 {recall_no} 涉及的产品。"


class EmptyScope(ValidationError):
    code = "RECALL_EMPTY_SCOPE"
    message_en = "A recall must name lots, serials, an expiry range or a production-date range."
    message_zh = "召回范围不能为空：请填写批号、序列号、有效期范围或生产日期范围。"

    def __init__(self) -> None:
        super().__init__("no lot, serial or date range given", field="scope")

    def message(self, language: str = "zh-CN") -> str:
        return self.message_zh if language.lower().startswith("zh") else self.message_en


class BadRecall(ValidationError):
    code = "RECALL_INVALID"


class SignatureRequired(ValidationError):
    code = "SIGNATURE_REQUIRED"
    message_en = "Closing recall {recall_no} needs your electronic signature (password)."
    message_zh = "关闭召回单 {recall_no} 需要电子签名（请输入密码）。"

    def __init__(self, recall_no: str) -> None:
        super().__init__("password missing", field="password", recall_no=recall_no)

    def message(self, language: str = "zh-CN") -> str:
        template = self.message_zh if language.lower().startswith("zh") else self.message_en
        return template.format(**self.fields)


class RecallClosed(Conflict):
    code = "RECALL_CLOSED"
    message_en = "Recall {recall_no} is closed: nothing more can be recorded."
    message_zh = "召回单 {recall_no} 已关闭，不能再登记。"


class NotRecallRedZone(Conflict):
    code = "RECALL_NOT_RED_ZONE"
    message_en = "Recalled units go into the red (rejected) zone, not {location} ({zone_kind})."
    message_zh = "召回退回的产品必须放入不合格品（红色）区，{location}（{zone_kind}）不可以。"


class ReturnExceedsShipped(Conflict):
    code = "RECALL_RETURN_EXCEEDS"
    message_en = ("{partner} can return at most {open_qty} of lot {lot} under recall "
                  "{recall_no}; {quantity} given.")
    message_zh = ("{partner} 在召回单 {recall_no} 下批号 {lot} 最多可退回 {open_qty}，"
                  "登记了 {quantity}。")


class RecallNotClosable(Conflict):
    code = "RECALL_NOT_CLOSABLE"
    message_en = ("Recall {recall_no} cannot be closed yet. Not notified: {not_notified}. "
                  "Units not accounted for (shipped, not used, returned or destroyed): "
                  "{outstanding}.")
    message_zh = ("召回单 {recall_no} 尚不能关闭。未通知的收货单位：{not_notified}。"
                  "未核清的产品（已发货但未登记使用、退回或销毁）：{outstanding}。")

    def __init__(self, recall_no: str, not_notified: tuple[str, ...],
                 outstanding: tuple[tuple[str, int], ...]) -> None:
        super().__init__(recall_no=recall_no, not_notified_partners=list(not_notified),
                         outstanding_units=dict(outstanding))

    def _fields_for(self, language: str) -> dict[str, object]:
        none = "无" if language.lower().startswith("zh") else "none"
        told = self.fields["not_notified_partners"]
        out = self.fields["outstanding_units"]
        return {"recall_no": self.fields["recall_no"],
                "not_notified": ", ".join(told) or none,
                "outstanding": ", ".join(f"{p} {n}" for p, n in out.items()) or none}


class NotRecalledHere(Conflict):
    code = "RECALL_NOTHING_HELD_HERE"
    message_en = "No units of {unit} of recall {recall_no} are held RECALLED at {location}."
    message_zh = "库位 {location} 没有召回单 {recall_no} 封存的 {unit}。"


class SignerNotQualityManager(PermissionDenied):
    code = "RECALL_SIGNER_NOT_QUALITY_MANAGER"
    message_en = ("Only a quality manager signs a recall closed; {user} is not one. "
                  "Ask a quality manager to sign recall {recall_no}.")
    message_zh = ("只有质量负责人可以签字关闭召回；{user} 不是质量负责人。"
                  "请由质量负责人签署召回单 {recall_no}。")
