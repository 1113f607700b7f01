"""Plain HTML forms of the web pages: the posted fields, their line rows, and a refusal shown
next to the field (and line) it names, in the UI language.

A form posts `application/x-www-form-urlencoded` with the CSRF token in `csrf_token`. Line
editors repeat the same field names once per row, so the n-th value of every name belongs to
row n (rows count from 1, as the services' problems do). A refused command comes back as the
same form, filled in as posted, with each problem beside its field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from medwms.core.errors import DomainError, NotFound, PermissionDenied, Problem, ValidationError
from medwms.core.fields import MULTI_LINE
from medwms.masterdata.fields import bilingual
from medwms.web import session
from medwms.web.deps import Visitor, get_settings
from medwms.web.i18n import gettext_for
from medwms.web.menu import N_

SEPARATOR = " / "  # masterdata.fields.bilingual: "English / 中文"
CORRECT_BELOW = N_("Nothing was saved: correct what is marked below.")
LINE = N_("Line %(n)s")
FREE_TEXT = re.compile(MULTI_LINE)  # no control characters but tab and line breaks
MAX_QUERY = 300  # a filter of a list page
MAX_FIELD = 10_000  # a list of serials typed one per line is the longest a form takes


async def posted_form(request: Request) -> FormData:
    """The posted form, read once (the page functions themselves stay synchronous)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(posted_form)]


def check_csrf(request: Request, visitor: Visitor, form: FormData) -> None:
    """Refuse (403 page) a form that does not carry the session's CSRF token."""
    session.check_csrf(get_settings(request), visitor.token, text(form, session.CSRF_FIELD))


def text(form: FormData, name: str) -> str:
    """One posted field, trimmed; "" when absent."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def query_text(request: Request, name: str) -> str:
    """One query parameter of a page, trimmed ("" when absent); a value no filter may hold
    (a control character, longer than MAX_QUERY) is a ValidationError naming it."""
    value = (request.query_params.get(name) or "").strip()
    if not FREE_TEXT.match(value) or len(value) > MAX_QUERY:
        raise ValidationError([Problem(bilingual(
            f"{name}: a control character, or longer than {MAX_QUERY} characters",
            f"{name}：含有控制字符，或超过 {MAX_QUERY} 个字符"), column=name)])
    return value


def values(form: FormData) -> dict[str, str]:
    """The posted fields by name, their first value (to fill the form in again)."""
    return {key: text(form, key) for key in form if key != session.CSRF_FIELD}


def line_rows(form: FormData, names: Sequence[str]) -> list[dict[str, str]]:
    """The posted line rows: row n holds the n-th value of each name (missing ones empty)."""
    columns = {name: [v.strip() if isinstance(v, str) else "" for v in form.getlist(name)]
               for name in names}
    count = max((len(column) for column in columns.values()), default=0)
    return [{name: (column[n] if n < len(column) else "") for name, column in columns.items()}
            for n in range(count)]


def is_blank(row: Mapping[str, str]) -> bool:
    """Whether a line row was left empty (such rows are skipped, not refused)."""
    return not any(row.values())


def words(raw: str) -> tuple[str, ...]:
    """Lots or serials typed one per line, or separated by commas or spaces."""
    return tuple(part for part in re.split(r"[\s,;，；]+", raw) if part)


def in_language(message: str, lang: str) -> str:
    """One side of a bilingual problem text ("English / 中文"), the other kept when alone."""
    english, separator, chinese = message.partition(SEPARATOR)
    return chinese if separator and lang == "zh-CN" else english


@dataclass
class Reader:
    """Reads typed values from posted text; one that does not read is kept as a problem."""

    problems: list[Problem] = field(default_factory=list)

    def day(self, raw: str, column: str, row: int | None = None) -> date | None:
        """A date as <input type=date> sends it (YYYY-MM-DD), or None when empty."""
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            self._refuse(column, row, raw, "not a date (YYYY-MM-DD)", "不是有效日期（年-月-日）")
            return None

    def number(self, raw: str, column: str) -> Decimal | None:
        """A decimal number, or None when empty."""
        try:
            return Decimal(raw.replace(",", ".")) if raw else None
        except InvalidOperation:
            self._refuse(column, None, raw, "not a number", "不是数字")
            return None

    def whole(self, raw: str, column: str, row: int | None = None, *, empty: int = 0) -> int:
        """A whole number, `empty` when left empty."""
        if not raw:
            return empty
        try:
            return int(raw)
        except ValueError:
            self._refuse(column, row, raw, "not a whole number", "不是整数")
            return empty

    def require(self, ok: bool, column: str, en: str, zh: str) -> None:
        """Note a problem at `column` unless `ok`."""
        if not ok:
            self._refuse(column, None, None, en, zh)

    def check(self, error: type[ValidationError] = ValidationError, **fields: Any) -> None:
        """Raise `error` (with `fields`) listing every problem read so far, if any."""
        if self.problems:
            raise error(self.problems, **fields)

    def _refuse(self, column: str, row: int | None, raw: str | None, en: str, zh: str) -> None:
        self.problems.append(Problem(bilingual(en, zh), column=column, row=row, value=raw))


@dataclass
class Refusal:
    """A refused submit as the form shows it: a message on top, messages by field and row."""

    message: str
    general: list[str] = field(default_factory=list)
    by_field: dict[str, list[str]] = field(default_factory=dict)

    def at(self, name: str, row: int | None = None) -> list[str]:
        """The messages beside field `name` (of line `row`)."""
        return self.by_field.get(_key(name, row), [])

    def in_row(self, row: int) -> bool:
        """Whether line `row` has a problem."""
        return any(key.endswith(f"@{row}") for key in self.by_field)

    def place(self, name: str | None, row: int | None, message: str) -> None:
        """Put `message` beside field `name`, or on top when the form has no such field."""
        if name is None:
            self.general.append(message)
        else:
            self.by_field.setdefault(_key(name, row), []).append(message)


def status_of(error: DomainError) -> int:
    """The status of a form shown again: a thing named but not found is bad input (422)."""
    return 422 if isinstance(error, NotFound) else error.status


def _key(name: str, row: int | None) -> str:
    return name if row is None else f"{name}@{row}"


def _problem_words(problem: Problem, error: ValidationError, lang: str) -> str:
    """Why `problem` was refused, in `lang`: its own words when it has them."""
    if problem.message_zh:
        return problem.text(lang)
    if SEPARATOR in problem.message:
        return in_language(problem.message, lang)
    return error.message(lang)


def refusal(error: DomainError, lang: str, fields: Mapping[str, str]) -> Refusal:
    """What the form shows for `error`; `fields` maps problem columns (or the error's code,
    or the `what` of a NotFound) to the form's field names."""
    if isinstance(error, ValidationError):
        shown = Refusal(gettext_for(lang, CORRECT_BELOW))
        for problem in error.problems:
            message = _problem_words(problem, error, lang)
            name = fields.get(problem.column or "")
            if name is None and problem.row is not None:
                message = f"{gettext_for(lang, LINE) % {'n': problem.row}}: {message}"
            shown.place(name, problem.row, message)
        return shown
    shown = Refusal(error.message(lang))
    name = fields.get(error.code) or fields.get(str(error.fields.get("what", "")))
    if name:
        shown.place(name, None, error.message(lang))
    return shown


