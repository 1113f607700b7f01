"""Master data as spreadsheets from the browser: upload a file, see what it would do and every
problem (row, column, value, why, how to fix) before anything is written, then apply it; and
download every record of a kind as the XLSX the import reads.

The preview is `masterdata.importing.preview_file` (a read-only snapshot); the file is kept on
the server between preview and apply (`web.uploads`), so "Apply" imports exactly the bytes
that were previewed, all or nothing, through the same `import_file` the API and the CLI use.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from medwms.auth.rules import Perm
from medwms.core.errors import ImportRejected, Problem
from medwms.core.fields import Code
from medwms.masterdata import exporting, fields, importing
from medwms.masterdata.kinds import KINDS, Column, Kind
from medwms.masterdata.service import kind_named
from medwms.web import forms, uploads
from medwms.web.deps import DbDep, SettingsDep, Visitor, VisitorDep, needs
from medwms.web.i18n import gettext_for
from medwms.web.menu import N_, NP_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
INDEX = "/masterdata/files"
SHOWN_ROWS = 300  # rows of a preview listed on the page; the counts cover them all
SHOWN_PROBLEMS = 500  # problems listed; the message on top counts them all
CONTEXT = "master data files"
NAMES = {"items": NP_("master data files", "Items"),
         "packaging": NP_("master data files", "Packaging levels"),
         "owners": NP_("master data files", "Owners"),
         "partners": NP_("master data files", "Partners"),
         "warehouses": NP_("master data files", "Warehouses"),
         "zones": NP_("master data files", "Zones"),
         "locations": NP_("master data files", "Locations")}
CHOOSE_FILE = N_("Choose a spreadsheet (.xlsx) or a .csv file to upload.")
GONE = N_("The uploaded file is no longer on the server (it was applied, or an hour has "
          "passed): upload it again.")
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")

# How to fix a value of a column, by what the column takes.
HINTS = {
    "code": N_("Only letters A-Z, digits 0-9 and '-', no spaces (lower case is made upper)."),
    "text": N_("Plain text; shorten it if it is too long."),
    "date": N_("A date written YYYY-MM-DD (e.g. 2027-06-30), or a date cell."),
    "decimal": N_("A number such as 2 or 2.5, in range, without a unit."),
    "integer": N_("A whole number such as 30, without a unit."),
    "boolean": N_("true or false (also 1/0, yes/no, 是/否)."),
    "choice": N_("One of: %(values)s."),
    "gtin": N_("A GTIN of 8, 12, 13 or 14 digits with its check digit; format the cell as "
               "text so leading zeros stay."),
    "gln": N_("13 digits ending with the GS1 check digit."),
    "timezone": N_("A time zone name such as Asia/Shanghai."),
}
REFERENCES = {
    "item_code": N_("The code of an existing item: import the items first."),
    "warehouse_code": N_("The code of an existing warehouse: import the warehouses first."),
    "zone_code": N_("The code of an existing zone of that warehouse: import the zones first."),
    "parent_code": N_("The code of a customer, in this file or already imported."),
}
# What the values of a choice column mean, where the codes alone don't say it.
MEANINGS = {
    "licence_kind": N_("TRADING: medical device trading licence; TRADING_FILING: trading "
                       "filing certificate; MANUFACTURING: manufacturing licence; "
                       "MEDICAL_PRACTICE: medical institution practice licence. Leave it "
                       "empty if not known."),
}
HEADER_HINT = N_("Row 1 holds the column names: use exactly the names listed, each once.")
REQUIRED_HINT = N_("Required: fill in every row.")
KEY_HINT = N_("The key: each record once per file; a key that exists already changes that "
              "record.")
PARSERS: dict[fields.Parser, str] = {
    fields.iso_date: "date", fields.boolean: "boolean", fields.gtin: "gtin", fields.gln: "gln",
    fields.timezone: "timezone"}


@dataclass(frozen=True)
class Shown:
    """One problem as the preview lists it: where, the value, why and how to fix it."""

    row: int | None
    column: str | None
    value: str
    why: str
    fix: str


def column_hint(kind: Kind, name: str, lang: str) -> str:
    """How to fix a value in column `name` of `kind`, in `lang`; "" for an unknown column."""
    column = next((c for c in kind.columns if c.name == name), None)
    if column is None:
        return ""
    t = gettext_for
    parts = [t(lang, REFERENCES[name]) if name in REFERENCES else _type_hint(column, lang)]
    if name in MEANINGS:
        parts.append(t(lang, MEANINGS[name]))
    if name in kind.key:
        parts.append(t(lang, KEY_HINT))
    if column.required:
        parts.append(t(lang, REQUIRED_HINT))
    return " ".join(parts)


def _type_hint(column: Column, lang: str) -> str:
    """The hint of the parser the column reads with (a named parser, or a made one by the
    function that made it: text, code, decimal, integer, choice)."""
    parse = column.parse
    what = PARSERS.get(parse) or parse.__qualname__.split(".", 1)[0]
    hint = gettext_for(lang, HINTS.get(what, HINTS["text"]))
    if what == "choice":
        allowed = inspect.getclosurevars(parse).nonlocals.get("allowed", ())
        return hint % {"values": ", ".join(str(v) for v in allowed)}
    return hint


def shown_problems(kind: Kind, problems: tuple[Problem, ...] | list[Problem],
                   lang: str) -> list[Shown]:
    """Each problem with its words in `lang` and how to fix it."""
    found = []
    for problem in problems:
        why = problem.text(lang) if problem.message_zh else \
            forms.in_language(problem.message, lang)
        if problem.row == 1 and problem.column:
            fix = gettext_for(lang, HEADER_HINT)
        else:
            fix = column_hint(kind, problem.column or "", lang)
        found.append(Shown(problem.row, problem.column, problem.value or "", why, fix))
    return found


@router.get(INDEX, response_class=HTMLResponse, dependencies=[needs(Perm.MASTERDATA_READ)])
def files_index(request: Request, visitor: VisitorDep) -> HTMLResponse:
    """Every kind of master data with its columns, an Import and an Export link."""
    return render(request, "masterdata_files/index.html", visitor=visitor,
                  kinds=list(KINDS.values()), names=NAMES, context=CONTEXT,
                  can_import=visitor.actor.can(Perm.MASTERDATA_WRITE))


@router.get("/masterdata/{kind}/export", dependencies=[needs(Perm.MASTERDATA_READ)])
def export_kind(kind: Code, db: DbDep, visitor: VisitorDep) -> Response:
    """Every record of the kind as an XLSX file, in the columns the import reads."""
    spec = kind_named(kind)
    content = exporting.export_file(db=db, actor=visitor.actor, kind=spec.name,
                                    file_format="xlsx")
    return Response(content, media_type=exporting.FORMATS["xlsx"], headers={
        "Content-Disposition": f'attachment; filename="{spec.name}.xlsx"'})


@router.get("/masterdata/{kind}/import", response_class=HTMLResponse,
            dependencies=[needs(Perm.MASTERDATA_WRITE)])
def import_form(request: Request, kind: Code, visitor: VisitorDep,
                settings: SettingsDep) -> HTMLResponse:
    """The upload form of one kind, with the columns it reads."""
    return _page(request, visitor, kind_named(kind), settings.max_upload_bytes)


@router.post("/masterdata/{kind}/import", response_class=HTMLResponse,
             dependencies=[needs(Perm.MASTERDATA_WRITE)], openapi_extra=uploads.UPLOAD_FORM)
def preview_upload(request: Request, kind: Code, db: DbDep, visitor: VisitorDep,
                   settings: SettingsDep, form: forms.FormDep) -> HTMLResponse:
    """Check the uploaded file, write nothing: the problems, or what each row would do and
    the Apply button."""
    forms.check_csrf(request, visitor, form)
    spec = kind_named(kind)
    limit = settings.max_upload_bytes
    upload = form.get("file")
    reason = forms.text(form, "reason")[:300]
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, visitor, spec, limit, message=CHOOSE_FILE, reason=reason,
                     status_code=422)
    data = upload.file.read()
    filename = _safe_name(upload.filename)
    if not data:
        return _page(request, visitor, spec, limit, message=CHOOSE_FILE, reason=reason,
                     status_code=422)
    preview = importing.preview_file(db=db, actor=visitor.actor, kind=spec.name, data=data,
                                     filename=filename)
    token = uploads.keep(settings, visitor.actor.username, data) if preview.ok else ""
    return _page(request, visitor, spec, limit, preview=preview, token=token,
                 filename=filename, reason=reason, status_code=200 if preview.ok else 422)


@router.post("/masterdata/{kind}/import/apply", response_class=HTMLResponse,
             dependencies=[needs(Perm.MASTERDATA_WRITE)])
def apply_upload(request: Request, kind: Code, db: DbDep, visitor: VisitorDep,
                 settings: SettingsDep, form: forms.FormDep) -> HTMLResponse:
    """Import the previewed file, all or nothing; its problems if it no longer passes."""
    forms.check_csrf(request, visitor, form)
    spec = kind_named(kind)
    limit = settings.max_upload_bytes
    token, user = forms.text(form, "token"), visitor.actor.username
    filename = _safe_name(forms.text(form, "filename") or "upload.xlsx")
    reason = forms.text(form, "reason")[:300]
    data = uploads.take(settings, user, token)
    if data is None:
        return _page(request, visitor, spec, limit, message=GONE, reason=reason,
                     status_code=422)
    try:
        result = importing.import_file(db=db, actor=visitor.actor, kind=spec.name, data=data,
                                       filename=filename,
                                       reason=reason or f"import {filename} (web)")
    except ImportRejected as refused:
        return _page(request, visitor, spec, limit, refused=refused, filename=filename,
                     reason=reason, status_code=422)
    return _page(request, visitor, spec, limit, result=result, filename=filename)


def _safe_name(name: str) -> str:
    """The file's own name (no folders, no control characters), short enough to show."""
    return UNSAFE_NAME.sub("", PurePath(name.replace("\\", "/")).name)[:120] or "upload"


def _page(request: Request, visitor: Visitor, spec: Kind, limit: int, *,
          preview: importing.ImportPreview | None = None,
          refused: ImportRejected | None = None, status_code: int = 200,
          **context: Any) -> HTMLResponse:
    problems = preview.problems if preview else tuple(refused.problems) if refused else ()
    listed = [p for p in preview.previews if p.action != "unchanged"] if preview else []
    return render(request, "masterdata_files/import.html", visitor=visitor, kind=spec,
                  names=NAMES, context=CONTEXT, preview=preview, refused=refused,
                  problems=shown_problems(spec, problems[:SHOWN_PROBLEMS], visitor.lang),
                  problem_count=len(problems),
                  more_problems=max(0, len(problems) - SHOWN_PROBLEMS),
                  listed=listed[:SHOWN_ROWS], more=max(0, len(listed) - SHOWN_ROWS),
                  limit_mib=f"{limit / (1024 * 1024):g}", hints={
                      c.name: column_hint(spec, c.name, visitor.lang) for c in spec.columns},
                  cell=exporting.cell_text, status_code=status_code, **context)
