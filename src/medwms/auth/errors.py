"""The errors of users, passwords, tokens and signatures, each with a stable code.

    NotAuthenticated
    └── LoginFailed           401  wrong username or password, or the account is disabled
    PermissionDenied
    └── WrongPassword         403  the current password given to confirm a change or sign
    NotFound
    ├── UserNotFound          404
    └── ApiTokenNotFound      404
    Conflict
    ├── UsernameTaken         409
    └── LastAdmin             409  the last active admin cannot be disabled or demoted
    ValidationError
    ├── WeakPassword          422
    ├── BadUsername           422
    ├── UnknownRole           422
    └── BadSignatureMeaning   422
"""

from __future__ import annotations

from medwms.core.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationError,
)


class LoginFailed(NotAuthenticated):
    code = "LOGIN_FAILED"
    message_en = "Wrong username or password, or the account is disabled."
    message_zh = "用户名或密码错误，或账号已停用。"


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
    code = "WEAK_PASSWORD"
    message_en = ("The password is too weak: it needs at least {min_length} characters "
                  "and must not be the username.")
    message_zh = "密码强度不足：至少需要 {min_length} 个字符，且不能与用户名相同。"


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


class UnknownWarehouse(ValidationError):
    code = "UNKNOWN_WAREHOUSE"
    message_en = "Unknown warehouse {warehouse!r}: give the codes of existing warehouses."
    message_zh = "未知仓库 {warehouse!r}：请填写已有仓库的代码。"


class BadSignatureMeaning(ValidationError):
    code = "BAD_SIGNATURE_MEANING"
    message_en = "A signature needs a meaning (e.g. approved, released) of 1 to 40 characters."
    message_zh = "签名必须注明含义（如 approved、released），长度 1 至 40 个字符。"
