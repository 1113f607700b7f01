"""The archive page (administrator): archive the receipts and recall cases closed before a day
(the same service as `medwms archive`), and see every archived document with the day it must
be kept until. Archived documents leave the working lists and stay readable by number."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from medwms.archive.service import MANAGE, archive_closed
from medwms.auth.guard import reading_as
from medwms.core.db import Database
from medwms.runtime import queries
from medwms.runtime.rules import ARCHIVED_RECALL_CASE, ARCHIVED_RECEIPT
from medwms.web import forms
from medwms.web.deps import DbDep, SettingsDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Reader, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
PATH = "/archive"
KINDS = {ARCHIVED_RECEIPT: (N_("Receipt"), "/receipts/"),
         ARCHIVED_RECALL_CASE: (N_("Recall"), "/recalls/")}


@router.get(PATH, response_class=HTMLResponse, dependencies=[needs(MANAGE)])
def archive_page(request: Request, db: DbDep, visitor: VisitorDep,
                 done: str = "") -> HTMLResponse:
    """The archiving form and the archived documents, latest first."""
    return _page(request, db, visitor, done=done)


@router.post(PATH, response_model=None, dependencies=[needs(MANAGE)])
def archive_documents(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep,
                      settings: SettingsDep) -> Response:
    """Archive the documents closed before the day given; the page again if refused."""
    forms.check_csrf(request, visitor, form)
    return forms.submitted(
        lambda: f"{PATH}?done={_archive(db, visitor, form, settings.timezone)}",
        lambda refused, status: _page(request, db, visitor, values=forms.values(form),
                                      refusal=refused, status_code=status),
        lang=visitor.lang, fields={"closed_before": "closed_before"}, form=form)


def _archive(db: Database, visitor: Visitor, form: FormData, timezone: str) -> int:
    read = Reader()
    day = read.day(forms.text(form, "closed_before"), "closed_before")
    read.require(day is not None, "closed_before", "give the day (YYYY-MM-DD)",
                 "请填写日期（年-月-日）")
    read.check()
    return len(archive_closed(db=db, actor=visitor.actor, closed_before_day=day or date.min,
                              timezone=timezone))


def _page(request: Request, db: Database, visitor: Visitor, *, done: str = "",
          values: dict[str, str] | None = None, refusal: Refusal | None = None,
          status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as s:
        rows = queries.archived(s)
    return render(request, "archive.html", visitor=visitor, rows=rows, kinds=KINDS,
                  done=done, values=values or {}, refusal=refusal, status_code=status_code)