def unfit_values(form: FormData) -> list[Problem]:
    """The posted values no field may hold: control characters (tab and line breaks aside:
    a list typed one per line), or longer than MAX_FIELD characters."""
    problems = []
    for name in dict.fromkeys(form.keys()):
        posted = form.getlist(name)
        for n, value in enumerate(posted, start=1):
            if not isinstance(value, str):
                continue
            row = n if len(posted) > 1 else None
            if not FREE_TEXT.match(value):
                problems.append(Problem(bilingual("contains a control character (such as NUL)",
                                                  "含有控制字符（如 NUL）"), column=name, row=row))
            elif len(value) > MAX_FIELD:
                problems.append(Problem(bilingual(
                    f"longer than {MAX_FIELD} characters", f"超过 {MAX_FIELD} 个字符"),
                    column=name, row=row))
    return problems


def submitted(save: Callable[[], str], again: Callable[[Refusal, int], Response], *,
              lang: str, fields: Mapping[str, str], form: FormData) -> Response:
    """Run `save` (it returns the address of what it made) and redirect there; a refusal
    shows the form `again` with every problem beside its field. A permission refusal is
    not the form's business: it stays the 403 page, unless `fields` names its code (a
    password that signs nothing, a signer who may not sign: shown beside the password). A
    value no field may hold (a control character, an over-long text) is refused before
    `save`, named on top of the form."""
    unfit = unfit_values(form)
    if unfit:
        shown = Refusal(gettext_for(lang, CORRECT_BELOW))
        for problem in unfit:
            where = problem.column if problem.row is None else \
                f"{problem.column} ({gettext_for(lang, LINE) % {'n': problem.row}})"
            shown.place(None, None, f"{where}: {in_language(problem.message, lang)}")
        return again(shown, 422)
    try:
        target = save()
    except PermissionDenied as error:
        if error.code not in fields:
            raise
        return again(refusal(error, lang, fields), 422)  # a refused signature: its field
    except DomainError as error:
        return again(refusal(error, lang, fields), status_of(error))
    return RedirectResponse(target, status_code=303)
