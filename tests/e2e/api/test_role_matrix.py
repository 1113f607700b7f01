"""The role matrix, generated from the route table: every route of the API and of the web
pages declares who may call it, and every role — acting in every warehouse, or only in another
one — is let in or refused exactly as ROLE_PERMISSIONS says.

For each route and role a request goes out as a user holding that one role, with placeholder
path parameters and the smallest body the OpenAPI schema accepts (so the roles that are let in
reach the service, whose own check must agree with the door's). A role without the permission
gets 403 PERMISSION_DENIED; a role with it never does (404, 409, 422 … are all fine); nobody
signed in gets 401 (the API) or the login page (the web); public routes answer anyone.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from medwms.api.app import create_app
from medwms.api.deps import declared_access
from medwms.auth import passwords, service, signin
from medwms.auth.access import Access, Audience
from medwms.auth.rules import ROLE_PERMISSIONS, SYSTEM, Role
from medwms.config import Settings
from medwms.core.db import Database
from tests.support.builders import make_site
from tests.support.databases import empty_all_tables
from tests.support.users import PASSWORD, make_user

SCOPES = ("every warehouse", "another warehouse")
HERE, THERE = "WHA", "WHB"  # a scoped user acts in THERE only; placeholders name neither
SESSION_COOKIE = "medwms_session"
NO_SUCH = "NO-SUCH-9"
NO_SUCH_NUMBER = 987_654


@dataclass(frozen=True)
class Endpoint:
    """One method of one route of the route table, with the access it declares."""

    method: str
    path: str
    route: Any  # a fastapi.routing.RouteContext
    access: Access | None

    @property
    def page(self) -> bool:
        return not self.path.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every route of `app` (each method once; HEAD goes with GET)."""
    found = []
    for route in iter_route_contexts(app.routes):
        methods = sorted((route.methods or {"GET"}) - {"HEAD"})
        found += [Endpoint(method, route.path, route, declared_access(app, route))
                  for method in methods]
    return found


TABLE = endpoints(create_app(Settings(database_url="sqlite://")))


# --- the requests ------------------------------------------------------------------------

def placeholder(annotation: Any) -> str:
    """A path value of the parameter's type that names nothing in the database."""
    if typing.get_origin(annotation) is typing.Literal:
        return str(typing.get_args(annotation)[0])
    if inspect.isclass(annotation) and issubclass(annotation, Enum):
        return str(next(iter(annotation)).value)
    if annotation is int:
        return str(NO_SUCH_NUMBER)
    return NO_SUCH


