"""Everything the web door adds to the app: static files, page routers, the login redirect."""

from __future__ import annotations

import inspect
from importlib import resources
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from medwms.core.errors import DomainError
from medwms.web import session
from medwms.web.deps import PASSWORD_PAGE, LoginRequired, PasswordChangeNeeded
from medwms.web.i18n import gettext_for
from medwms.web.menu import N_
from medwms.web.pages import archive as archive_page
from medwms.web.pages import (
    attachments,
    audit,
    auth,
    cold_quality,
    coldchain,
    complaints,
    home,
    inbound,
    location_labels,
    manual_readings,
    masterdata,
    masterdata_files,
    notices,
    qualification,
    quality_stock,
    recall,
    recall_case,
    recall_form,
    review_blocks,
    sensor_form,
    stock,
)
from medwms.web.pages import counting as counting_pages
from medwms.web.pages import demo as demo_sheet
from medwms.web.pages import settings as settings_page
from medwms.web.pages import users as user_pages
from medwms.web.render import render
from medwms.web.stations import (
    counting,
    inspection,
    orders,
    picking,
    putaway,
    receiving,
    returns,
    scan,
    shipping,
    verification,
)

NO_PAGE = N_("There is no page at %(path)s.")
# The form routers come before the pages they extend: /recalls/new is not a recall number,
# /coldchain/sensors/new not a sensor code; the master-data file pages come before the
# master-data pages: /masterdata/files is not a kind, /masterdata/items/import not a record.
ROUTERS: tuple[APIRouter, ...] = (location_labels.router, masterdata_files.router,
                                  home.router, auth.router, stock.router, scan.router,
                                  receiving.router, putaway.router, inspection.router,
                                  inbound.router, orders.router, picking.router,
                                  verification.router, shipping.router, returns.router,
                                  counting.router, counting_pages.router, sensor_form.router,
                                  coldchain.router, recall_form.router, recall_case.router,
                                  recall.router, notices.router, demo_sheet.router,
                                  audit.router, user_pages.router, attachments.router,
                                  settings_page.router, archive_page.router,
                                  complaints.router, quality_stock.router,
                                  cold_quality.router, qualification.router,
                                  review_blocks.router, manual_readings.router,
                                  masterdata.router)


def install(app: FastAPI) -> None:
    """Mount /static, include every page router, redirect anonymous visitors to /login and
    those who must change their password to its page; slide the session cookie along."""
    static = resources.files("medwms.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in ROUTERS:
        app.include_router(router)

    _pages_show_errors(app)
    _unknown_urls_show_a_page(app)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, error: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(error.next_url, safe='/')}",
                                status_code=303)

    @app.exception_handler(PasswordChangeNeeded)
    async def to_password(request: Request, error: PasswordChangeNeeded) -> RedirectResponse:
        return RedirectResponse(PASSWORD_PAGE, status_code=303)

    app.add_middleware(session.SessionRefresh)


def _pages_show_errors(app: FastAPI) -> None:
    """A refusal on a page (not /api) is an HTML page in the UI language; the API keeps JSON."""
    api_handler = app.exception_handlers.get(DomainError)

    async def domain_error(request: Request, error: Exception) -> Response:
        if request.url.path.startswith("/api/") or not isinstance(error, DomainError):
            if api_handler is None:
                raise error
            answer = api_handler(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        lang = session.language(request, request.app.state.settings)
        return render(request, "error.html", lang=lang, status_code=error.status,
                      message=error.message(lang), code=error.code)

    app.add_exception_handler(DomainError, domain_error)


def _unknown_urls_show_a_page(app: FastAPI) -> None:
    """An unknown URL outside /api is the not-found page; /api keeps its problem+json."""
    api_handler = app.exception_handlers.get(HTTPException)

    async def no_page(request: Request, error: Exception) -> Response:
        if not isinstance(error, HTTPException) or api_handler is None:
            raise error
        if request.url.path.startswith("/api/") or error.status_code != 404:
            answer = api_handler(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        lang = session.language(request, request.app.state.settings)
        message = gettext_for(lang, NO_PAGE) % {"path": request.url.path}
        return render(request, "error.html", lang=lang, status_code=404, message=message,
                      code="NOT_FOUND")

    app.add_exception_handler(HTTPException, no_page)
