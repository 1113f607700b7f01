"""The quality team's pages for expiry control and nonconforming goods.

Near-expiry list (with its spreadsheet), expired stock still to move into the red area,
holds on doubt with the signed QA decision, destruction records (two signatures, PDF) and
the in-stock maintenance checks (养护). Each form posts with the CSRF token and calls the
service the API calls; a refusal shows the page again with the problem beside its field.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from medwms.auth.errors import WrongPassword
from medwms.auth.guard import reading_as
from medwms.auth.rules import Perm
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.fields import Code, Id
from medwms.quality import expiry, expiry_queries, hold_queries, maintenance
from medwms.quality.destruction import DestructionIn, record_destruction
from medwms.quality.nonconforming import Doubt, decide_hold, hold_on_doubt
from medwms.quality.stock_errors import BadQualityInput, WitnessIsOperator, WitnessNotQuality
from medwms.quality.stock_rules import Decision
from medwms.web import forms
from medwms.web.deps import DbDep, SettingsDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Reader, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
READ = Perm.STOCK_READ
DECISIONS = {Decision.RELEASE: N_("Release back to available"),
             Decision.NONCONFORMING: N_("Nonconforming (into the red area)"),
             Decision.RETURN: N_("Return to the supplier (into the red area)"),
             Decision.DESTROY: N_("Destroy (into the red area)")}
APPLIED = {expiry_queries.APPLIED_ITEM: N_("item's own"),
           expiry_queries.APPLIED_SETTING: N_("the setting"),
           expiry_queries.APPLIED_ASKED: N_("asked for on this page")}
HOLD_STATUS = {"OPEN": N_("Waiting for the quality decision"), "DECIDED": N_("Decided")}
FIELDS = {"reason": "reason", "lot": "lot", "location": "location", "quantity": "quantity",
          "method": "method", "place": "place", "password": "password", "notes": "notes",
          "to_location": "to_location", "red_location": "red_location",
          "NOT_RED_LOCATION": "red_location", "NOTHING_TO_HOLD": "lot",
          "NOTHING_TO_DESTROY": "quantity", "EXPIRED_CANNOT_BE_RELEASED": "decision",
          WrongPassword.code: "password", WitnessIsOperator.code: "witness",
          WitnessNotQuality.code: "witness", "NOT_AUTHENTICATED": "witness"}


def _submitted(request: Request, visitor: Visitor, form: FormData, save: Callable[[], str],
               again: Callable[[Refusal, int], Response]) -> Response:
    forms.check_csrf(request, visitor, form)
    return forms.submitted(save, again, lang=visitor.lang, fields=FIELDS, form=form)


def _password(form: FormData, name: str = "password") -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.get("/quality/near-expiry", response_class=HTMLResponse, dependencies=[needs(READ)])
def near_expiry_page(request: Request, db: DbDep, visitor: VisitorDep, settings: SettingsDep,
                     days: str = "") -> HTMLResponse:
    """Stock expiring within each item's threshold (its own, else the setting), or ?days=."""
    asked = min(int(days), 3650) if days.strip().isdigit() else None
    with reading_as(db, visitor.actor) as session:
        lines = expiry_queries.near_expiry_stock(session, now=utc_now(),
                                                 days=settings.near_expiry_days, asked=asked)
    return render(request, "quality_stock/near_expiry.html", visitor=visitor, lines=lines,
                  days="" if asked is None else asked, setting=settings.near_expiry_days,
                  applied=APPLIED)


