"""The refusals of qualification (首营) and of the credential blocks, each with a stable code.

    NotFound
    ├── FileNotFound              404  no qualification file with that number
    └── SubjectNotFound           404  no supplier, customer or item with that code
    Conflict
    ├── FileExists                409  the party, product or person already has a file
    ├── FileInWrongState          409  the file's state does not allow the step
    ├── NotApproved               409  G01/G02/G24/G30: no approved file; the action refused
    ├── CredentialLapsed          409  G03/G06/G30: a credential lapsed on a date; refused
    ├── OutsideScope              409  G03/G24/G30: the product is outside the scope
    └── CustomerNotAllowed        409  G24: the product is sold only to other customer types
    ValidationError
    ├── ApprovalIncomplete        422  what the duty requires is missing from the file
    └── BadCredential             422  a credential's kind, dates or scope are not valid
"""

from __future__ import annotations

from typing import Any

from medwms.core.errors import Conflict, NotFound, Problem, ValidationError
from medwms.qualification.rules import Missing, Refusal

SUBJECT_WORDS = {"SUPPLIER": ("supplier", "供货单位"), "CUSTOMER": ("customer", "购货单位"),
                 "ITEM": ("product", "产品"), "SALESPERSON": ("salesperson", "销售人员")}
KIND_WORDS = {
    "BUSINESS_LICENCE": ("business licence", "营业执照"),
    "TRADING_LICENCE": ("device trading licence", "医疗器械经营许可证"),
    "TRADING_FILING": ("device trading filing", "医疗器械经营备案凭证"),
    "PRODUCTION_LICENCE": ("production licence/filing", "医疗器械生产许可证/备案"),
    "MEDICAL_PRACTICE": ("medical institution licence", "医疗机构执业许可证"),
    "REGISTRATION": ("registration certificate/filing", "医疗器械注册证/备案凭证"),
    "SUPPLIER_AUTHORISATION": ("supplier's authorisation letter", "供货者授权书"),
    "SALESPERSON_LETTER": ("salesperson authorisation letter", "销售人员授权书"),
    "USE_STATEMENT": ("statement of intended use", "使用用途说明"),
    # the papers kept beside the credentials (qualification.service.PURPOSES)
    "LABEL": ("label sample or photo", "标签样张或照片"),
    "DELIVERY_NOTE_SAMPLE": ("sample delivery note with its seal", "随货同行单样式（盖章）"),
    "OTHER": ("other paper", "其他资料"),
}
ACTION_WORDS = {"RECEIVE": ("receiving", "收货"), "SELL": ("the sales order", "销售出库单"),
                "ALLOCATE": ("allocation", "分配"), "RELEASE": ("quality release", "质量放行"),
                "SHIP": ("shipping", "发货")}
MISSING_WORDS = {
    "BUSINESS_LICENCE": ("the business licence", "营业执照"),
    "TRADING_LICENCE_OR_FILING": ("a trading licence/filing or production licence",
                                  "经营许可证/备案凭证或生产许可证"),
    "REGISTRATION": ("the registration certificate/filing number", "注册证/备案编号"),
    "REGISTRATION_VALIDITY": ("the registration certificate's validity date", "注册证有效期"),
    "CUSTOMER_TYPE": ("the customer type", "购货单位类型"),
    "USE_STATEMENT": ("the statement of intended use (other unit)", "其他单位的使用用途说明"),
    "MEDICAL_LICENCE": ("the medical institution licence", "医疗机构执业许可证"),
    "DISTRIBUTOR_LICENCE": ("the trading licence/filing", "经营许可证/备案凭证"),
    "MANUFACTURER_LICENCE": ("the production licence", "生产许可证"),
    "SALESPERSON_LETTER": ("a salesperson letter with number and validity",
                           "注明编号和有效期的销售人员授权书"),
    "LETTER_PERSON": ("the salesperson's name and ID number on letter",
                      "授权书上的销售人员姓名和身份证号"),
    "SCANNED_PAPERS": ("a scanned copy of the papers", "证照扫描件"),
    "LAPSED": ("a valid credential in place of lapsed", "有效证照（已过期："),
}


def kind_words(kind: str) -> tuple[str, str]:
    """A credential or paper kind in English and Chinese (the code itself when unknown)."""
    return KIND_WORDS.get(kind, (kind, kind))


def missing_words(missing: list[Missing]) -> tuple[str, str]:
    """What approval lacks, as one English and one Chinese phrase."""
    en, zh = [], []
    for m in missing:
        words = MISSING_WORDS.get(m.what, (m.what, m.what))
        tail = f" {m.number}" if m.number else ""
        if m.what == "LAPSED":
            en.append(f"{words[0]}{tail} ({m.day})")
            zh.append(f"{words[1]}{m.number} {m.day}）")
        else:
            en.append(words[0] + tail)
            zh.append(words[1] + tail)
    return "; ".join(en), "；".join(zh)


