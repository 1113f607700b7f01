"""Jinja2 rendering with the catalogue installed: one environment per UI language."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from medwms import __version__
from medwms.core.clock import DEFAULT_TIMEZONE, local_text
from medwms.web import reasons, session
from medwms.web.deps import Visitor, get_settings
from medwms.web.i18n import LANGUAGES, normalise, translations
from medwms.web.menu import menu_for

STATUS_COLOURS = {"AVAILABLE": "green", "QUARANTINE": "yellow", "HOLD": "yellow",
                  "IN_TRANSIT": "yellow", "REJECTED": "red", "RECALLED": "red",
                  "EXPIRED": "red"}


@cache
def environment(lang: str) -> Environment:
    """The template environment of `lang`, with gettext from the catalogue."""
    env = Environment(loader=PackageLoader("medwms.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["version"] = __version__
    env.globals["ui_language"] = normalise(lang)
    env.globals["languages"] = LANGUAGES
    env.globals["colours"] = STATUS_COLOURS
    env.filters["local"] = local_time
    env.filters["reason"] = reasons.reason
    env.filters["signed"] = reasons.signed
    env.filters["resolution"] = reasons.resolution
    env.filters["name"] = local_name
    env.globals["doc_words"] = reasons.DOC_WORDS
    return env


@pass_context
def local_time(context: Context, value: datetime | str | None) -> str:
    """A stored time (or its ISO text) in the warehouse time zone, to the minute, zone marked."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if value else None
    return local_text(value, context.get("timezone", DEFAULT_TIMEZONE))


@pass_context
def local_name(context: Context, zh: str | None, en: str | None = None) -> str:
    """A name in the page's language: the English one in English mode when there is one."""
    if reasons.language_of(context) == "en" and en:
        return en
    return zh or en or ""


def render(request: Request, name: str, *, visitor: Visitor | None = None,
           lang: str | None = None, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render template `name` in the visitor's language, with menu and CSRF token."""
    settings = get_settings(request)
    language = visitor.lang if visitor else normalise(lang or session.language(request,
                                                                               settings))
    page = {"request": request, "lang": language, "visitor": visitor,
            "menu": menu_for(visitor.actor) if visitor else [],
            "csrf": session.csrf_token(settings, visitor.token) if visitor else "",
            "path": request.url.path, "timezone": settings.timezone}
    html = environment(language).get_template(name).render(page | context)
    return HTMLResponse(html, status_code=status_code)
