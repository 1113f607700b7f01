"""The master-data pages: for each kind a list (search, filters, keyset pages), a record page
(every field, packaging levels or licence, its own audit history), the create and edit forms,
and taking a record out of use or back in use with a reason.

The pages read through `masterdata.queries` and write through `masterdata.service`, the same
commands the API calls. Addresses: /masterdata/<kind>, /masterdata/<kind>/new,
/masterdata/<kind>/<key>, /masterdata/<kind>/<key>/edit (zones are keyed WAREHOUSE:ZONE).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.fields import Code, Line
from medwms.masterdata import choices, queries, service, widgets
from medwms.masterdata.kinds import Kind, key_text
from medwms.web import forms
from medwms.web.deps import DbDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Refusal
from medwms.web.pages import masterdata_words as words
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
READ, WRITE = Perm.MASTERDATA_READ, Perm.MASTERDATA_WRITE
# A record's key in its URL: a code, a GTIN, or WAREHOUSE:ZONE (20 + 1 + 20 characters).
RecordKey = Annotated[Line, Path(max_length=41)]


def list_query(request: Request, kind: Kind) -> queries.ListQuery:
    """The list page's question from its URL (the import and export pages link with it)."""
    given = {name: forms.query_text(request, name) for name in queries.LIST_PARAMETERS}
    return queries.list_query(kind, given)


def list_url(kind: Kind, query: queries.ListQuery, **override: str) -> str:
    """The address of a list page asking `query` (with `override`n parameters)."""
    params = query.parameters(**override)
    return f"/masterdata/{kind.name}" + (f"?{urlencode(params)}" if params else "")


def record_url(kind: Kind, key: str) -> str:
    return f"/masterdata/{kind.name}/{key}"


