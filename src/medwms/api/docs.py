"""The API documentation page, /docs (Swagger UI), with its assets served from the package.

A warehouse network may be closed: the script and style come from the fastapi-offline
package (the Swagger UI bundle, MIT), mounted under /static/apidocs, never a CDN. ReDoc is
not served (its bundle still fetches a logo from the internet): /redoc leads to /docs.

Each operation of the OpenAPI document names who may call it, as its route declares
(`x-medwms-access`: public, signed-in, or the permissions any one of which admits).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles

from medwms.api.deps import declared_access, public
from medwms.auth.access import Access

ASSETS = "/static/apidocs"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH_REDIRECT_URL = "/docs/oauth2-redirect"


def install(app: FastAPI) -> None:
    """Mount the bundled assets and add /docs, its OAuth2 redirect, and /redoc → /docs."""
    bundle = resources.files("fastapi_offline").joinpath("static")
    app.mount(ASSETS, StaticFiles(directory=str(bundle)), name="apidocs")
    openapi_url = app.openapi_url or "/openapi.json"
    title = f"{app.title} API"
    _name_the_access(app)

    @app.get(DOCS_URL, include_in_schema=False, dependencies=[public()])
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=title, oauth2_redirect_url=OAUTH_REDIRECT_URL,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png")

    @app.get(OAUTH_REDIRECT_URL, include_in_schema=False, dependencies=[public()])
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False, dependencies=[public()])
    def redoc() -> RedirectResponse:
        return RedirectResponse(DOCS_URL)


def _name_the_access(app: FastAPI) -> None:
    """Add each route's declared access to its operation in the OpenAPI document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        for route in iter_route_contexts(app.routes):
            access = declared_access(app, route)
            operations = schema.get("paths", {}).get(route.path, {})
            for method in route.methods or ():
                operation = operations.get(method.lower())
                if operation is not None and access is not None:
                    operation["x-medwms-access"] = _described(access)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _described(access: Access) -> dict[str, Any]:
    found: dict[str, Any] = {"audience": access.audience.value}
    if access.perms:
        found["permissions"] = sorted(perm.value for perm in access.perms)
    if access.roles:
        found["roles"] = sorted(role.value for role in access.roles)
    return found
