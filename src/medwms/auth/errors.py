"""The errors of users, passwords, tokens and signatures, each with a stable code.

    NotAuthenticated
    └── LoginFailed           401  wrong username or password, or the account is disabled
    LoginThrottled            429  too many failed sign-ins: try again later (Retry-After)
    ├── LoginDelayed          429  wait a few seconds (the wait doubles with each failure)
    ├── AccountLocked         429  this username is locked until a time, or until unlocked
    └── AddressLocked         429  this client address is locked until a time
    PermissionDenied
    ├── WrongPassword         403  the current password given to confirm a change or sign
    ├── PasswordChangeRequired 403 the user must change their password before anything else
    └── TokenScopeDenied      403  the API token's scope does not cover this request
    NotFound
    ├── UserNotFound          404
    └── ApiTokenNotFound      404
    Conflict
    ├── UsernameTaken         409
    └── LastAdmin             409  the last active admin cannot be disabled or demoted
    ValidationError
    ├── WeakPassword          422  names every rule of the policy the password breaks
    ├── BadUsername           422
    ├── UnknownRole           422
    ├── BadApiToken           422  unknown scope, or a lifetime past the longest allowed
    ├── BadSignatureMeaning   422
    └── ExportTooLarge        422  more audit records match than one export file holds
"""

from __future__ import annotations

from typing import Any

from medwms.auth.scopes import scope_words
from medwms.core.errors import (
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    Problem,
    ValidationError,
)


class LoginFailed(NotAuthenticated):
    code = "LOGIN_FAILED"
    message_en = "Wrong username or password, or the account is disabled."
    message_zh = "用户名或密码错误，或账号已停用。"


class LoginThrottled(DomainError):
    """Refused before the password is looked at; `retry_after` (seconds) becomes the
    Retry-After header, `until` is the local time shown to the person."""

    code = "LOGIN_THROTTLED"
    status = 429
    message_en = "Too many failed sign-ins: try again at {until}."
    message_zh = "登录失败次数过多：请于 {until} 后再试。"


class LoginDelayed(LoginThrottled):
    code = "LOGIN_DELAYED"
    message_en = ("Too many failed sign-ins in a row: wait {retry_after} s before the next try "
                  "(until {until}); each further failure doubles the wait.")
    message_zh = ("连续登录失败次数过多：请等待 {retry_after} 秒（至 {until}）再试；"
                  "每再失败一次，等待时间加倍。")


class AccountLocked(LoginThrottled):
    code = "ACCOUNT_LOCKED"
    message_en = ("After {failures} failed sign-ins in a row this username is locked until "
                  "{until}: try again then, or ask an administrator to unlock it. "
                  "Until then even the right password is refused.")
    message_zh = ("连续 {failures} 次登录失败，该用户名已锁定至 {until}：请届时再试，"
                  "或请管理员解锁。在此之前，即使密码正确也无法登录。")


class AddressLocked(LoginThrottled):
    code = "ADDRESS_LOCKED"
    message_en = ("Too many failed sign-ins from this device's address ({address}): signing in "
                  "from it is blocked until {until}, or until an administrator unlocks it.")
    message_zh = ("此设备地址（{address}）登录失败次数过多：在 {until} 之前无法从此地址登录，"
                  "或请管理员解锁。")


class PasswordChangeRequired(PermissionDenied):
    code = "PASSWORD_CHANGE_REQUIRED"
    message_en = ("{user} must change their password before doing anything else: the "
                  "password no longer meets the policy, or an administrator reset it "
                  "(POST /api/v1/auth/password, or the Change password page).")
    message_zh = ("{user} 必须先修改密码才能进行其他操作：该密码已不符合密码规则，或已被管理员重置"
                  "（POST /api/v1/auth/password，或“修改密码”页面）。")


class TokenScopeDenied(PermissionDenied):
    code = "TOKEN_SCOPE_DENIED"
    message_en = "This API token's scope is {scope} ({allows}): it does not cover {method} {path}."
    message_zh = "此 API 令牌的范围为 {scope}（{allows}）：不包括 {method} {path}。"

    def _fields_for(self, language: str) -> dict[str, Any]:
        return {**self.fields, "allows": scope_words(str(self.fields.get("scope")), language)}


