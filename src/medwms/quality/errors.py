"""The refusals of acceptance inspection (验收), each with a stable code.

    NotFound
    └── InspectionNotFound        404  no inspection with that number
    Conflict
    ├── NotInQuarantine           409  the receipt holds no quarantined units of that lot
    ├── InspectionConcluded       409  the inspection was already concluded and signed
    └── NothingReleased           409  QC-passed labels for an inspection that released nothing
    PermissionDenied
    └── ReceiverCannotRelease     403  the person who received a lot may not release it
    ValidationError
    ├── RejectNeedsReason         422  a reject (or partial) without reason and disposition
    ├── SplitMismatch             422  accepted + rejected is not the quantity in quarantine
    ├── FailedCheckAccepted       422  a full accept although a check was answered "not ok"
    ├── ColdChainUnresolved       422  a held lot accepted without "temperature ok" and notes
    ├── TemperatureNotAnswered    422  a cold-chain item accepted without the temperature answer
    └── BadInspectionInput        422  sample size, conclusion or other input out of range
"""

from __future__ import annotations

from typing import Any

from medwms.core.errors import Conflict, NotFound, PermissionDenied, Problem, ValidationError


class _Refusal(ValidationError):
    """A validation refusal about one field, its message made from the class templates."""

    field_name = ""

    def __init__(self, /, **fields: Any) -> None:
        try:
            text = self.message_en.format(**fields)
        except (KeyError, IndexError, ValueError):
            text = self.message_en
        super().__init__([Problem(text, column=self.field_name or None)], **fields)


class InspectionNotFound(NotFound):
    code = "INSPECTION_NOT_FOUND"
    message_en = "There is no inspection {key}."
    message_zh = "验收记录 {key} 不存在。"


class NotInQuarantine(Conflict):
    code = "NOT_IN_QUARANTINE"
    message_en = ("Receipt {receipt_no} holds no units of {item} lot {lot} in quarantine: "
                  "there is nothing to inspect.")
    message_zh = "收货单 {receipt_no} 中没有 {item} 批号 {lot} 的待验库存，无需验收。"


class InspectionConcluded(Conflict):
    code = "INSPECTION_CONCLUDED"
    message_en = ("Inspection {inspection_no} was already concluded ({conclusion}) and signed: "
                  "a signed record is never changed.")
    message_zh = "验收记录 {inspection_no} 已结论（{conclusion}）并签名，已签名记录不可更改。"


class NothingReleased(Conflict):
    code = "NOTHING_RELEASED"
    message_en = "Inspection {inspection_no} released no units: there is no QC-passed label."
    message_zh = "验收记录 {inspection_no} 没有放行任何数量，不能打印合格标签。"


class ReceiverCannotRelease(PermissionDenied):
    code = "RECEIVER_CANNOT_RELEASE"
    message_en = ("{user} received lot {lot} and may not release it: another inspector must "
                  "sign (warehouse {warehouse} separates receiving and release).")
    message_zh = ("{user} 是批号 {lot} 的收货人，不能放行，须由其他验收员签名"
                  "（仓库 {warehouse} 要求收货与放行分离）。")


class RejectNeedsReason(_Refusal):
    field_name = "reject_reason"
    code = "REJECT_NEEDS_REASON"
    message_en = "A rejection needs the reason and the disposition (e.g. return to supplier)."
    message_zh = "拒收必须填写原因和处置方式（如退回供应商）。"


class SplitMismatch(_Refusal):
    field_name = "accepted_qty"
    code = "SPLIT_MISMATCH"
    message_en = ("Accepted {accepted} + rejected {rejected} must equal the {quantity} units "
                  "in quarantine.")
    message_zh = "合格数量 {accepted} + 不合格数量 {rejected} 必须等于待验数量 {quantity}。"


class FailedCheckAccepted(_Refusal):
    field_name = "conclusion"
    code = "FAILED_CHECK_ACCEPTED"
    message_en = ("The check '{check}' is answered 'not ok': accept the lot only in part, "
                  "or reject it.")
    message_zh = "检查项“{check}”为不合格：只能部分接收或拒收。"


class ColdChainUnresolved(_Refusal):
    field_name = "temperature_ok"
    code = "COLD_CHAIN_UNRESOLVED"
    message_en = ("Lot {lot} is on hold ({hold}): to accept it, answer 'temperature ok' with yes "
                  "and explain in the notes why the units are fit for use.")
    message_zh = ("批号 {lot} 处于冷链待处理状态（{hold}）："
                  "如需接收，须确认“温度合格”并在备注中说明理由。")


class BadInspectionInput(ValidationError):
    code = "BAD_INSPECTION_INPUT"


class TemperatureNotAnswered(_Refusal):
    field_name = "temperature_ok"
    code = "TEMPERATURE_NOT_ANSWERED"
    message_en = ("{item} is a cold-chain item: answer 'temperature ok' before accepting "
                  "any of lot {lot}.")
    message_zh = "{item} 为冷链产品：接收批号 {lot} 前必须回答“温度是否合格”。"