class FileNotFound(NotFound):
    code = "QUALIFICATION_FILE_NOT_FOUND"
    message_en = "Qualification file {file_no} was not found."
    message_zh = "未找到首营档案 {file_no}。"


class SubjectNotFound(NotFound):
    code = "QUALIFICATION_SUBJECT_NOT_FOUND"
    message_en = "No {subject_en} with code {key}: open the file for an existing one."
    message_zh = "不存在代码为 {key} 的{subject_zh}，请为已有的记录建立档案。"


class FileExists(Conflict):
    code = "QUALIFICATION_FILE_EXISTS"
    message_en = "{subject_en} {key} already has qualification file {file_no}: add to that one."
    message_zh = "{subject_zh} {key} 已有首营档案 {file_no}，请在该档案中补充。"


class FileInWrongState(Conflict):
    code = "QUALIFICATION_STATE"
    message_en = "Qualification file {file_no} is {state}: it cannot be {step_en} now."
    message_zh = "首营档案 {file_no} 状态为 {state}，现在不能{step_zh}。"


class ApprovalIncomplete(ValidationError):
    code = "QUALIFICATION_INCOMPLETE"
    message_en = ("{rule}: file {file_no} ({subject_en} {key}) cannot be approved on {day}: "
                  "missing {missing_en}. Add them, then approve.")
    message_zh = ("{rule}：首营档案 {file_no}（{subject_zh} {key}）于 {day} 不能批准，"
                  "缺少：{missing_zh}。请补齐后再批准。")

    def __init__(self, /, **fields: Any) -> None:
        super().__init__([Problem(f"missing {fields['missing_en']}", column="missing")],
                         **fields)


class BadCredential(ValidationError):
    code = "CREDENTIAL_INVALID"
    message_en = "Credential {field}: {problem_en} ({value})."
    message_zh = "证照 {field}：{problem_zh}（{value}）。"

    def __init__(self, /, **fields: Any) -> None:
        super().__init__([Problem(fields["problem_en"], column=fields["field"],
                                  value=str(fields["value"]))], **fields)


class NotApproved(Conflict):
    code = "QUALIFICATION_NOT_APPROVED"
    message_en = ("{rule}: {subject_en} {key} has no approved qualification file (state "
                  "{state}) on {day}; {action_en} is refused until quality approves it.")
    message_zh = ("{rule}：{subject_zh} {key} 截至 {day} 没有经批准的首营档案（状态 {state}），"
                  "{action_zh}被拒绝，须质量管理部门批准。")


class CredentialLapsed(Conflict):
    code = "CREDENTIAL_LAPSED"
    message_en = ("{rule}: {subject_en} {key}: {kind_en} {number} lapsed on {day}; "
                  "{action_en} is refused until quality records a renewal.")
    message_zh = ("{rule}：{subject_zh} {key} 的{kind_zh} {number} 已于 {day} 过期，"
                  "{action_zh}被拒绝，须质量管理部门登记更新后方可继续。")


class OutsideScope(Conflict):
    code = "OUTSIDE_BUSINESS_SCOPE"
    message_en = ("{rule}: product {item} is outside the scope of {subject_en} {key} "
                  "({scope}) on {day}; {action_en} is refused.")
    message_zh = ("{rule}：产品 {item} 不在{subject_zh} {key} 的经营范围（{scope}）内"
                  "（{day}），{action_zh}被拒绝。")


class CustomerNotAllowed(Conflict):
    code = "CUSTOMER_NOT_ALLOWED"
    message_en = ("{rule}: product {item} is sold only to {allowed} customers; {key} is "
                  "{customer_type} ({day}); {action_en} is refused.")
    message_zh = ("{rule}：产品 {item} 只可销售给 {allowed} 类购货单位，{key} 为 "
                  "{customer_type}（{day}），{action_zh}被拒绝。")


def refused(refusal: Refusal, action: str, today: Any) -> Conflict:
    """The error of a trading refusal, in the words of the action refused."""
    subject_en, subject_zh = SUBJECT_WORDS.get(refusal.subject, (refusal.subject,) * 2)
    action_en, action_zh = ACTION_WORDS[action]
    words: dict[str, Any] = dict(rule=refusal.rule, subject_en=subject_en,
                                 subject_zh=subject_zh, key=refusal.code, action_en=action_en,
                                 action_zh=action_zh, day=refusal.day or today)
    if refusal.reason == "NOT_APPROVED":
        return NotApproved(state=refusal.other, **words)
    if refusal.reason == "LAPSED":
        kind_en, kind_zh = kind_words(refusal.kind)
        return CredentialLapsed(kind_en=kind_en, kind_zh=kind_zh, number=refusal.number,
                                item=refusal.other, **words)
    if refusal.reason == "CUSTOMER_NOT_ALLOWED":
        return CustomerNotAllowed(item=refusal.other, allowed=refusal.number,
                                  customer_type=refusal.kind, **words)
    return OutsideScope(item=refusal.other, scope=refusal.number or "—", **words)
