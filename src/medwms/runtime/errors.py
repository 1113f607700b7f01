"""Refusals of a runtime setting change, each naming the setting, the value and the rule.

    SettingUnknown(NotFound)                404  no setting of that name
    SettingNotEditable(ValidationError)     422  the setting is fixed at start-up
    SettingValueRefused(ValidationError)    422  the value breaks the setting's rule
    SettingReasonMissing(ValidationError)   422  a change without a reason
"""

from __future__ import annotations

from typing import Any

from medwms.core.errors import NotFound, Problem, ValidationError


class SettingRefused(ValidationError):
    """A refused change: its message is also the one problem, on the form's field."""

    column = "value"

    def __init__(self, **fields: Any) -> None:
        problem = Problem(self.message_en.format(**fields), column=self.column,
                          value=str(fields.get("value", "")),
                          message_zh=self.message_zh.format(**fields))
        super().__init__([problem], summary=problem.message, **fields)


class SettingUnknown(NotFound):
    code = "SETTING_UNKNOWN"
    message_en = "There is no setting {name}: see medwms settings list."
    message_zh = "没有名为 {name} 的设置：请查看 medwms settings list。"


class SettingNotEditable(SettingRefused):
    code = "SETTING_NOT_EDITABLE"
    column = "name"
    message_en = ("The setting {name} is fixed when the server starts and cannot be changed "
                  "here: set MEDWMS_{env} in the environment and restart.")
    message_zh = "设置 {name} 在服务启动时确定，此处不能修改：请设置环境变量 MEDWMS_{env} 并重启。"


class SettingValueRefused(SettingRefused):
    code = "SETTING_VALUE_REFUSED"
    message_en = "The value {value!r} for {name} is refused: {rule_en}."
    message_zh = "设置 {name} 的值 {value!r} 被拒绝：{rule_zh}。"


class SettingReasonMissing(SettingRefused):
    code = "SETTING_REASON_MISSING"
    column = "reason"
    message_en = ("A change of {name} needs a reason of at least {length} characters: "
                  "say why it changes.")
    message_zh = "修改设置 {name} 须填写原因（至少 {length} 个字符）：请说明修改原因。"
