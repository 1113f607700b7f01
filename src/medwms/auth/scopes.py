"""The scopes of API tokens: what each lets a token do, on top of its user's roles.

A token's user still needs the permission for every request (roles decide *what* a user may
do); the scope narrows *which requests* the token may make at all, so a token copied off a
handheld or out of an ERP's configuration is worth less than its user's password:

- read-only:   GET (and HEAD) requests only.
- stations:    reads, and the writes the scanning stations make (scans, receipts, putaway,
               picks, verification, shipping units, transfers, returns, counting scans).
- integration: reads, and the writes an ERP or hospital system makes (master data and its
               imports, advance notices, orders and their cancellation, sensor readings).

No scope lets a token create or revoke tokens, change a password or manage users: that
needs a signed-in person. Which routes belong to each scope is the API door's table
(`medwms.api.scopes`); the names and their meaning are here.
"""

from __future__ import annotations

from enum import StrEnum


class ApiScope(StrEnum):
    READ_ONLY = "read-only"
    STATIONS = "stations"
    INTEGRATION = "integration"


DEFAULT_SCOPE = ApiScope.READ_ONLY

_WORDS: dict[str, tuple[str, str]] = {
    ApiScope.READ_ONLY: ("GET requests only", "仅限 GET 读取请求"),
    ApiScope.STATIONS: ("reads, and the scanning stations' writes",
                        "读取，以及扫描工作站的写入操作"),
    ApiScope.INTEGRATION: ("reads, and the writes of an ERP or hospital system: master data, "
                           "advance notices, orders, sensor readings",
                           "读取，以及 ERP 或医院系统的写入：主数据、到货通知、出库单、温度读数"),
}


def scope_words(scope: str, language: str = "zh-CN") -> str:
    """What `scope` allows, in `language`."""
    en, zh = _WORDS.get(scope, (scope, scope))
    return zh if language.lower().startswith("zh") else en


def known_scopes() -> str:
    """The scope names, for messages."""
    return ", ".join(s.value for s in ApiScope)
