"""The recall case page, and the forms that work the case from it.

The page shows the case, its consignees with their notice status and notices, the
reconciliation per consignee and per lot/serial, where the recalled units are held, and the
timeline. Those with the recall permission get the forms: block again what turned up since,
record a notice sent (channel, person reached, when, note), record what a consignee reports
(used, destroyed on site), destroy recalled units we hold (with the reason), and — for a
quality manager — close the case with an electronic signature (password again). Each form
posts here with the CSRF token and calls the service the API calls; a refusal shows the page
again with the problem beside its field, in the form that was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from medwms.auth.errors import WrongPassword
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.db import Database
from medwms.core.fields import Code
from medwms.recall import casework, queries, rules, service
from medwms.recall.errors import BadRecall, SignerNotQualityManager
from medwms.web import forms
from medwms.web.deps import DbDep, SettingsDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Reader, Refusal
from medwms.web.i18n import gettext_for
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
MANAGE = service.MANAGE
CHANNELS = {"PHONE": N_("Phone"), "EMAIL": N_("E-mail"), "FAX": N_("Fax"),
            "LETTER": N_("Letter"), "IN_PERSON": N_("In person")}
EVENTS = {"opened": N_("Recall opened"), "blocked": N_("Stock blocked"),
          "consignees_listed": N_("Consignees listed"), "notified": N_("Consignee notified"),
          "notice": N_("Notice sent"), "acknowledged": N_("Notice acknowledged"),
          "returned": N_("Units returned"), "destroyed": N_("Units destroyed"),
          "closed": N_("Recall closed")}
FIGURES = {"affected": N_("Affected units"), "blocked_in_stock": N_("Blocked in our stock"),
           "shipped": N_("Shipped to consignees"), "returned": N_("Returned"),
           "destroyed": N_("Destroyed at consignees"), "used": N_("Used on patients"),
           "unaccounted": N_("Not yet accounted for")}
DONE = {"block": N_("Blocked again: %(n)s more units are now blocked."),
        "notice": N_("The notice is recorded."),
        "report": N_("The consignee's report is recorded."),
        "destroy": N_("The destruction is recorded."),
        "close": N_("The recall is closed and signed.")}
FORMS = ("block", "notice", "report", "destroy", "close")
# Where each problem column (or error code) of the recall services is shown on the page.
FIELDS = {"channel": "channel", "recipient": "recipient", "sent_at": "sent_at",
          "partner": "partner", "CONSIGNEE_NOT_IN_RECALL": "partner", "used": "used",
          "destroyed": "destroyed", "quantity": "quantity", "reason": "reason",
          "location": "location", "RECALL_NOTHING_HELD_HERE": "lot", "lot": "lot",
          "password": "password", "report": "report", WrongPassword.code: "password",
          SignerNotQualityManager.code: "password"}


@router.get("/recalls/{recall_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def recall_page(request: Request, recall_no: Code, db: DbDep, visitor: VisitorDep,
                done: str = "", n: int = 0) -> HTMLResponse:
    """One recall: the case, consignees and notices, reconciliation, timeline, and its forms."""
    require(visitor.actor, Perm.STOCK_READ)
    return _page(request, db, visitor, recall_no, done=done if done in DONE else "", count=n)


def _page(request: Request, db: Database, visitor: Visitor, recall_no: str, *,
          failed: str = "", refusal: Refusal | None = None, values: dict[str, str] | None = None,
          status_code: int = 200, done: str = "", count: int = 0) -> HTMLResponse:
    with reading_as(db, visitor.actor) as session:
        view = queries.recall_view(session, recall_no)
        events = queries.timeline(session, view)
        lots = queries.lot_units(session, view)
        held = queries.held_locations(session, view)
    actor = visitor.actor
    return render(request, "recall/case.html", visitor=visitor, view=view, events=events,
                  lots=lots, held=held, channels=CHANNELS, event_words=EVENTS,
                  figures=FIGURES, can_manage=actor.can(MANAGE) and view.status == "OPEN",
                  can_sign=rules.may_sign_close(actor.roles), done=DONE.get(done),
                  signed=_signed(str(view.closing_report.get("signature", "")), visitor.lang),
                  count=count, failed=failed, refusal=refusal, values=values or {},
                  status_code=status_code)


def _signed(printed: str, lang: str) -> str:
    """The closing signature "name – date/time – meaning", its meaning in `lang`."""
    head, dash, meaning = printed.rpartition(" – ")
    if dash and meaning == rules.CLOSE_MEANING:
        return head + dash + gettext_for(lang, EVENTS["closed"])
    return printed


def _submitted(request: Request, db: Database, visitor: Visitor, form: FormData,
               recall_no: str, name: str, save: Callable[[], str]) -> Response:
    forms.check_csrf(request, visitor, form)
    require(visitor.actor, MANAGE)
    return forms.submitted(
        save, lambda refused, status: _page(request, db, visitor, recall_no, failed=name,
                                            refusal=refused, values=forms.values(form),
                                            status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


def _done(recall_no: str, name: str, anchor: str, count: int | None = None) -> str:
    counted = f"&n={count}" if count is not None else ""
    return f"/recalls/{recall_no}?done={name}{counted}#{anchor}"


@router.post("/recalls/{recall_no}/block", response_model=None, dependencies=[needs(MANAGE)])
def block_form(request: Request, recall_no: Code, db: DbDep, visitor: VisitorDep,
               form: FormDep) -> Response:
    """Block again every unit of the scope not yet RECALLED."""
    def save() -> str:
        blocked = casework.block_remaining(db, actor=visitor.actor, recall_no=recall_no)
        return _done(recall_no, "block", "block", blocked.newly_blocked)
    return _submitted(request, db, visitor, form, recall_no, "block", save)


@router.post("/recalls/{recall_no}/notices", response_model=None, dependencies=[needs(MANAGE)])
def notice_form(request: Request, recall_no: Code, db: DbDep, visitor: VisitorDep,
                form: FormDep, settings: SettingsDep) -> Response:
    """Record a notice sent to a consignee."""
    def save() -> str:
        read = Reader()
        sent_at = _moment(read, forms.text(form, "sent_at"), settings.timezone)
        read.require(bool(forms.text(form, "partner")), "partner",
                     "choose the consignee notified", "请选择被通知的收货单位")
        read.check(BadRecall)
        casework.record_notice(db, actor=visitor.actor, recall_no=recall_no,
                               notice=casework.NoticeIn(
                                   partner=forms.text(form, "partner"),
                                   channel=forms.text(form, "channel"),
                                   recipient=forms.text(form, "recipient"), sent_at=sent_at,
                                   note=forms.text(form, "note")))
        return _done(recall_no, "notice", "consignees")
    return _submitted(request, db, visitor, form, recall_no, "notice", save)


def _moment(read: Reader, raw: str, timezone: str) -> datetime | None:
    """A datetime-local field (no zone), read in the warehouse time zone; None when empty."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        read.require(False, "sent_at", "not a date and time (YYYY-MM-DD HH:MM)",
                     "不是有效的日期时间（年-月-日 时:分）")
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))


