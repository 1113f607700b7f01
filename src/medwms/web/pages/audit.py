"""The audit log page (filtered, paged, with old and new values; exported as XLSX or CSV)
and the verification page (the last runs of `verify`, and a button to run it now).

Both are for holders of `audit.read` of every warehouse: the auditor, the quality manager
(the manager role) and the administrator. Times typed in the filter are the warehouse's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from medwms.auth import audit_export, audit_queries
from medwms.auth.audit_queries import AuditFilter, AuditPage
from medwms.auth.guard import reading_as, require
from medwms.auth.queries import AuditView
from medwms.auth.rules import Perm
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import ValidationError
from medwms.ledger import queries as ledger_queries
from medwms.ledger.checkpoints import load_anchor
from medwms.ledger.verify_runs import run_verify
from medwms.web import forms
from medwms.web.deps import DbDep, Visitor, VisitorDep, get_settings, needs
from medwms.web.forms import FormDep, Reader, Refusal
from medwms.web.i18n import gettext_for, translations
from medwms.web.menu import N_, NP_
from medwms.web.pages.audit_words import ACTIONS, ENTITIES
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
READ = Perm.AUDIT_READ
FILTERS = ("user", "entity", "entity_key", "action", "since", "until")
FIELDS = {name: name for name in (*FILTERS, "after")}
EMPTY = "—"  # a field stored empty (JSON null)
CODE = re.compile(r"[A-Z][A-Z_]+")  # a stored code (CLOSED, ACCEPT): shown in its word
LARGEST_ID = 2**63  # a record number beyond BIGINT is no record
SEARCH_REFUSED = N_("Nothing was searched: correct what is marked below.")
HEADINGS = ((None, N_("No.")), (None, N_("Seal no.")), (None, N_("Time")),
            (None, N_("User")), ("audit", NP_("audit", "Action")), (None, N_("Record kind")),
            (None, N_("Record key")), (None, N_("Old value")), (None, N_("New value")),
            (None, N_("Reason")))  # (context, msgid): the export's column headings
SHEET = N_("Audit log")
@dataclass(frozen=True)
class Field:
    """One field of a record's old and new value, as a row shows it."""

    name: str
    old: str | None  # None: the field was not there before
    new: str | None  # None: it is not there after
    changed: bool


def fields_of(view: AuditView, word: Callable[[str], str] = str) -> list[Field]:
    """The fields of the old and new value, in name order, the changed ones marked; a stored
    code shown as `word` gives it (the catalogue's word in the page's language)."""
    names = sorted(set(view.before) | set(view.after))
    return [Field(name, _shown(view.before, name, word), _shown(view.after, name, word),
                  _changed(view, name)) for name in names]


def _changed(view: AuditView, name: str) -> bool:
    if (name in view.before) != (name in view.after):
        return True  # added or removed, even when empty
    return bool(view.before.get(name) != view.after.get(name))


def _shown(values: dict[str, Any], name: str, word: Callable[[str], str]) -> str | None:
    if name not in values:
        return None
    value = values[name]
    if value is None:
        return EMPTY
    if isinstance(value, str):
        return word(value) if CODE.fullmatch(value) else value
    return json.dumps(value, ensure_ascii=False)


# --- the filter ----------------------------------------------------------------------------

def _typed(request: Request) -> dict[str, str]:
    return {name: forms.query_text(request, name) for name in (*FILTERS, "after")}


def _moment(read: Reader, raw: str, column: str, zone: ZoneInfo, *,
            end: bool) -> datetime | None:
    """A date or a date and time typed in the warehouse's zone, as UTC; an end is
    inclusive (a date to the end of its day, a time to the end of its minute)."""
    if not raw:
        return None
    try:
        if "T" in raw or " " in raw:
            local, step = datetime.fromisoformat(raw).replace(second=0, microsecond=0), \
                timedelta(minutes=1)
        else:
            local, step = datetime.combine(date.fromisoformat(raw), datetime.min.time()), \
                timedelta(days=1)
        moment = local if local.tzinfo else local.replace(tzinfo=zone)
        return (moment + step if end else moment).astimezone(UTC)
    except (ValueError, OverflowError):  # not a date, or one at the edge of the calendar
        read.require(False, column, "not a date or time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM",
                     "不是有效的日期或时间：请按 年-月-日 或 年-月-日T时:分 填写")
        return None