def _expired(request: Request, db: Database, visitor: Visitor, *,
             refusal: Refusal | None = None, failed: str = "",
             status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as session:
        lines = expiry_queries.expired_to_move(session, now=utc_now())
        red = expiry_queries.red_location_codes(session)
    return render(request, "quality_stock/expired.html", visitor=visitor, lines=lines,
                  red=red, refusal=refusal, failed=failed, status_code=status_code,
                  can_move=visitor.actor.can(Perm.STOCK_MOVE))


@router.get("/quality/expired", response_class=HTMLResponse, dependencies=[needs(READ)])
def expired_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """EXPIRED stock not yet in a red zone: the moves to make."""
    return _expired(request, db, visitor)


@router.post("/quality/expired/{stock_id}/move", response_model=None,
             dependencies=[needs(Perm.STOCK_MOVE)])
def move_form(request: Request, stock_id: Id, db: DbDep, visitor: VisitorDep,
              form: FormDep) -> Response:
    """Move one expired balance into the chosen red location."""
    def save() -> str:
        expiry.move_to_nonconforming(db, actor=visitor.actor, stock_id=stock_id,
                                     to_location=forms.text(form, "to_location"))
        return "/quality/expired"
    return _submitted(request, visitor, form, save, lambda r, s: _expired(
        request, db, visitor, refusal=r, failed=str(stock_id), status_code=s))


def _holds(request: Request, db: Database, visitor: Visitor, *, failed: str = "",
           refusal: Refusal | None = None, values: dict[str, str] | None = None,
           status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as session:
        waiting = hold_queries.list_holds(session, status="OPEN")
        decided = hold_queries.list_holds(session, status="DECIDED", limit=50)
        red = expiry_queries.red_location_codes(session)
    return render(request, "quality_stock/holds.html", visitor=visitor, waiting=waiting,
                  decided=decided, red=red, decisions=DECISIONS, hold_status=HOLD_STATUS,
                  can_hold=visitor.actor.can(Perm.QUALITY_RECORD),
                  can_decide=visitor.actor.can(Perm.QUALITY_APPROVE), failed=failed,
                  refusal=refusal, values=values or {},
                  check_no=forms.query_text(request, "check"), status_code=status_code)


@router.get("/quality/holds", response_class=HTMLResponse, dependencies=[needs(READ)])
def holds_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Holds on doubt waiting for the QA decision, the form to hold, and decided holds."""
    return _holds(request, db, visitor)


@router.post("/quality/holds", response_model=None,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def hold_form(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep) -> Response:
    """Put a doubted lot or serial on hold."""
    def save() -> str:
        hold_on_doubt(db, actor=visitor.actor, doubt=Doubt(
            item=forms.text(form, "item"), lot=forms.text(form, "lot") or None,
            serial=forms.text(form, "serial") or None,
            location=forms.text(form, "location") or None,
            reason=forms.text(form, "reason"), check_no=forms.text(form, "check_no")))
        return "/quality/holds"
    return _submitted(request, visitor, form, save, lambda r, s: _holds(
        request, db, visitor, failed="hold", refusal=r, values=forms.values(form),
        status_code=s))


@router.post("/quality/holds/{hold_no}/decide", response_model=None,
             dependencies=[needs(Perm.QUALITY_APPROVE)])
def decide_form(request: Request, hold_no: Code, db: DbDep, visitor: VisitorDep,
                form: FormDep) -> Response:
    """QA's signed decision on one hold."""
    def save() -> str:
        raw = forms.text(form, "decision")
        read = Reader()
        read.require(raw in DECISIONS, "decision", "choose the decision", "请选择处理决定")
        read.check(BadQualityInput)
        decide_hold(db, actor=visitor.actor, hold_no=hold_no, decision=Decision(raw),
                    note=forms.text(form, "note"), password=_password(form),
                    red_location=forms.text(form, "red_location") or None)
        return "/quality/holds"
    return _submitted(request, visitor, form, save, lambda r, s: _holds(
        request, db, visitor, failed=hold_no, refusal=r, values=forms.values(form),
        status_code=s))


def _destructions(request: Request, db: Database, visitor: Visitor, *,
                  refusal: Refusal | None = None, values: dict[str, str] | None = None,
                  status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as session:
        records = hold_queries.list_destructions(session)
        red = expiry_queries.red_location_codes(session)
    return render(request, "quality_stock/destructions.html", visitor=visitor,
                  records=records, red=red, refusal=refusal, values=values or {},
                  can_record=visitor.actor.can(Perm.QUALITY_RECORD),
                  hold_no=forms.query_text(request, "hold"), status_code=status_code)


@router.get("/quality/destructions", response_class=HTMLResponse, dependencies=[needs(READ)])
def destructions_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Destruction records and the form to record one."""
    return _destructions(request, db, visitor)


@router.post("/quality/destructions", response_model=None,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def destruction_form(request: Request, db: DbDep, visitor: VisitorDep,
                     form: FormDep) -> Response:
    """Record a destruction, signed by the operator and a witness."""
    def save() -> str:
        read = Reader()
        quantity = read.whole(forms.text(form, "quantity"), "quantity")
        read.check(BadQualityInput)
        record_destruction(db, actor=visitor.actor, password=_password(form),
                           witness=forms.text(form, "witness"),
                           witness_password=_password(form, "witness_password"),
                           destruction=_destruction_in(form, quantity))
        return "/quality/destructions"
    return _submitted(request, visitor, form, save, lambda r, s: _destructions(
        request, db, visitor, refusal=r, values=forms.values(form), status_code=s))


def _destruction_in(form: FormData, quantity: int) -> DestructionIn:
    return DestructionIn(item=forms.text(form, "item"), lot=forms.text(form, "lot") or None,
                         serial=forms.text(form, "serial") or None,
                         location=forms.text(form, "location"), quantity=quantity,
                         method=forms.text(form, "method"), place=forms.text(form, "place"),
                         reason=forms.text(form, "reason"),
                         hold_no=forms.text(form, "hold_no"))


def _checks(request: Request, db: Database, visitor: Visitor, default_days: int, *,
            refusal: Refusal | None = None, values: dict[str, str] | None = None,
            status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as session:
        tasks = maintenance.check_tasks(session, now=utc_now(), default_days=default_days)
        recent = maintenance.recent_checks(session, limit=30)
    return render(request, "quality_stock/checks.html", visitor=visitor, tasks=tasks,
                  recent=recent, refusal=refusal, values=values or {},
                  can_record=visitor.actor.can(Perm.QUALITY_RECORD),
                  status_code=status_code)


@router.get("/quality/checks", response_class=HTMLResponse, dependencies=[needs(READ)])
def checks_page(request: Request, db: DbDep, visitor: VisitorDep,
                settings: SettingsDep) -> HTMLResponse:
    """Each zone's next in-stock check, the form to record one, and the latest checks."""
    return _checks(request, db, visitor, settings.stock_check_days)


@router.post("/quality/checks", response_model=None, dependencies=[needs(Perm.QUALITY_RECORD)])
def check_form(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep,
               settings: SettingsDep) -> Response:
    """Record an in-stock check with its findings."""
    def save() -> str:
        warehouse, _, zone = forms.text(form, "zone").partition("/")
        view = maintenance.record_check(db, actor=visitor.actor, warehouse=warehouse,
                                        zone=zone, findings=_findings(form))
        return f"/quality/checks?done={view.check_no}"
    return _submitted(request, visitor, form, save, lambda r, s: _checks(
        request, db, visitor, settings.stock_check_days, refusal=r, values=forms.values(form),
        status_code=s))


def _findings(form: FormData) -> maintenance.Findings:
    def ok(name: str) -> bool:
        return forms.text(form, name) == "yes"
    return maintenance.Findings(storage_ok=ok("storage_ok"), conditions_ok=ok("conditions_ok"),
                                monitoring_ok=ok("monitoring_ok"), stock_ok=ok("stock_ok"),
                                notes=forms.text(form, "notes"))


