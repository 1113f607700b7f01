"""Pure decisions of qualification: what a file needs before approval, whether a party or
product may be traded today, scope matching, lapse and warning dates.

Nothing here reads the database or the clock: the service loads the facts and passes
"today" in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Subject(StrEnum):
    SUPPLIER = "SUPPLIER"
    CUSTOMER = "CUSTOMER"
    ITEM = "ITEM"
    SALESPERSON = "SALESPERSON"


class FileState(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class Kind(StrEnum):
    """What a credential is."""

    BUSINESS_LICENCE = "BUSINESS_LICENCE"  # 营业执照
    TRADING_LICENCE = "TRADING_LICENCE"  # 医疗器械经营许可证
    TRADING_FILING = "TRADING_FILING"  # 医疗器械经营备案凭证
    PRODUCTION_LICENCE = "PRODUCTION_LICENCE"  # 医疗器械生产许可证/备案
    MEDICAL_PRACTICE = "MEDICAL_PRACTICE"  # 医疗机构执业许可证
    REGISTRATION = "REGISTRATION"  # 医疗器械注册证/备案凭证
    SUPPLIER_AUTHORISATION = "SUPPLIER_AUTHORISATION"  # 供货者授权书
    SALESPERSON_LETTER = "SALESPERSON_LETTER"  # 销售人员授权书
    USE_STATEMENT = "USE_STATEMENT"  # 其他单位的使用用途说明


class CustomerType(StrEnum):
    MANUFACTURER = "MANUFACTURER"
    DISTRIBUTOR = "DISTRIBUTOR"
    MEDICAL = "MEDICAL"
    OTHER = "OTHER"


SUBJECT_RULE = {Subject.SUPPLIER: "G01", Subject.ITEM: "G02", Subject.CUSTOMER: "G24",
                Subject.SALESPERSON: "G30"}
TRADING = (Kind.TRADING_LICENCE, Kind.TRADING_FILING, Kind.PRODUCTION_LICENCE,
           Kind.MEDICAL_PRACTICE)
CLASSES = ("I", "II", "III")
_CODE = re.compile(r"^[0-9]{2,6}$")


@dataclass(frozen=True)
class Scope:
    """A business scope: device classes and catalogue codes ("6846"; a code covers the
    codes that start with it)."""

    classes: frozenset[str] = frozenset()
    codes: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.classes and not self.codes

    def covers(self, device_class: str, code: str) -> bool:
        """True when the class is listed (or no class is) and the code is listed (or no code
        is, or the product has none on file); an empty scope covers nothing."""
        if self.empty:
            return False
        class_ok = not self.classes or device_class in self.classes
        code_ok = not self.codes or not code or any(code.startswith(c) for c in self.codes)
        return class_ok and code_ok

    def text(self) -> str:
        ordered = [c for c in CLASSES if c in self.classes] + sorted(self.codes)
        return " ".join(ordered)


def parse_scope(text: str) -> tuple[Scope, list[str]]:
    """A scope from "II III 6846, 6877" and the tokens that are neither class nor code."""
    classes, codes, bad = set(), set(), []
    for token in re.split(r"[\s,;，；、]+", text.strip().upper()):
        if not token:
            continue
        if token in CLASSES:
            classes.add(token)
        elif _CODE.match(token):
            codes.add(token)
        else:
            bad.append(token)
    return Scope(frozenset(classes), frozenset(codes)), bad


@dataclass(frozen=True)
class Scopes:
    """A party's business scope: several credentials' scopes, covered when one covers."""

    parts: tuple[Scope, ...]

    def covers(self, device_class: str, code: str) -> bool:
        return any(part.covers(device_class, code) for part in self.parts)

    def text(self) -> str:
        return "; ".join(part.text() for part in self.parts)


def union(scopes: Iterable[Scope]) -> Scopes | None:
    """The scopes that list something together; None when none does (no scope on record)."""
    listed = tuple(s for s in scopes if not s.empty)
    return Scopes(listed) if listed else None


@dataclass(frozen=True)
class Credential:
    """One licence, certificate or letter as recorded."""

    kind: str
    number: str
    valid_until: date | None = None
    valid_from: date | None = None
    scope: Scope = Scope()
    person_name: str = ""
    person_id_no: str = ""
    region: str = ""


def lapsed(credential: Credential, today: date) -> bool:
    """A credential is usable through its last valid day; the day after it has lapsed."""
    return credential.valid_until is not None and credential.valid_until < today


def first_lapse(credentials: Sequence[Credential], today: date) -> Credential | None:
    """The credential that lapsed first, or None."""
    gone = [c for c in credentials if lapsed(c, today)]
    return min(gone, key=lambda c: c.valid_until or today) if gone else None


def expiring(credential: Credential, today: date, days: int) -> bool:
    """Valid today and lapsing within `days` days (the warning window)."""
    end = credential.valid_until
    return end is not None and today <= end and (end - today).days <= days


@dataclass(frozen=True)
class FileFacts:
    """What a qualification file holds, as approval checks it."""

    subject: str
    credentials: tuple[Credential, ...] = ()
    papers: frozenset[str] = frozenset()  # purposes of the scans attached
    customer_type: str = ""
    device_class: str = ""
    catalogue_code: str = ""


@dataclass(frozen=True)
class Missing:
    """One thing approval needs and the file lacks (`what`), with a credential's number."""

    what: str
    number: str = ""
    day: date | None = None