def audit_filter(typed: dict[str, str], timezone: str) -> tuple[AuditFilter, int | None]:
    """The filter and the page cursor the query asked for; ValidationError naming each bad
    field."""
    read, zone = Reader(), ZoneInfo(timezone)
    since = _moment(read, typed["since"], "since", zone, end=False)
    until = _moment(read, typed["until"], "until", zone, end=True)
    read.require(since is None or until is None or since < until, "until",
                 "must be later than From", "必须晚于起始时间")
    after = read.whole(typed["after"], "after", empty=0) or None
    read.require(after is None or 0 < after < LARGEST_ID, "after",
                 "must be a record number above 0", "必须是大于 0 的记录编号")
    read.check()
    flt = AuditFilter(user=typed["user"] or None, entity=typed["entity"] or None,
                      entity_key=typed["entity_key"] or None, action=typed["action"] or None,
                      since=since, until=until)
    return flt, after


def _query(typed: dict[str, str], **extra: object) -> str:
    given = {k: v for k, v in typed.items() if v and k != "after"}
    return urlencode(given | {k: str(v) for k, v in extra.items()})


# --- the log -------------------------------------------------------------------------------

@router.get("/audit", response_class=HTMLResponse, dependencies=[needs(READ)])
def audit_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The audit log, newest first, filtered and paged, with old and new values."""
    require(visitor.actor, READ)
    typed = _typed(request)
    page, refusal = None, None
    try:
        flt, after = audit_filter(typed, get_settings(request).timezone)
    except ValidationError as error:
        refusal = forms.refusal(error, visitor.lang, FIELDS)
        refusal.message = gettext_for(visitor.lang, SEARCH_REFUSED)
    with reading_as(db, visitor.actor) as s:
        if refusal is None:
            page = audit_queries.audit_page(s, actor=visitor.actor, flt=flt, after=after)
        users = audit_queries.usernames(s, actor=visitor.actor)
    return render(request, "audit/log.html", visitor=visitor, typed=typed, page=page,
                  refusal=refusal, users=users, actions=ACTIONS, entities=ENTITIES,
                  fields_of=lambda view: fields_of(
                      view, lambda code: gettext_for(visitor.lang, code)),
                  query=_query(typed), more=_more(typed, page),
                  status_code=422 if refusal else 200)


def _more(typed: dict[str, str], page: AuditPage | None) -> str:
    if page is None or page.next_after is None:
        return ""
    return "/audit?" + _query(typed, after=page.next_after)


@router.get("/audit.xlsx", response_model=None, dependencies=[needs(READ)])
def audit_xlsx(request: Request, db: DbDep, visitor: VisitorDep) -> Response:
    """The filtered audit log as an Excel workbook."""
    return _export(request, db, visitor, "xlsx")


@router.get("/audit.csv", response_model=None, dependencies=[needs(READ)])
def audit_csv(request: Request, db: DbDep, visitor: VisitorDep) -> Response:
    """The filtered audit log as CSV (UTF-8 with a BOM, for Excel)."""
    return _export(request, db, visitor, "csv")


def _export(request: Request, db: Database, visitor: Visitor, kind: str) -> Response:
    require(visitor.actor, READ)
    timezone = get_settings(request).timezone
    flt, _after = audit_filter(_typed(request), timezone)
    with reading_as(db, visitor.actor) as s:
        rows = audit_queries.audit_export(s, actor=visitor.actor, flt=flt)
    words = translations(visitor.lang)
    headings = [words.pgettext(c, h) if c else words.gettext(h) for c, h in HEADINGS]
    content = (audit_export.to_xlsx(headings, rows, timezone, words.gettext(SHEET))
               if kind == "xlsx" else audit_export.to_csv(headings, rows, timezone))
    name = f"audit-{utc_now():%Y%m%d-%H%M%S}.{kind}"
    return Response(content, media_type=audit_export.FORMATS[kind],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- verification runs ---------------------------------------------------------------------

@router.get("/audit/verify", response_class=HTMLResponse, dependencies=[needs(READ)])
def verify_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The last run of verify in full, the runs before it, and a button to run it now."""
    require(visitor.actor, READ)
    return _verify_page(request, db, visitor)


def _verify_page(request: Request, db: Database, visitor: Visitor,
                 refusal: Refusal | None = None, status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as s:
        runs = ledger_queries.verify_runs(s, actor=visitor.actor)
    return render(request, "audit/verify.html", visitor=visitor, runs=runs,
                  last=runs[0] if runs else None, refusal=refusal, status_code=status_code)


@router.post("/audit/verify", response_model=None, dependencies=[needs(READ)])
def run_verify_now(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep) -> Response:
    """Run verify now, record the run, and show it."""
    forms.check_csrf(request, visitor, form)
    require(visitor.actor, READ)
    settings = get_settings(request)

    def run() -> str:
        run_verify(db, actor=visitor.actor, anchor=load_anchor(settings), source="web",
                   max_unsealed_age=settings.unsealed_max_age_seconds)
        return "/audit/verify"

    return forms.submitted(
        run, lambda refused, status: _verify_page(request, db, visitor, refused, status),
        lang=visitor.lang, fields={}, form=form)
