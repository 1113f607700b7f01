"""The form that opens a recall case, real or mock (a drill), from the recalls page.

It posts here (CSRF token in the form) and calls the service the API's POST /recalls calls.
A real recall blocks every unit in scope at once, so the form asks for that to be confirmed;
a mock recall only lists the stock and the consignees. Its router comes before the recall
pages' router, so /recalls/new is not read as a recall number.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from medwms.auth.guard import reading_as, require
from medwms.core.db import Database
from medwms.masterdata import choices
from medwms.recall import queries, service
from medwms.recall.errors import BadRecall
from medwms.recall.rules import RISK_CLASSES, Scope
from medwms.web import forms
from medwms.web.deps import DbDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Reader, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
KINDS = ("MOCK", "REAL")
CLASS_WORDS = {"I": N_("Class I: use may cause or has caused serious health harm"),
               "II": N_("Class II: temporary or reversible harm"),
               "III": N_("Class III: harm unlikely, recall still needed")}
# Where each problem column of the recall service is shown on the form.
FIELDS = {"risk_class": "risk_class", "reason": "reason", "scope": "lots",
          "expiry": "expiry_from", "production date": "produced_from", "kind": "kind",
          "confirm": "confirm", "expiry_from": "expiry_from", "expiry_to": "expiry_to",
          "produced_from": "produced_from", "produced_to": "produced_to",
          "GTIN": "gtin", "SCAN_REFUSED": "gtin", "NO_SUCH_LOT": "lots"}


@router.get("/recalls/new", response_class=HTMLResponse, dependencies=[needs(service.MANAGE)])
def new_recall(request: Request, db: DbDep, visitor: VisitorDep,
               kind: str = "") -> HTMLResponse:
    """The form: product, lots or serials (or a date range), class, reason, real or mock."""
    require(visitor.actor, service.MANAGE)
    return _form(request, db, visitor, values={"kind": kind.upper()})


@router.post("/recalls/new", response_model=None, dependencies=[needs(service.MANAGE)])
def open_recall(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep) -> Response:
    """Open the case and show it; or the form again with every problem beside its field."""
    forms.check_csrf(request, visitor, form)
    require(visitor.actor, service.MANAGE)
    return forms.submitted(
        lambda: f"/recalls/{_open(db, visitor, form).recall_no}",
        lambda refused, status: _form(request, db, visitor, values=forms.values(form),
                                      refusal=refused, status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


def _open(db: Database, visitor: Visitor, form: FormData) -> queries.RecallView:
    read = Reader()
    kind = forms.text(form, "kind")
    read.require(kind in KINDS, "kind", "choose a mock recall (drill) or a real recall",
                 "请选择模拟召回（演练）或正式召回")
    read.require(kind != "REAL" or forms.text(form, "confirm") == "yes", "confirm",
                 "a real recall blocks the stock at once: tick to confirm",
                 "正式召回会立即封存库存：请勾选确认")
    scope = Scope(forms.text(form, "gtin"), forms.words(forms.text(form, "lots")),
                  forms.words(forms.text(form, "serials")),
                  *(read.day(forms.text(form, name), name) for name in (
                      "expiry_from", "expiry_to", "produced_from", "produced_to")))
    read.check(BadRecall)
    return service.open_recall(db, actor=visitor.actor, scope=scope,
                               reason=forms.text(form, "reason"),
                               risk_class=forms.text(form, "risk_class"), mock=kind == "MOCK")


def _form(request: Request, db: Database, visitor: Visitor, *, values: dict[str, str],
          refusal: Refusal | None = None, status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as s:
        products = choices.products(s, visitor.lang)
    return render(request, "recall/new.html", visitor=visitor, values=values,
                  products=products, classes={c: CLASS_WORDS[c] for c in RISK_CLASSES},
                  refusal=refusal, status_code=status_code)
