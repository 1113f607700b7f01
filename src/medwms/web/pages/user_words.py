"""Words of the administration pages: roles, permissions, API token scopes, and the audit
records about a user (actions, fields, stored values, the reasons the services write).

Roles, permissions and audit actions are codes in the database (`picker`, `picking.verify`,
`user.roles`); the pages show them as catalogue words in the UI language. A code no word is
known for is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from medwms.auth.queries import AuditView
from medwms.auth.rules import ROLE_PERMISSIONS, Perm, Role
from medwms.auth.scopes import ApiScope
from medwms.core.clock import local_text
from medwms.web.i18n import translations
from medwms.web.menu import N_, NP_

ROLE = "role"  # the catalogue context of the role names
ROLE_WORDS: dict[str, str] = {
    Role.ADMIN: NP_("role", "Administrator"), Role.MANAGER: NP_("role", "Warehouse manager"),
    Role.RECEIVER: NP_("role", "Receiver"), Role.INSPECTOR: NP_("role", "Quality inspector"),
    Role.PICKER: NP_("role", "Picker"), Role.VERIFIER: NP_("role", "Verifier"),
    Role.AUDITOR: NP_("role", "Auditor"), Role.INTEGRATOR: NP_("role", "Integrator"),
    Role.SHIPPER: NP_("role", "Shipper"),
}
PERM_WORDS: dict[str, str] = {
    Perm.MASTERDATA_READ: N_("See master data"),
    Perm.MASTERDATA_WRITE: N_("Change master data"),
    Perm.STOCK_READ: N_("See stock and movements"),
    Perm.STOCK_MOVE: N_("Move stock (putaway, transfers)"),
    Perm.STOCK_ADJUST: N_("Adjust stock and plan counts"),
    Perm.STOCK_STATUS: N_("Change the status of stock"),
    Perm.RECEIVE: N_("Receive goods"),
    Perm.INSPECT: N_("Inspect, release and reject lots"),
    Perm.PICK: N_("Pick orders"),
    Perm.VERIFY: N_("Verify picked orders (not one's own picks)"),
    Perm.SHIP: N_("Ship goods"),
    Perm.PUTAWAY_OVERRIDE: N_("Put away elsewhere than suggested"),
    Perm.ORDERS_MANAGE: N_("Manage orders and waves"),
    Perm.RESOLVE_DISCREPANCY: N_("Resolve verification discrepancies"),
    Perm.COUNT: N_("Count stock"),
    Perm.RECALL_MANAGE: N_("Manage recalls"),
    Perm.USERS_MANAGE: N_("Manage users, roles and API tokens"),
    Perm.AUDIT_READ: N_("Read the audit log"),
    Perm.SYSTEM_ADMIN: N_("Administer the system"),
    Perm.ATTACHMENT_READ: N_("Download kept scans and photos"),
    Perm.QUALITY_RECORD: N_("Record quality findings, holds and complaints"),
    Perm.QUALITY_APPROVE: N_("Approve as quality (首营, decisions, destruction)"),
    Perm.COLDCHAIN_MANAGE: N_("Manage cold-chain equipment and alarm recipients"),
    Perm.SETTINGS_MANAGE: N_("Change runtime settings and archive documents"),
}
SCOPE_WORDS: dict[str, str] = {
    ApiScope.READ_ONLY: N_("Read only (GET requests)"),
    ApiScope.STATIONS: N_("Scanning stations (reads and station writes)"),
    ApiScope.INTEGRATION: N_("Integration (reads, master data, notices, orders, readings)"),
}
ACTION_WORDS: dict[str, str] = {
    "user.create": N_("User created"), "user.update": N_("Name or language changed"),
    "user.roles": N_("Roles changed"), "user.warehouses": N_("Warehouse scope changed"),
    "user.disable": N_("User disabled"), "user.enable": N_("User enabled"),
    "user.password_reset": N_("Password reset by an administrator"),
    "user.password_change": N_("Password changed by the user"),
    "user.must_change_password": N_("Must change the password"),
    "user.unlock": N_("Sign-in lockout lifted"), "user.lock": N_("Locked after failed sign-ins"),
    "login": N_("Signed in"), "login.failed": N_("Sign-in refused"), "logout": N_("Signed out"),
    "api_token.create": N_("API token issued"), "api_token.revoke": N_("API token revoked"),
}
FIELD_WORDS: dict[str, str] = {
    "username": N_("Username"), "display_name": N_("Display name"), "active": N_("Enabled"),
    "language": N_("Language"), "roles": N_("Roles"), "warehouses": N_("Warehouse scope"),
    "password": N_("Password"), "must_change_password": N_("Must change the password"),
    "user": N_("User"), "name": N_("Token name"), "scope": N_("Token scope"),
    "expires_at": N_("Expires"), "revoked_at": N_("Revoked"), "address": N_("Client address"),
    "sessions": N_("Sessions"), "failed_logins": N_("Failed sign-ins"),
    "locked_until": N_("Locked until"),
}
VALUE_WORDS: dict[str, str] = {
    "set": N_("set"), "changed": N_("changed"), "ended": N_("ended"),
    "all": N_("every warehouse"),
}
REASON_WORDS: dict[str, str] = {
    "password reset": N_("password reset"), "password changed": N_("password changed"),
    "changed by the user": N_("changed by the user"), "signed out": N_("signed out"),
    "initial administrator": N_("initial administrator"),
    "the password does not meet today's password policy":
        N_("the password does not meet today's password policy"),
    "unknown user": N_("unknown user"), "wrong password": N_("wrong password"),
    "account disabled": N_("account disabled"),
}
YES, NO, NOTHING = N_("yes"), N_("no"), "—"
TIMES = ("expires_at", "revoked_at", "locked_until")
LANGUAGE_NAMES = {"zh-CN": "中文", "en": "English"}


def role_word(role: str, lang: str) -> str:
    """The name of `role` in `lang` (an unknown role as it is)."""
    word = ROLE_WORDS.get(role)
    return translations(lang).pgettext(ROLE, word) if word else role


def roles_text(roles: Any, lang: str) -> str:
    """A list of role codes as names, separated as `lang` separates them."""
    names = [role_word(str(role), lang) for role in (roles or ())]
    return ("、" if lang == "zh-CN" else ", ").join(names)


def say(table: Mapping[str, str], code: str, lang: str) -> str:
    """The word of `code` in `table`, in `lang`; `code` itself when it has none."""
    word = table.get(code)
    return translations(lang).gettext(word) if word else code


@dataclass(frozen=True)
class RoleRow:
    """One role of the roles page: its code, name, and what it may do."""

    code: str
    name: str
    permissions: tuple[str, ...]


def role_table(lang: str) -> list[RoleRow]:
    """Every role with its permissions, in `lang` (roles are fixed in the code)."""
    return [RoleRow(role.value, role_word(role.value, lang),
                    tuple(say(PERM_WORDS, p.value, lang)
                          for p in Perm if p in ROLE_PERMISSIONS[role]))
            for role in Role]


@dataclass(frozen=True)
class ChangeLine:
    """One field of an audit record: its name, the value before and the value after."""

    field: str
    before: str | None
    after: str


@dataclass(frozen=True)
class HistoryRow:
    """One audit record about a user, as the user's page shows it."""

    at: datetime
    actor: str
    action: str
    subject: str
    changes: tuple[ChangeLine, ...]
    reason: str
    sealed: bool