@router.get("/masterdata/{kind}", response_class=HTMLResponse, dependencies=[needs(READ)])
def list_page(request: Request, kind: Code, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """One page of records of a kind, found by code or name prefix and filters."""
    require(visitor.actor, READ)
    spec = service.kind_named(kind)
    query = list_query(request, spec)
    with reading_as(db, visitor.actor) as s:
        page = queries.list_page(s, spec, query)
        warehouses = choices.warehouses(s) if spec.name in ("zones", "locations") else []
    return render(request, "masterdata/list.html", visitor=visitor, **_common(spec),
                  query=query, page=page, warehouses=warehouses,
                  columns=words.LIST_COLUMNS[spec.name],
                  statuses=words.STATUS_WORDS if widgets.in_use_column(spec) else {},
                  partner_kinds=widgets.KIND_CHOICES["partners"].options,
                  storages=queries.STORAGE_MAX, can_edit=visitor.actor.can(WRITE),
                  next_url=list_url(spec, query, after=page.next_after or "")
                  if page.next_after else "", first_url=list_url(spec, query, after=""),
                  rows=[_row(spec, r) for r in page.records])


@router.get("/masterdata/{kind}/new", response_class=HTMLResponse, dependencies=[needs(WRITE)])
def new_record(request: Request, kind: Code, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The empty form of a kind (a column named in the URL is filled in, e.g. ?item_code=)."""
    require(visitor.actor, WRITE)
    spec = service.kind_named(kind)
    given = {c.name: forms.query_text(request, c.name) for c in spec.columns}
    defaults = {c.name: _text(c.default) for c in spec.columns}
    values = defaults | {k: v for k, v in given.items() if v}
    return _form(request, db, visitor, spec, values=values, editing=None)


@router.post("/masterdata/{kind}/new", response_model=None, dependencies=[needs(WRITE)])
def create(request: Request, kind: Code, db: DbDep, visitor: VisitorDep,
           form: FormDep) -> Response:
    """Create the record and show its page; or the form again, each problem by its field."""
    spec = service.kind_named(kind)
    forms.check_csrf(request, visitor, form)

    def save() -> str:
        record = service.create_record(db=db, actor=visitor.actor, kind=spec.name,
                                       values=_posted(spec, form, widgets.form_columns(spec)),
                                       reason=forms.text(form, "reason"))
        return record_url(spec, key_text(spec.key_of(record)))

    return _submitted(request, db, visitor, spec, form, save, editing=None)


@router.get("/masterdata/{kind}/{key}", response_class=HTMLResponse, dependencies=[needs(READ)])
def record_page(request: Request, kind: Code, key: RecordKey, db: DbDep,
                visitor: VisitorDep) -> HTMLResponse:
    """Every field of one record, its packaging levels (those out of use too with
    ?packaging=all) or licence, and its history."""
    require(visitor.actor, READ)
    return _record(request, db, visitor, service.kind_named(kind), key,
                   all_packaging=forms.query_text(request, "packaging") == "all")


@router.get("/masterdata/{kind}/{key}/edit", response_class=HTMLResponse,
            dependencies=[needs(WRITE)])
def edit_record(request: Request, kind: Code, key: RecordKey, db: DbDep,
                visitor: VisitorDep) -> HTMLResponse:
    """The form filled in with the record as it is."""
    require(visitor.actor, WRITE)
    spec = service.kind_named(kind)
    record = service.fetch(db=db, actor=visitor.actor, kind=spec.name, key=key)
    values = {name: _text(value) for name, value in record.items()}
    return _form(request, db, visitor, spec, values=values, editing=record)


@router.post("/masterdata/{kind}/{key}/edit", response_model=None, dependencies=[needs(WRITE)])
def change_record(request: Request, kind: Code, key: RecordKey, db: DbDep, visitor: VisitorDep,
                  form: FormDep) -> Response:
    """Save the changes (a reason is asked for) and show the record's page."""
    spec = service.kind_named(kind)
    forms.check_csrf(request, visitor, form)
    record = service.fetch(db=db, actor=visitor.actor, kind=spec.name, key=key)
    editable = tuple(c for c in widgets.form_columns(spec) if c not in spec.key)

    def save() -> str:
        saved = service.update_record(db=db, actor=visitor.actor, kind=spec.name, key=key,
                                      changes=_posted(spec, form, editable),
                                      reason=forms.text(form, "reason"), reason_required=True)
        return record_url(spec, key_text(spec.key_of(saved)))

    return _submitted(request, db, visitor, spec, form, save, editing=record)


@router.post("/masterdata/{kind}/{key}/deactivate", response_model=None,
             dependencies=[needs(WRITE)])
def deactivate(request: Request, kind: Code, key: RecordKey, db: DbDep, visitor: VisitorDep,
               form: FormDep) -> Response:
    """Take the record out of use, with the reason given."""
    return _in_use(request, db, visitor, form, kind, key, service.deactivate_record)


@router.post("/masterdata/{kind}/{key}/reactivate", response_model=None,
             dependencies=[needs(WRITE)])
def reactivate(request: Request, kind: Code, key: RecordKey, db: DbDep, visitor: VisitorDep,
               form: FormDep) -> Response:
    """Put the record back in use, with the reason given."""
    return _in_use(request, db, visitor, form, kind, key, service.reactivate_record)


def _in_use(request: Request, db: Database, visitor: Visitor, form: FormData, kind: str,
            key: str, command: Any) -> Response:
    spec = service.kind_named(kind)
    forms.check_csrf(request, visitor, form)
    if widgets.in_use_column(spec) is None:
        return _record(request, db, visitor, spec, key)

    def save() -> str:
        record = command(db=db, actor=visitor.actor, kind=spec.name, key=key,
                         reason=forms.text(form, "reason"), reason_required=True)
        return record_url(spec, key_text(spec.key_of(record)))

    return forms.submitted(
        save, lambda refused, status: _record(request, db, visitor, spec, key,
                                              refusal=refused, status_code=status,
                                              reason=forms.text(form, "reason")),
        lang=visitor.lang, fields={"reason": "reason"}, form=form)


def _posted(spec: Kind, form: FormData, columns: tuple[str, ...]) -> dict[str, object]:
    """The posted values of `columns`: a tick box is true or false, an empty field None."""
    posted: dict[str, object] = {}
    for name in columns:
        if widgets.widget(spec, name).input == "checkbox":
            posted[name] = forms.text(form, name) == "yes"
        else:
            posted[name] = forms.text(form, name) or None
    return posted


def _submitted(request: Request, db: Database, visitor: Visitor, spec: Kind, form: FormData,
               save: Any, *, editing: dict[str, Any] | None) -> Response:
    fields = {name: name for name in (*spec.column_names, "reason")} | {
        "MASTERDATA_DUPLICATE": spec.key[-1], "MASTERDATA_KEY_CHANGE": spec.key[-1]}
    return forms.submitted(
        save, lambda refused, status: _form(request, db, visitor, spec,
                                            values=forms.values(form), editing=editing,
                                            refusal=refused, status_code=status),
        lang=visitor.lang, fields=fields, form=form)


def _text(value: object) -> str:
    """A value as a form field holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, date | Decimal):
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value)


def _common(spec: Kind) -> dict[str, Any]:
    plural, single = words.KIND_WORDS[spec.name]
    return {"kind": spec, "plural": plural, "single": single, "words": words,
            "in_use_column": widgets.in_use_column(spec)}


def _row(spec: Kind, record: dict[str, Any]) -> dict[str, Any]:
    """A list row: the record, its key, whether it is in use, and its kind's own marks."""
    column = widgets.in_use_column(spec)
    in_use = True if column is None else bool(record[column]) == (column == "active")
    extra: dict[str, Any] = {}
    if spec.name == "items":
        extra["storage"] = queries.storage_of(record)
    if spec.name == "partners":
        extra["licence"] = queries.licence_state(record, local_date(utc_now()))
    return {"record": record, "key": key_text(spec.key_of(record)), "in_use": in_use} | extra


def _form(request: Request, db: Database, visitor: Visitor, spec: Kind, *,
          values: dict[str, str], editing: dict[str, Any] | None,
          refusal: Refusal | None = None, status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as s:
        warehouses = choices.warehouses(s) if spec.name in ("zones", "locations") else []
        zones = sorted({z.partition("/")[2] for z, _ in choices.zones(s)}) \
            if spec.name == "locations" else []
    key = key_text(spec.key_of(editing)) if editing else ""
    return render(request, "masterdata/form.html", visitor=visitor, **_common(spec),
                  values=values, editing=editing, key=key, refusal=refusal,
                  columns=widgets.form_columns(spec), widget=lambda c: widgets.widget(spec, c),
                  warehouses=warehouses, zones=zones, status_code=status_code)


def _record(request: Request, db: Database, visitor: Visitor, spec: Kind, key: str, *,
            refusal: Refusal | None = None, status_code: int = 200,
            reason: str = "", all_packaging: bool = False) -> HTMLResponse:
    parsed = service.parse_key(spec, key)
    packaging: list[dict[str, Any]] = []
    hidden_packaging = 0
    with reading_as(db, visitor.actor) as s:
        record = queries.get_record(s, spec, parsed)
        history = queries.record_history(s, spec, parsed)
        if spec.name == "items":
            packaging = queries.packaging_of(s, record["code"], with_inactive=all_packaging)
            hidden_packaging = 0 if all_packaging else \
                queries.inactive_packaging_count(s, record["code"])
    row = _row(spec, record)
    today = local_date(utc_now())
    registration = queries.credential_state(record["registration_no"],
                                            record["registration_expiry"], today) \
        if spec.name == "items" else None
    return render(request, "masterdata/record.html", visitor=visitor, **_common(spec),
                  record=record, row=row, key=row["key"], history=history,
                  packaging=packaging, hidden_packaging=hidden_packaging,
                  all_packaging=all_packaging, registration=registration,
                  can_edit=visitor.actor.can(WRITE), refusal=refusal, reason=reason,
                  status_code=status_code)
