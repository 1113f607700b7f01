"""The FastAPI application: everything under /api/v1, OpenAPI at /openapi.json, docs at /docs.

Around the routes, from the outside in: the security headers (on every response, a 500
too), Starlette's error middleware, the request-size limit (before anything reads a body or
authenticates), the Idempotency-Key middleware, the error handlers.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp

from medwms import __version__
from medwms.api import docs, errors, headers, idempotency, limits, routes
from medwms.auth.actors import ActorCache
from medwms.config import Settings
from medwms.core.db import Database
from medwms.runtime.effective import EffectiveSettings
from medwms.web import routes as web

API_PREFIX = "/api/v1"


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    """Build the app on `db` (or the configured database)."""
    app = MedwmsApp(title="medwms", version=__version__, openapi_url="/openapi.json",
                    docs_url=None, redoc_url=None)  # docs.install serves them offline
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.runtime = EffectiveSettings(settings, app.state.db)  # what deps hand out
    app.state.actors = ActorCache(settings.auth_cache_seconds)
    errors.install(app)
    idempotency.install(app)
    limits.install(app, max_request_bytes=settings.max_request_bytes,
                   max_upload_bytes=settings.max_upload_bytes)  # outside idempotency
    for router in _routers():
        app.include_router(router, prefix=API_PREFIX)
    docs.install(app)  # before web: its /static/apidocs mount must come ahead of /static
    web.install(app)
    return app


def settle_heap() -> None:
    """Once a server process has built its app: move everything alive now out of the garbage
    collector's sight (gc.freeze). The app's import-time objects are never garbage, but
    each full collection walked all of them, stopping every request for 63–113 ms (the
    scan path's p99 under load); now a full collection walks only what requests left.
    """
    gc.collect()
    gc.freeze()


class MedwmsApp(FastAPI):
    """FastAPI with the security headers wrapped around its whole stack: the error
    middleware answers a 500 outside every middleware added with add_middleware."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        return headers.SecurityHeaders(super().build_middleware_stack(), settings)


# Matched first. A request is matched against the routes in the order they were included,
# and each route tried costs about 2 µs: the floor's scans should not try a hundred.
STATION_ROUTERS = ("receiving", "picking", "putaway", "shipping", "counting", "scan")


def _routers() -> list[APIRouter]:
    """Every `router` defined in a module of medwms.api.routes: the stations' first."""
    found = []
    modules = sorted(pkgutil.iter_modules(routes.__path__), key=lambda m: (
        m.name not in STATION_ROUTERS,
        STATION_ROUTERS.index(m.name) if m.name in STATION_ROUTERS else 0, m.name))
    for info in modules:
        module = importlib.import_module(f"{routes.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found