class WrongPassword(PermissionDenied):
    code = "WRONG_PASSWORD"
    message_en = "The password of {user} is not correct: nothing was changed or signed."
    message_zh = "用户 {user} 的密码不正确：未做任何更改或签名。"


class UserNotFound(NotFound):
    code = "USER_NOT_FOUND"
    message_en = "There is no user {key}."
    message_zh = "用户 {key} 不存在。"


class ApiTokenNotFound(NotFound):
    code = "API_TOKEN_NOT_FOUND"
    message_en = "There is no API token {key}."
    message_zh = "API 令牌 {key} 不存在。"


class UsernameTaken(Conflict):
    code = "USERNAME_TAKEN"
    message_en = "The username {username} is already in use."
    message_zh = "用户名 {username} 已被使用。"


class LastAdmin(Conflict):
    code = "LAST_ADMIN"
    message_en = ("{username} is the last active admin: make another user admin first, "
                  "so that someone can still manage users.")
    message_zh = "{username} 是最后一个有效的管理员：请先指定另一位管理员，以免无人能管理用户。"


class WeakPassword(ValidationError):
    """`problems` name each broken rule; `{rules}` lists them in the message's language."""

    code = "WEAK_PASSWORD"
    message_en = ("The password is not allowed: {rules}. A password needs at least "
                  "{min_length} characters, must not be (or be built on) the username, and "
                  "must not be a common password.")
    message_zh = ("密码不可用：{rules}。密码至少需要 {min_length} 个字符，不能是用户名"
                  "（或在用户名上稍加改动），也不能是常见密码。")

    def _fields_for(self, language: str) -> dict[str, Any]:
        separator = "；" if language.lower().startswith("zh") else "; "
        rules = separator.join(p.text(language) for p in self.problems)
        return {**super()._fields_for(language), "rules": rules}


class BadUsername(ValidationError):
    code = "BAD_USERNAME"
    message_en = ("The username {username!r} is not allowed: use 2 to 60 lower-case letters, "
                  "digits, '.', '_' or '-', starting with a letter or digit.")
    message_zh = ("用户名 {username!r} 不合规：请使用 2 至 60 个小写字母、数字、"
                  "“.”、“_”或“-”，并以字母或数字开头。")


class UnknownRole(ValidationError):
    code = "UNKNOWN_ROLE"
    message_en = "Unknown role {role!r}: the roles are {known}."
    message_zh = "未知角色 {role!r}：可用角色为 {known}。"


class BadApiToken(ValidationError):
    code = "BAD_API_TOKEN"
    message_en = ("The API token cannot be made: {summary}. Scopes: {scopes}; lifetime "
                  "1 to {max_days} days.")
    message_zh = "无法创建 API 令牌：{summary}。范围：{scopes}；有效期 1 至 {max_days} 天。"
class UnknownWarehouse(ValidationError):
    code = "UNKNOWN_WAREHOUSE"
    message_en = "Unknown warehouse {warehouse!r}: give the codes of existing warehouses."
    message_zh = "未知仓库 {warehouse!r}：请填写已有仓库的代码。"


class BadSignatureMeaning(ValidationError):
    code = "BAD_SIGNATURE_MEANING"
    message_en = "A signature needs a meaning (e.g. approved, released) of 1 to 40 characters."
    message_zh = "签名必须注明含义（如 approved、released），长度 1 至 40 个字符。"


class ExportTooLarge(ValidationError):
    code = "EXPORT_TOO_LARGE"
    message_en = ("More than {most} audit records match: narrow the filter (a shorter time "
                  "range, one user, one action or one record) and export again.")
    message_zh = ("符合条件的审计记录超过 {most} 条：请缩小筛选范围（更短的时间段、"
                  "某个用户、某个操作或某条记录）后再导出。")

    def __init__(self, *, most: int) -> None:
        super().__init__([Problem(f"more than {most} records match", column="since",
                                  message_zh=f"符合条件的记录超过 {most} 条")], most=most)
