"""The API documentation page, /docs (Swagger UI), with its assets served from the package.

A warehouse network may be closed: the script and style come from the fastapi-offline
package (the Swagger UI bundle, MIT), mounted under /static/apidocs, never a CDN. ReDoc is
not served (its bundle still fetches a logo from the internet): /redoc leads to /docs.

FastAPI's own page starts Swagger UI with an inline script; ours starts it from a file
(web/static/docs/swagger-start.js, the URLs in data- attributes), and the OAuth2 redirect
page likewise, so /docs runs under a policy without inline scripts too. It differs from the
pages' policy (api/headers.py) in one thing: Swagger UI's stylesheet draws its icons as
data: images.

Each operation of the OpenAPI document names who may call it, as its route declares
(`x-medwms-access`: public, signed-in, or the permissions any one of which admits).
"""

from __future__ import annotations

from html import escape
from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles

from medwms.api.deps import declared_access, public
from medwms.auth.access import Access

ASSETS = "/static/apidocs"
STARTERS = "/static/docs"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH_REDIRECT_URL = "/docs/oauth2-redirect"
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")

SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}" data-oauth2-redirect-url="{redirect}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{starters}/swagger-start.js"></script>
</body>
</html>
"""
REDIRECT_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Swagger UI: OAuth2 Redirect</title></head>
<body><script src="{starters}/oauth2-redirect.js"></script></body>
</html>
"""


def install(app: FastAPI) -> None:
    """Mount the bundled assets and add /docs, its OAuth2 redirect, and /redoc → /docs."""
    bundle = resources.files("fastapi_offline").joinpath("static")
    app.mount(ASSETS, StaticFiles(directory=str(bundle)), name="apidocs")
    page = SWAGGER_PAGE.format(title=escape(f"{app.title} API"), assets=ASSETS,
                               starters=STARTERS, redirect=OAUTH_REDIRECT_URL,
                               openapi_url=escape(app.openapi_url or "/openapi.json"))
    redirect_page = REDIRECT_PAGE.format(starters=STARTERS)
    _name_the_access(app)

    @app.get(DOCS_URL, include_in_schema=False, dependencies=[public()])
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": POLICY})

    @app.get(OAUTH_REDIRECT_URL, include_in_schema=False, dependencies=[public()])
    def oauth2_redirect() -> HTMLResponse:
        return HTMLResponse(redirect_page, headers={"Content-Security-Policy": POLICY})

    @app.get(REDOC_URL, include_in_schema=False, dependencies=[public()])
    def redoc() -> RedirectResponse:
        return RedirectResponse(DOCS_URL)


def _name_the_access(app: FastAPI) -> None:
    """Add each route's declared access to its operation in the OpenAPI document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        _declare_refusals(schema)
        for route in iter_route_contexts(app.routes):
            access = declared_access(app, route)
            operations = schema.get("paths", {}).get(route.path, {})
            for method in route.methods or ():
                operation = operations.get(method.lower())
                if operation is not None and access is not None:
                    operation["x-medwms-access"] = _described(access)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem", "type": "object",
    "description": "A refusal as application/problem+json (RFC 9457) with a stable `code`",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "code": {"type": "string"},
        "message_en": {"type": "string"}, "message_zh": {"type": "string"},
        "problems": {"type": "array", "items": {"type": "object", "properties": {
            "column": {"type": ["string", "null"]}, "row": {"type": ["integer", "null"]},
            "message": {"type": "string"}, "message_en": {"type": "string"},
            "message_zh": {"type": "string"}}}},
    },
}


def _declare_refusals(schema: dict[str, Any]) -> None:
    """Every API operation answers a refusal (4xx) as a Problem in problem+json: declared
    once as `4XX`, in place of FastAPI's own 422 body (which this app never sends)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    refusal = {"description": "Refused: problem+json with a stable code", "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if responses.get("422", {}).get("content", {}).get("application/json", {}).get(
                    "schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                del responses["422"]
            responses.setdefault("4XX", refusal)


def _described(access: Access) -> dict[str, Any]:
    found: dict[str, Any] = {"audience": access.audience.value}
    if access.perms:
        found["permissions"] = sorted(perm.value for perm in access.perms)
    if access.roles:
        found["roles"] = sorted(role.value for role in access.roles)
    return found