def missing_for_approval(facts: FileFacts, today: date) -> list[Missing]:
    """Everything the file lacks before quality may approve it (empty: it may)."""
    kinds = {c.kind for c in facts.credentials if c.number.strip()}
    found = [Missing(need) for need in _needs(facts, kinds)]
    found += [Missing("LAPSED", c.number, c.valid_until)
              for c in facts.credentials if lapsed(c, today)]
    found += [Missing("LETTER_PERSON", c.number) for c in facts.credentials
              if c.kind == Kind.SALESPERSON_LETTER
              and not (c.person_name.strip() and c.person_id_no.strip())]
    if not facts.papers:
        found.append(Missing("SCANNED_PAPERS"))
    return found


def _needs(facts: FileFacts, kinds: set[str]) -> list[str]:
    if facts.subject == Subject.SUPPLIER:
        return _supplier_needs(kinds)
    if facts.subject == Subject.ITEM:
        return _item_needs(facts)
    if facts.subject == Subject.SALESPERSON:
        dated = [c for c in facts.credentials
                 if c.kind == Kind.SALESPERSON_LETTER and c.number.strip() and c.valid_until]
        return [] if dated else ["SALESPERSON_LETTER"]
    return _customer_needs(facts, kinds)


def _supplier_needs(kinds: set[str]) -> list[str]:
    needs = [] if Kind.BUSINESS_LICENCE in kinds else ["BUSINESS_LICENCE"]
    if not kinds & {Kind.TRADING_LICENCE, Kind.TRADING_FILING, Kind.PRODUCTION_LICENCE}:
        needs.append("TRADING_LICENCE_OR_FILING")
    return needs


def _item_needs(facts: FileFacts) -> list[str]:
    registrations = [c for c in facts.credentials
                     if c.kind == Kind.REGISTRATION and c.number.strip()]
    if not registrations:
        return ["REGISTRATION"]
    dated = facts.device_class == "I" or any(c.valid_until for c in registrations)
    return [] if dated else ["REGISTRATION_VALIDITY"]


def _customer_needs(facts: FileFacts, kinds: set[str]) -> list[str]:
    kind = facts.customer_type
    if kind not in set(CustomerType):
        return ["CUSTOMER_TYPE"]
    if kind == CustomerType.OTHER:
        has = Kind.USE_STATEMENT in kinds or Kind.USE_STATEMENT in facts.papers
        return [] if has else ["USE_STATEMENT"]
    wanted = {CustomerType.MEDICAL: {Kind.MEDICAL_PRACTICE},
              CustomerType.DISTRIBUTOR: {Kind.TRADING_LICENCE, Kind.TRADING_FILING},
              CustomerType.MANUFACTURER: {Kind.PRODUCTION_LICENCE}}[CustomerType(kind)]
    return [] if kinds & wanted else [f"{kind}_LICENCE"]


