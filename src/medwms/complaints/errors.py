"""Complaint and adverse-event refusals, each with a stable code and a message naming the values.

    ComplaintNotFound(NotFound)          404  no report with that number
    UnknownCustomer(NotFound)            404  the customer code names no partner
    UnknownUnit(NotFound)                404  the GTIN has no such lot / serial in this system
    BadComplaint(ValidationError)        422  kind, severity, text or a scan is wrong
    ComplaintClosed(Conflict)            409  the report is closed: nothing more is recorded
    ComplaintNotClosable(Conflict)       409  cause, actions or the registrant notice missing
"""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound, ValidationError


class ComplaintNotFound(NotFound):
    code = "COMPLAINT_NOT_FOUND"
    message_en = "Complaint or adverse-event report {complaint_no} was not found."
    message_zh = "未找到投诉/不良事件报告 {complaint_no}。"


class UnknownCustomer(NotFound):
    code = "COMPLAINT_UNKNOWN_CUSTOMER"
    message_en = ("No partner with code {customer}: a report names the customer it came from "
                  "by its partner code (see Master data → Partners).")
    message_zh = ("没有编码为 {customer} 的往来单位：报告须以往来单位编码填写来源客户"
                  "（见 主数据 → 往来单位）。")


class UnknownUnit(NotFound):
    code = "COMPLAINT_UNKNOWN_UNIT"
    message_en = ("GTIN {gtin} has no {what} {key} in this system: check the label, or leave "
                  "it out and add it when known.")
    message_zh = "GTIN {gtin} 在本系统中没有{what_zh} {key}：请核对标签，或先不填、查明后再补充。"


class BadComplaint(ValidationError):
    code = "COMPLAINT_INVALID"


class ComplaintClosed(Conflict):
    code = "COMPLAINT_CLOSED"
    message_en = "Report {complaint_no} was closed on {closed_at}: nothing more can be recorded."
    message_zh = "报告 {complaint_no} 已于 {closed_at} 关闭，不能再登记。"


class ComplaintNotClosable(Conflict):
    code = "COMPLAINT_NOT_CLOSABLE"
    message_en = "Report {complaint_no} cannot be closed yet: {missing}."
    message_zh = "报告 {complaint_no} 尚不能关闭：{missing}。"

    def __init__(self, complaint_no: str, missing_en: tuple[str, ...],
                 missing_zh: tuple[str, ...]) -> None:
        super().__init__(complaint_no=complaint_no, missing_codes=list(missing_en),
                         missing_zh=list(missing_zh))

    def _fields_for(self, language: str) -> dict[str, object]:
        zh = language.lower().startswith("zh")
        parts = self.fields["missing_zh" if zh else "missing_codes"]
        return {"complaint_no": self.fields["complaint_no"],
                "missing": ("；" if zh else "; ").join(parts)}