@router.post("/recalls/{recall_no}/reports", response_model=None, dependencies=[needs(MANAGE)])
def report_form(request: Request, recall_no: Code, db: DbDep, visitor: VisitorDep,
                form: FormDep) -> Response:
    """Record what a consignee reports: units used on patients and destroyed on site."""
    def save() -> str:
        read = Reader()
        used = read.whole(forms.text(form, "used"), "used")
        destroyed = read.whole(forms.text(form, "destroyed"), "destroyed")
        read.check(BadRecall)
        service.record_consignee_report(db, actor=visitor.actor, recall_no=recall_no,
                                        partner=forms.text(form, "partner"), used=used,
                                        destroyed=destroyed, note=forms.text(form, "note"))
        return _done(recall_no, "report", "reconciliation")
    return _submitted(request, db, visitor, form, recall_no, "report", save)


@router.post("/recalls/{recall_no}/destructions", response_model=None,
             dependencies=[needs(MANAGE)])
def destroy_form(request: Request, recall_no: Code, db: DbDep, visitor: VisitorDep,
                 form: FormDep) -> Response:
    """Destroy recalled units held at a location, with the reason."""
    def save() -> str:
        read = Reader()
        quantity = read.whole(forms.text(form, "quantity"), "quantity")
        read.require(bool(forms.text(form, "location")), "location",
                     "choose where the units are held", "请选择产品所在库位")
        read.check(BadRecall)
        lot, serial = forms.text(form, "lot"), forms.text(form, "serial")
        casework.destroy_recalled_units(db, actor=visitor.actor, recall_no=recall_no,
                                        destruction=casework.DestructionIn(
                                            location=forms.text(form, "location"),
                                            quantity=quantity, reason=forms.text(form, "reason"),
                                            lot=lot or None, serial=serial or None))
        return _done(recall_no, "destroy", "held")
    return _submitted(request, db, visitor, form, recall_no, "destroy", save)


@router.post("/recalls/{recall_no}/close", response_model=None, dependencies=[needs(MANAGE)])
def close_form(request: Request, recall_no: Code, db: DbDep, visitor: VisitorDep,
               form: FormDep) -> Response:
    """Close the recall: the closing report, signed by a quality manager's password."""
    def save() -> str:
        service.close_recall(db, actor=visitor.actor, recall_no=recall_no,
                             password=_password(form), report=forms.text(form, "report"))
        return _done(recall_no, "close", "close")
    return _submitted(request, db, visitor, form, recall_no, "close", save)


def _password(form: FormData) -> str:
    """The password as typed (not trimmed: a space may be part of it)."""
    value = form.get("password")
    return value if isinstance(value, str) else ""
