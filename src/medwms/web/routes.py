"""Everything the web door adds to the app: static files, page routers, the login redirect."""

from __future__ import annotations

from importlib import resources
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from medwms.web import home
from medwms.web.deps import LoginRequired
from medwms.web.pages import auth, inbound, stock
from medwms.web.stations import inspection, putaway, receiving, scan

ROUTERS: tuple[APIRouter, ...] = (home.router, auth.router, stock.router, scan.router,
                                  receiving.router, putaway.router, inspection.router,
                                  inbound.router)


def install(app: FastAPI) -> None:
    """Mount /static, include every page router and redirect anonymous visitors to /login."""
    static = resources.files("medwms.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, error: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(error.next_url, safe='/')}",
                                status_code=303)
