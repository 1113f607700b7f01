"""Complaint and adverse-event rules: what a report must say, when it is complete, when it may
close. Pure: plain values in, problems out (the service loads the record and passes it in)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from medwms.core.errors import Problem


class Kind(StrEnum):
    COMPLAINT = "COMPLAINT"  # 质量投诉
    ADVERSE_EVENT = "ADVERSE_EVENT"  # 可疑不良事件


class Severity(StrEnum):
    SERIOUS = "SERIOUS"  # 严重
    NOT_SERIOUS = "NOT_SERIOUS"  # 非严重


class State(StrEnum):
    OPEN = "OPEN"
    INVESTIGATING = "INVESTIGATING"
    CLOSED = "CLOSED"


class Party(StrEnum):
    """Who was told: the registrant (注册人/备案人), our supplier, the regulator's system."""

    REGISTRANT = "REGISTRANT"
    SUPPLIER = "SUPPLIER"
    REGULATOR = "REGULATOR"


CHANNELS = ("PHONE", "EMAIL", "FAX", "LETTER", "IN_PERSON", "ONLINE")
DESCRIPTION_MAX = 4000
TEXT_MAX = 4000


@dataclass(frozen=True)
class Report:
    """What the person logging a report says (the time and the person are the server's)."""

    kind: str
    severity: str | None
    description: str


def report_problems(report: Report) -> list[Problem]:
    """Every problem of a new report: kind, severity (adverse events only), description."""
    problems = []
    if report.kind not in tuple(Kind):
        problems.append(Problem("kind must be COMPLAINT or ADVERSE_EVENT", column="kind",
                                value=report.kind,
                                message_zh="类型须为 COMPLAINT（投诉）或 "
                                           "ADVERSE_EVENT（不良事件）"))
    if report.kind == Kind.ADVERSE_EVENT and report.severity not in tuple(Severity):
        problems.append(Problem("an adverse event is SERIOUS or NOT_SERIOUS", column="severity",
                                value=report.severity or "",
                                message_zh="不良事件须注明严重（SERIOUS）或非严重（NOT_SERIOUS）"))
    if report.kind == Kind.COMPLAINT and report.severity:
        problems.append(Problem("severity is for adverse events only: leave it empty",
                                column="severity", value=report.severity,
                                message_zh="严重程度仅用于不良事件，投诉请留空"))
    if not report.description.strip():
        problems.append(Problem("describe what the customer reported", column="description",
                                message_zh="请描述客户反映的问题"))
    elif len(report.description) > DESCRIPTION_MAX:
        problems.append(Problem(f"at most {DESCRIPTION_MAX} characters", column="description",
                                message_zh=f"最多 {DESCRIPTION_MAX} 个字符"))
    return problems


def is_incomplete(unit_count: int) -> bool:
    """A report naming no lot and no serial is kept, but shown as incomplete (G33)."""
    return unit_count == 0


def notice_problems(party: str, channel: str, reference: str) -> list[Problem]:
    """Problems of a notification: a known party, a channel, a reference for the regulator."""
    problems = []
    if party not in tuple(Party):
        problems.append(Problem("party must be REGISTRANT, SUPPLIER or REGULATOR",
                                column="party", value=party,
                                message_zh="通知对象须为 REGISTRANT（注册人）、SUPPLIER（供货单位）"
                                           "或 REGULATOR（监管/不良事件监测系统）"))
    if channel not in CHANNELS:
        problems.append(Problem(f"channel must be one of {', '.join(CHANNELS)}",
                                column="channel", value=channel,
                                message_zh=f"通知方式须为 {'、'.join(CHANNELS)} 之一"))
    if party == Party.REGULATOR and not reference.strip():
        problems.append(Problem("give the reference the national adverse-event system returned",
                                column="reference",
                                message_zh="请填写国家不良事件监测系统返回的报告编号"))
    if len(reference) > 200:
        problems.append(Problem("at most 200 characters", column="reference",
                                message_zh="最多 200 个字符"))
    return problems


def findings_problems(cause: str, actions: str, reply: str) -> list[Problem]:
    """Findings are free text, each within its length."""
    return [Problem(f"at most {TEXT_MAX} characters", column=name,
                    message_zh=f"最多 {TEXT_MAX} 个字符")
            for name, text in (("cause", cause), ("actions", actions), ("reply", reply))
            if len(text) > TEXT_MAX]


@dataclass(frozen=True)
class Closing:
    """What a report holds when someone asks to close it."""

    kind: str
    status: str
    cause: str
    actions: str
    registrant_told: bool


MISSING = {
    "investigation": ("the investigation has not started", "尚未开始调查"),
    "cause": ("the cause found is not recorded", "未登记查明的原因"),
    "actions": ("the actions taken are not recorded", "未登记采取的措施"),
    "registrant": ("the registrant has not been told of this adverse event",
                   "尚未将该不良事件告知注册人/备案人"),
}


def closing_gaps(closing: Closing) -> tuple[str, ...]:
    """What is missing before a report may close (keys of MISSING), in a fixed order."""
    gaps = []
    if closing.status == State.OPEN:
        gaps.append("investigation")
    if not closing.cause.strip():
        gaps.append("cause")
    if not closing.actions.strip():
        gaps.append("actions")
    if closing.kind == Kind.ADVERSE_EVENT and not closing.registrant_told:
        gaps.append("registrant")
    return tuple(gaps)