def example(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """The smallest value a JSON schema accepts: required properties only, shortest texts."""
    if "$ref" in schema:
        return example(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return example(options[0], defs)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: example(properties.get(name, {}), defs)
                for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema.get("items", {}), defs) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return max(low, 1) if schema.get("maximum", 1) >= 1 else low
    if kind == "boolean":
        return False
    if kind == "string":
        return {"date": "2026-01-01", "date-time": "2026-01-01T00:00:00Z"}.get(
            schema.get("format", ""), "X" * max(schema.get("minLength", 1), 1))
    return None


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    params: dict[str, Any]
    json: Any


def api_request(endpoint: Endpoint, openapi: dict[str, Any]) -> Request:
    """Placeholders for the path and the required query, the smallest JSON body."""
    operation = openapi["paths"].get(endpoint.path, {}).get(endpoint.method.lower(), {})
    defs = openapi.get("components", {}).get("schemas", {})
    url, query = endpoint.path, {}
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter["in"] == "path":
            value = example(schema, defs)
            value = NO_SUCH_NUMBER if schema.get("type") == "integer" else \
                value if "enum" in schema else NO_SUCH
            url = url.replace("{" + parameter["name"] + "}", str(value))
        elif parameter["in"] == "query" and parameter.get("required"):
            query[parameter["name"]] = example(schema, defs)
    content = operation.get("requestBody", {}).get("content", {})
    body = example(content["application/json"]["schema"], defs) \
        if "application/json" in content else None
    return Request(endpoint.method, url, query, body)


def page_request(endpoint: Endpoint) -> Request:
    """Placeholders for the path; no form (a page's POST then stops at its CSRF check)."""
    url = endpoint.path
    original = endpoint.route.original_route
    if isinstance(original, Mount):  # a static directory: one of its files
        directory = Path(str(original.app.directory))
        return Request("GET", f"{url}/{min(p.name for p in directory.iterdir() if p.is_file())}",
                       {}, None)
    if isinstance(original, APIRoute):
        signature = inspect.signature(original.endpoint, eval_str=True)
        for name in re.findall(r"{(\w+)(?::\w+)?}", url):
            annotation = signature.parameters[name].annotation
            url = re.sub(r"{" + name + r"(?::\w+)?}", placeholder(annotation), url)
    return Request(endpoint.method, url, {}, None)


# --- the users and the answers -------------------------------------------------------------

@dataclass
class World:
    """One app on the test database, with a user of each role in each scope, signed in."""

    app: FastAPI
    client: TestClient
    db: Database
    tokens: dict[tuple[Role, str], str]
    openapi: dict[str, Any]

    def sign_in(self, role: Role, scope: str) -> str:
        result = signin.login(self.db, settings=self.app.state.settings,
                               username=username(role, scope), password=PASSWORD)
        self.tokens[role, scope] = result.access_token
        return result.access_token

    def send(self, endpoint: Endpoint, who: tuple[Role, str] | None) -> httpx.Response:
        """The request as `who` (None: anonymous); signs in again once if a route before this
        one ended the user's session (a logout)."""
        response = self._send(endpoint, who)
        if who is not None and signed_out(endpoint, response):
            self.sign_in(*who)
            response = self._send(endpoint, who)
        return response

    def _send(self, endpoint: Endpoint, who: tuple[Role, str] | None) -> httpx.Response:
        request = page_request(endpoint) if endpoint.page \
            else api_request(endpoint, self.openapi)
        headers = {}
        if who is not None:
            token = self.tokens[who]
            headers = {"Cookie": f"{SESSION_COOKIE}={token}"} if endpoint.page \
                else {"Authorization": f"Bearer {token}"}
        self.client.cookies.clear()  # nothing a previous answer set is carried over
        return self.client.request(request.method, request.url, params=request.params,
                                   json=request.json, headers=headers, follow_redirects=False)


def username(role: Role, scope: str) -> str:
    return f"{role.value}-{'all' if scope == SCOPES[0] else 'b'}"


def code_of(response: httpx.Response) -> str | None:
    """The refusal's code: problem+json `code`, or the error page's data-code."""
    kind = response.headers.get("content-type", "")
    if "json" in kind:
        body = response.json()
        return body.get("code") if isinstance(body, dict) else None
    if "html" in kind:
        found = re.search(r'data-code="([A-Z_]+)"', response.text)
        return found.group(1) if found else None
    return None


def to_login(response: httpx.Response) -> bool:
    return response.status_code == 303 and \
        response.headers.get("location", "").startswith("/login?next=")


def signed_out(endpoint: Endpoint, response: httpx.Response) -> bool:
    """Whether the answer is the one for nobody signed in."""
    if endpoint.page:
        return to_login(response)
    return response.status_code == 401 and code_of(response) == "NOT_AUTHENTICATED"


def admitted(access: Access, role: Role) -> bool:
    """Whether `role` may call a route of `access`, by ROLE_PERMISSIONS."""
    if access.audience is not Audience.PERMISSION:
        return True
    return bool(access.perms & ROLE_PERMISSIONS[role]) or role in access.roles


@pytest.fixture(scope="module")
def world(database: Database) -> Iterator[World]:
    """Two warehouses and 18 signed-in users: each role, in every warehouse or in THERE.

    Their passwords are hashed with argon2's cheapest parameters: the matrix is about doors,
    and 18 users signing in (and some 36 wrong old passwords) would otherwise cost most of it.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                           parallelism=1))
        yield from _world(database)


def _world(database: Database) -> Iterator[World]:
    with database.unit_of_work() as uow:
        make_site(uow.session, HERE)
        make_site(uow.session, THERE)
        uow.commit()
    app = create_app(Settings(database_url=database.url), db=database)
    with TestClient(app) as client:
        world = World(app, client, database, {}, app.openapi())
        for role in Role:
            for scope in SCOPES:
                make_user(database, username(role, scope), role.value)
                if scope != SCOPES[0]:
                    service.set_warehouses(database, actor=SYSTEM,
                                           username=username(role, scope), warehouses=[THERE])
                world.sign_in(role, scope)
        yield world
    empty_all_tables(database)


# --- the tests -------------------------------------------------------------------------------

def test_every_route_declares_who_may_call_it_before_anything_else():
    undeclared = [str(e) for e in TABLE if e.access is None]
    assert not undeclared, ("routes without needs(…), signed_in() or public() (or with more "
                            f"than one): {', '.join(undeclared)}")
    late = [str(e) for e in TABLE if isinstance(e.route.original_route, APIRoute)
            and not hasattr(e.route.dependant.dependencies[0].call, "access")]
    assert not late, f"routes whose declared access is not their first dependency: {late}"


def test_the_table_holds_the_api_and_the_pages():
    paths = {e.path for e in TABLE}
    assert len(TABLE) > 150
    assert {"/api/v1/shipments/{shipment_no}/confirm", "/stations/shipping", "/login",
            "/api/v1/health", "/static"} <= paths


def test_a_refusal_comes_before_the_path_query_or_body_is_validated(world):
    picker = {"Authorization": f"Bearer {world.tokens[Role.PICKER, SCOPES[0]]}"}
    for method, url, body in (("POST", "/api/v1/users", {"username": 7}),
                              ("PUT", "/api/v1/counting/policies/Z", "not json"),
                              ("GET", "/api/v1/counting/plans/X/variances?limit=-1", None)):
        answer = world.client.request(method, url, json=body, headers=picker)
        assert (answer.status_code, code_of(answer)) == (403, "PERMISSION_DENIED"), url
    manager = {"Authorization": f"Bearer {world.tokens[Role.MANAGER, SCOPES[0]]}"}
    assert world.client.put("/api/v1/counting/policies/Z", json={},
                            headers=manager).status_code == 422


def test_a_user_created_for_one_warehouse_through_the_api_acts_in_that_scope(world):
    admin = {"Authorization": f"Bearer {world.tokens[Role.ADMIN, SCOPES[0]]}"}
    made = world.client.post("/api/v1/users", headers=admin, json={
        "username": "admin-made-b", "password": PASSWORD, "roles": ["admin"],
        "warehouses": [THERE], "reason": "runs warehouse B"})
    assert made.status_code == 201, made.text
    assert made.json()["warehouses"] == [THERE]
    token = signin.login(world.db, settings=world.app.state.settings,
                         username="admin-made-b", password=PASSWORD).access_token
    scoped = {"Authorization": f"Bearer {token}"}
    assert world.client.get("/api/v1/auth/me", headers=scoped).json()["warehouses"] == [THERE]
    refused = world.client.post("/api/v1/users", headers=scoped, json={
        "username": "made-by-b", "password": PASSWORD, "roles": ["picker"]})
    assert (refused.status_code, code_of(refused)) == (403, "EVERY_WAREHOUSE_NEEDED")


def test_the_openapi_document_names_who_may_call_each_operation():
    operations = create_app(Settings(database_url="sqlite://")).openapi()["paths"]
    unnamed = [f"{method.upper()} {path}" for path, methods in operations.items()
               for method, operation in methods.items() if "x-medwms-access" not in operation]
    assert not unnamed
    assert operations["/api/v1/shipments/{shipment_no}/confirm"]["post"]["x-medwms-access"] \
        == {"audience": "permission", "permissions": ["shipping.ship"]}
    assert operations["/api/v1/waves"]["post"]["x-medwms-access"]["permissions"] == [
        "orders.manage", "picking.pick"]
    assert operations["/api/v1/auth/me"]["get"]["x-medwms-access"] == {"audience": "signed-in"}


@pytest.mark.parametrize("endpoint", TABLE, ids=str)
def test_the_route_admits_exactly_the_roles_holding_its_permission(world, endpoint):
    if endpoint.access is None:
        pytest.fail(f"{endpoint} declares no access")
    wrong = []
    anonymous = world.send(endpoint, None)
    if endpoint.access.audience is Audience.PUBLIC:
        if signed_out(endpoint, anonymous) or anonymous.status_code == 403:
            wrong.append(f"anonymous: {anonymous.status_code} {code_of(anonymous)} (public)")
    elif not signed_out(endpoint, anonymous):
        wrong.append(f"anonymous: {anonymous.status_code} {code_of(anonymous)}, not "
                     + ("the login page" if endpoint.page else "401 NOT_AUTHENTICATED"))
    for role in Role:
        for scope in SCOPES:
            answer = world.send(endpoint, (role, scope))
            code = code_of(answer)
            denied = (answer.status_code, code) == (403, "PERMISSION_DENIED")
            if answer.status_code >= 500 or denied != (not admitted(endpoint.access, role)):
                wrong.append(f"{role.value} ({scope}): {answer.status_code} {code}")
    assert not wrong, f"{endpoint} declares {endpoint.access}:\n  " + "\n  ".join(wrong)