@dataclass(frozen=True)
class Standing:
    """A party or product as a trading action sees it: its file's state and credentials."""

    subject: str
    code: str
    state: str | None  # None: no file at all
    credentials: tuple[Credential, ...] = ()
    customer_type: str = ""
    device_class: str = ""
    catalogue_code: str = ""
    customers: frozenset[str] = frozenset()  # an item sold only to these customer types


@dataclass(frozen=True)
class Refusal:
    """Why an action may not go ahead: the duty, the reason, who or what, and the date."""

    rule: str
    reason: str
    subject: str
    code: str
    kind: str = ""
    number: str = ""
    day: date | None = None
    other: str = ""  # the product (scope, restriction) or the salesperson


def standing_refusal(standing: Standing, today: date) -> Refusal | None:
    """Not approved (G01/G02/G24) or a credential lapsed (G03; G06 for a registration)."""
    if standing.state != FileState.APPROVED:
        return Refusal(SUBJECT_RULE[Subject(standing.subject)], "NOT_APPROVED",
                       standing.subject, standing.code, other=standing.state or "NONE")
    gone = first_lapse(standing.credentials, today)
    if gone is None:
        return None
    rule = "G06" if gone.kind == Kind.REGISTRATION else "G03"
    return Refusal(rule, "LAPSED", standing.subject, standing.code, gone.kind, gone.number,
                   gone.valid_until)


def trading_scope(standing: Standing, today: date) -> Scopes | None:
    """The party's business scope today: the scopes of its valid trading credentials; None
    when none lists one (no scope on record: not checked)."""
    return union(c.scope for c in standing.credentials
                 if c.kind in TRADING and not lapsed(c, today))


def scope_refusal(party: Standing, scope: Scopes | None, item: Standing, rule: str
                  ) -> Refusal | None:
    """The item outside the party's business scope (no scope on record: not checked)."""
    if scope is None or scope.covers(item.device_class, item.catalogue_code):
        return None
    return Refusal(rule, "OUT_OF_SCOPE", party.subject, party.code, number=scope.text(),
                   other=item.code)


def customer_refusal(customer: Standing, item: Standing) -> Refusal | None:
    """The item is restricted to customer types this customer is not (G24)."""
    if not item.customers or customer.customer_type in item.customers:
        return None
    return Refusal("G24", "CUSTOMER_NOT_ALLOWED", customer.subject, customer.code,
                   kind=customer.customer_type or "NONE", other=item.code,
                   number=" ".join(sorted(item.customers)))


def salesperson_refusal(person: Standing, item: Standing, today: date) -> Refusal | None:
    """G30: the salesperson's file is approved and holds a letter valid today whose scope
    (empty: every product) covers the item."""
    refused = standing_refusal(person, today)
    if refused is not None and refused.reason == "NOT_APPROVED":
        return refused
    letters = [c for c in person.credentials if c.kind == Kind.SALESPERSON_LETTER]
    valid = [c for c in letters if not lapsed(c, today)
             and (c.valid_from is None or c.valid_from <= today)]
    if any(c.scope.empty or c.scope.covers(item.device_class, item.catalogue_code)
           for c in valid):
        return None
    gone = first_lapse(letters, today)
    if gone is not None and not valid:
        return Refusal("G30", "LAPSED", person.subject, person.code, gone.kind, gone.number,
                       gone.valid_until, other=item.code)
    return Refusal("G30", "OUT_OF_SCOPE", person.subject, person.code,
                   number="; ".join(c.scope.text() for c in valid), other=item.code)


MAX_WARNING_DAYS = 3660


def warning_window(asked: int | None, setting: int) -> int:
    """The days ahead the expiring list looks: those asked for (within 0..10 years), else the
    setting."""
    return setting if asked is None else max(0, min(asked, MAX_WARNING_DAYS))