def history_rows(records: list[AuditView], lang: str, timezone: str) -> list[HistoryRow]:
    """The audit records about a user, worded in `lang`, each with the fields it changed."""
    token = translations(lang).gettext(N_("API token %(id)s"))
    return [HistoryRow(at=r.at, actor=r.actor_name, action=say(ACTION_WORDS, r.action, lang),
                       subject=token % {"id": r.entity_key} if r.entity == "api_token" else "",
                       changes=_changes(r, lang, timezone),
                       reason=say(REASON_WORDS, r.reason, lang), sealed=r.seq is not None)
            for r in records]


def _changes(record: AuditView, lang: str, timezone: str) -> tuple[ChangeLine, ...]:
    """The fields an audit record changed (all of them when it has no before)."""
    lines = []
    for name, value in record.after.items():
        if record.before and record.before.get(name) == value:
            continue
        before = _value(name, record.before[name], lang, timezone) \
            if name in record.before else None
        lines.append(ChangeLine(say(FIELD_WORDS, name, lang), before,
                                _value(name, value, lang, timezone)))
    return tuple(lines)


def _value(name: str, value: Any, lang: str, timezone: str) -> str:
    """A stored value of field `name` as words."""
    if value is None or value == []:
        return NOTHING
    if isinstance(value, bool):
        return translations(lang).gettext(YES if value else NO)
    worded = _WORDED.get(name)
    if worded is not None:
        return worded(value, lang, timezone)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return say(VALUE_WORDS, str(value), lang)


def _time(value: Any, lang: str, timezone: str) -> str:
    return local_text(datetime.fromisoformat(str(value)), timezone)


_WORDED: dict[str, Callable[[Any, str, str], str]] = {
    "roles": lambda value, lang, _zone: roles_text(value, lang),
    "scope": lambda value, lang, _zone: say(SCOPE_WORDS, str(value), lang),
    "language": lambda value, _lang, _zone: LANGUAGE_NAMES.get(str(value), str(value)),
    **dict.fromkeys(TIMES, _time),
}
