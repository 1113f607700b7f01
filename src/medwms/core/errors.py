"""The one exception family of medwms.

    DomainError                  stable `code`, structured `fields`, message in zh-CN and English
    ├── NotFound                 404  a thing named by id, code or barcode does not exist
    ├── Conflict                 409  the state of the world forbids it (stock taken, duplicate)
    │   └── InsufficientStock    409  a balance would go below zero
    ├── PermissionDenied         403  the actor's roles do not grant the permission
    │   ├── WarehouseOutOfScope  403  …or not in that warehouse
    │   └── EveryWarehouseNeeded 403  …or it is company-wide and the actor's scope is not
    ├── NotAuthenticated         401  no or bad credentials
    ├── RequestTooLarge          413  a request body over the size limit (refused unread)
    ├── ValidationError          422  the input is malformed; `problems` lists every one
    │   └── ImportRejected       422  a file with bad rows, refused whole
    └── ScanRefused              422  a scan that a station must refuse (red, with a sound)
        └── (barcode.ScanError and the features' own refusals)

Each subclass sets `code` (stable, upper snake case), `status` (HTTP) and two message
templates formatted with `fields`. Doors map errors once: the API to problem+json, the
stations to a red message, the CLI to a message and a non-zero exit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from medwms.core.words import words_of


class DomainError(Exception):
    """Base of every error medwms raises on purpose."""

    code: ClassVar[str] = "DOMAIN_ERROR"
    status: ClassVar[int] = 400
    message_en: ClassVar[str] = "The request could not be done."
    message_zh: ClassVar[str] = "请求无法完成。"

    def __init__(self, message_en: str | None = None, message_zh: str | None = None,
                 /, **fields: Any) -> None:
        self.fields: dict[str, Any] = fields
        self._en = message_en
        self._zh = message_zh
        super().__init__(self.message("en"))

    def message(self, language: str = "zh-CN") -> str:
        """The message for a person, in `language` ("zh-CN" or "en")."""
        if language.lower().startswith("zh"):
            template = self._zh or self._en or self.message_zh
        else:
            template = self._en or self.message_en
        try:
            return template.format(**words_of(self._fields_for(language), language))
        except (KeyError, IndexError, ValueError):
            return template

    def _fields_for(self, language: str) -> dict[str, Any]:
        """The fields the message is formatted with (a subclass may word them per language)."""
        return self.fields

    def to_dict(self, language: str = "zh-CN") -> dict[str, Any]:
        """A JSON-ready view: code, message, and the structured fields."""
        return {
            "code": self.code,
            "message": self.message(language),
            "message_en": self.message("en"),
            "message_zh": self.message("zh-CN"),
            "fields": {k: _jsonable(v) for k, v in self.fields.items()},
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


class NotFound(DomainError):
    code = "NOT_FOUND"
    status = 404
    message_en = "{what} {key} was not found."
    message_zh = "未找到{what} {key}。"


class Conflict(DomainError):
    code = "CONFLICT"
    status = 409
    message_en = "Conflict: {detail}"
    message_zh = "冲突：{detail}"


class InsufficientStock(Conflict):
    code = "INSUFFICIENT_STOCK"
    message_en = ("Not enough stock: {available} available, {requested} requested "
                  "({item} at {location}, status {stock_status}).")
    message_zh = ("库存不足：可用 {available}，需要 {requested}"
                  "（{item}，库位 {location}，状态 {stock_status}）。")


class PermissionDenied(DomainError):
    code = "PERMISSION_DENIED"
    status = 403
    message_en = "User {user} may not {permission}."
    message_zh = "用户 {user} 没有权限{permission}。"


class WarehouseOutOfScope(PermissionDenied):
    code = "WAREHOUSE_NOT_IN_SCOPE"
    status = 403
    message_en = "User {user} may not act in warehouse {warehouse}: it is not one of theirs."
    message_zh = "用户 {user} 无权操作仓库 {warehouse}：该仓库不在其授权范围内。"


class EveryWarehouseNeeded(PermissionDenied):
    code = "EVERY_WAREHOUSE_NEEDED"
    status = 403
    message_en = ("User {user} may not {permission}: it is company-wide, and only a user whose "
                  "scope is every warehouse may.")
    message_zh = ("用户 {user} 无权{permission}：这是全公司范围的操作，"
                  "只有授权范围为全部仓库的用户才可执行。")


class NotAuthenticated(DomainError):
    code = "NOT_AUTHENTICATED"
    status = 401
    message_en = "Not signed in, or the session has expired: sign in again."
    message_zh = "未登录或登录已过期，请重新登录。"


class RequestTooLarge(DomainError):
    code = "REQUEST_TOO_LARGE"
    status = 413
    message_en = "The request is too large: at most {limit} may be sent here."
    message_zh = "请求过大：此处最多只能发送 {limit}。"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (row, column), what value, and why (in English,
    and in Chinese when `message_zh` is given)."""

    message: str
    column: str | None = None
    row: int | None = None
    value: str | None = None
    message_zh: str = ""

    def __str__(self) -> str:
        return self.describe("en")

    def text(self, language: str = "zh-CN") -> str:
        """Why, in `language` (English when there is no Chinese)."""
        zh = language.lower().startswith("zh")
        return self.message_zh if zh and self.message_zh else self.message

    def describe(self, language: str = "zh-CN") -> str:
        """Where, what value and why, in `language`."""
        if not (language.lower().startswith("zh") and self.message_zh):
            where = [f"row {self.row}"] if self.row is not None else []
            where += [f"column {self.column}"] if self.column else []
            shown = f" value {self.value!r}" if self.value not in (None, "") else ""
            return f"{', '.join(where)}:{shown} {self.message}".lstrip(":").strip()
        where = [f"第 {self.row} 行"] if self.row is not None else []
        where += [f"{self.column} 列"] if self.column else []
        shown = f"（{self.value}）" if self.value not in (None, "") else ""
        head = "，".join(where) + shown
        return f"{head}：{self.message_zh}" if head else self.message_zh


class ValidationError(DomainError):
    code = "VALIDATION_ERROR"
    status = 422
    message_en = "Invalid input: {summary}"
    message_zh = "输入无效：{summary}"

    def __init__(self, problems: list[Problem] | str, /, **fields: Any) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, column=fields.get("field"))]
        self.problems = problems
        self._own_summary = "summary" in fields
        fields.setdefault("summary", self.summary("en"))
        super().__init__(**fields)

    def summary(self, language: str = "zh-CN") -> str:
        """The first five problems in `language`."""
        text = "; ".join(p.describe(language) for p in self.problems[:5])
        if len(self.problems) > 5:
            text += f"; … ({len(self.problems)} problems in all)"
        return text

    def _fields_for(self, language: str) -> dict[str, Any]:
        if self._own_summary:
            return self.fields
        return {**self.fields, "summary": self.summary(language)}

    def to_dict(self, language: str = "zh-CN") -> dict[str, Any]:
        out = super().to_dict(language)
        out["problems"] = [
            {"row": p.row, "column": p.column, "value": p.value, "message": p.text(language)}
            for p in self.problems
        ]
        return out


class ImportRejected(ValidationError):
    code = "IMPORT_REJECTED"
    message_en = "The file was refused whole, nothing was written: {summary}"
    message_zh = "文件被整体拒绝，未写入任何数据：{summary}"


class ScanRefused(DomainError):
    code = "SCAN_REFUSED"
    status = 422
    message_en = "Scan refused: {reason}"
    message_zh = "扫描被拒绝：{reason}"
