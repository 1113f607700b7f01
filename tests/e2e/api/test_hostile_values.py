"""Hostile values in every parameter and body field of every API operation: a 422, never a 500.

Driven from the app's own OpenAPI document, so a new route is covered the day it is added.
Each operation gets a request as an admin with placeholder values, then one request per field
and hostile value: NUL and other control characters, text one character longer than the
field allows, 2³¹ and ±2⁶³ in whole numbers, dates in year 1 and 9999. Each must be refused
with the project's 422 (VALIDATION_ERROR, worded in English and Chinese, naming the field).
The longest text and the largest number a field accepts must not be a 500 either — they
reach the database, whose columns they must fit.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.auth import passwords, signin
from medwms.config import Settings
from medwms.core.db import Database
from medwms.core.fields import PATTERNS
from tests.support.builders import make_site
from tests.support.databases import empty_all_tables
from tests.support.users import PASSWORD, make_user

SPEC = create_app(Settings(database_url="sqlite://")).openapi()
DEFS = SPEC.get("components", {}).get("schemas", {})
OPERATIONS = [(method.upper(), path) for path, methods in SPEC["paths"].items()
              for method in methods]
NO_SUCH, NO_SUCH_NUMBER = "NO-SUCH-9", 987_654
HOSTILE_TEXT = ("A\x00B", "A\x1bB", "A\x85B")  # NUL, ESC, a C1 control


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema behind a $ref, and the non-null branch of an optional value."""
    if "$ref" in schema:
        return resolve(DEFS[schema["$ref"].rsplit("/", 1)[-1]])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            kinds = {resolve(s).get("type") for s in options}
            if kinds == {"number", "string"}:  # a Decimal: number or numeric text
                return next(resolve(s) for s in options if s.get("type") == "number")
            return {**resolve(options[0]), **{k: v for k, v in schema.items() if k != key}}
    return schema


def example(schema: dict[str, Any]) -> Any:
    """The smallest value the schema accepts: required properties only, shortest texts."""
    schema = resolve(schema)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: example(schema["properties"].get(name, {}))
                for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema.get("items", {})) for _ in range(max(schema.get("minItems", 0), 1))]
    if kind in ("integer", "number"):
        return max(schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1), 1)
    if kind == "boolean":
        return False
    if kind == "string":
        return {"date": "2026-01-01", "date-time": "2026-01-01T00:00:00Z"}.get(
            schema.get("format", ""), "X" * max(schema.get("minLength", 1), 1))
    return None


def hostile(schema: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """(values the schema must refuse, the extreme values it accepts) for one leaf."""
    schema = resolve(schema)
    kind, fmt = schema.get("type"), schema.get("format")
    if "enum" in schema or "const" in schema or fmt == "binary" or \
            "contentMediaType" in schema:
        return [], []
    if kind == "string" and fmt == "date":
        return ["9999-12-31", "0001-01-01"], ["2200-12-31", "2000-01-01"]
    if kind == "string" and fmt == "date-time":
        return ["9999-12-31T23:59:59Z", "0001-01-02T00:00:00Z"], ["2200-12-31T00:00:00Z"]
    if kind == "string":
        longest = schema.get("maxLength", 100_000)
        return [*HOSTILE_TEXT, "X" * (longest + 1)], ["X" * longest]
    if kind == "integer":
        top = schema.get("maximum", 2**63)
        return [v for v in (top + 1, 2**31, 2**63, -(2**63)) if not _within(schema, v)], [top]
    if kind == "number" and "maximum" in schema:
        return [1e308, -1e308], [schema["maximum"]]
    if kind == "object" and not schema.get("properties"):  # a free-form record
        return [{"code": text} for text in HOSTILE_TEXT] + [{"code": 2**63}], []
    return [], []


def _within(schema: dict[str, Any], value: int) -> bool:
    return schema.get("minimum", -(2**64)) <= value <= schema.get("maximum", 2**64)


def leaves(schema: dict[str, Any], path: tuple[Any, ...] = ()) -> Iterator[
        tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every field of a body schema (optional ones too) as (path, schema); an array's items
    at index 0."""
    schema = resolve(schema)
    if schema.get("properties"):
        for name, sub in schema["properties"].items():
            yield from leaves(sub, (*path, name))
    elif schema.get("type") == "array":
        yield from leaves(schema.get("items", {}), (*path, 0))
    else:
        yield path, schema


def put(body: Any, path: tuple[Any, ...], value: Any, schema: dict[str, Any]) -> Any:
    """A copy of `body` with `value` at `path` (making the containers on the way)."""
    body = copy.deepcopy(body)
    holder, step_schema = body, resolve(schema)
    for step, following in itertools.pairwise(path):
        step_schema = resolve(step_schema["properties"][step] if isinstance(step, str)
                              else step_schema["items"])
        if isinstance(step, str) and step not in holder:
            holder[step] = example(step_schema)
        if isinstance(step, int) and not holder:
            holder.append(example(step_schema))
        holder = holder[step]
        if isinstance(following, int) and not holder:
            holder.append(example(resolve(step_schema["items"])))
    holder[path[-1]] = value
    return body


@dataclass
class Case:
    """One request: where the value went, and what it was."""

    where: str
    method: str
    url: str
    query: dict[str, Any]
    json: Any
    form: dict[str, Any] | None
    files: dict[str, Any] | None


def cases(method: str, path: str) -> Iterator[tuple[Case, bool]]:
    """(request, whether the value must be refused) for each field and hostile value."""
    operation = SPEC["paths"][path][method.lower()]
    parameters = [p for p in operation.get("parameters", []) if p["in"] in ("path", "query")]
    values = {p["name"]: _placeholder(p) for p in parameters}
    required = {p["name"] for p in parameters if p["in"] == "path" or p.get("required")}
    content = operation.get("requestBody", {}).get("content", {})
    json_schema = content.get("application/json", {}).get("schema")
    form_schema = content.get("multipart/form-data", {}).get("schema") or \
        content.get("application/x-www-form-urlencoded", {}).get("schema")
    body = example(json_schema) if json_schema else None
    form = example(form_schema) if form_schema else None
    files = None
    if form_schema:
        binary = [n for n, s in resolve(form_schema).get("properties", {}).items()
                  if resolve(s).get("format") == "binary" or "contentMediaType" in resolve(s)]
        files = {n: ("hostile.csv", b"code\nX\n", "text/csv") for n in binary}
        form = {k: v for k, v in (form or {}).items() if k not in binary}

    def case(where: str, values_: dict[str, Any], body_: Any, form_: Any) -> Case:
        url = path
        for p in parameters:
            if p["in"] == "path":
                url = url.replace("{" + p["name"] + "}", quote(str(values_[p["name"]]), safe=""))
        query = {p["name"]: values_[p["name"]] for p in parameters if p["in"] == "query"
                 and (p["name"] in required or p["name"] in where.split(" ")[-1:])}
        return Case(where, method, url, query, body_, form_, files)

    for p in parameters:
        bad, edge = hostile(p["schema"])
        for value, refused in [(v, True) for v in bad] + [(v, False) for v in edge]:
            yield case(f"{p['in']} {p['name']}", values | {p["name"]: value}, body, form), refused
    for schema, holder in ((json_schema, "body"), (form_schema, "form")):
        if schema is None:
            continue
        for leaf, leaf_schema in leaves(schema):
            bad, edge = hostile(leaf_schema)
            for value, refused in [(v, True) for v in bad] + [(v, False) for v in edge]:
                where = f"{holder} {'.'.join(map(str, leaf)) or '(record)'}"
                if holder == "body":
                    new = put(body, leaf, value, schema) if leaf else value
                    yield case(where, values, new, form), refused
                else:
                    yield case(where, values, body, {**(form or {}), leaf[0]: value}), refused


def _placeholder(parameter: dict[str, Any]) -> Any:
    schema = resolve(parameter["schema"])
    if parameter["in"] == "path" and "enum" not in schema:
        return NO_SUCH_NUMBER if schema.get("type") == "integer" else NO_SUCH
    return example(schema)


@dataclass
class World:
    client: TestClient
    db: Database
    settings: Settings
    token: str = ""

    def sign_in(self) -> None:
        self.token = signin.login(self.db, settings=self.settings, username="root",
                                  password=PASSWORD).access_token

    def send(self, case: Case) -> httpx.Response:
        response = self._send(case)
        if response.status_code == 401:  # a logout before ended the admin's sessions
            self.sign_in()
            response = self._send(case)
        return response

    def _send(self, case: Case) -> httpx.Response:
        self.client.cookies.clear()
        return self.client.request(case.method, case.url, params=case.query,
                                   json=case.json if case.form is None else None,
                                   data=case.form, files=case.files,
                                   headers={"Authorization": f"Bearer {self.token}",
                                            "Accept-Language": "en"})


@pytest.fixture(scope="module")
def world(database: Database) -> Iterator[World]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                           parallelism=1))
        with database.unit_of_work() as uow:
            make_site(uow.session)
            uow.commit()
        make_user(database, "root", "admin")
        settings = Settings(database_url=database.url)
        app = create_app(settings, db=database)
        with TestClient(app, raise_server_exceptions=False) as client:
            world = World(client, database, settings)
            world.sign_in()
            yield world
    empty_all_tables(database)


def test_every_text_and_number_of_every_request_is_bounded():
    """Each text field has a length and the no-control-characters pattern of medwms.core.fields,
    each whole number a maximum: a field declared as plain `str` or `int` fails here."""
    unbounded = []
    for method, path in OPERATIONS:
        operation = SPEC["paths"][path][method.lower()]
        fields = [(f"{p['in']} {p['name']}", p["schema"]) for p in operation.get("parameters", [])
                  if p["in"] in ("path", "query")]
        for content in operation.get("requestBody", {}).get("content", {}).values():
            fields += [(f"body {'.'.join(map(str, leaf))}", schema)
                       for leaf, schema in leaves(content["schema"])]
        for where, declared in fields:
            schema = resolve(declared)
            kind = schema.get("type")
            special = {"enum", "const", "contentMediaType"} & schema.keys() or \
                schema.get("format") in ("date", "date-time", "binary")
            if kind == "string" and not special and not (
                    "maxLength" in schema and schema.get("pattern") in PATTERNS):
                unbounded.append(f"{method} {path} {where}: {schema}")
            if kind == "integer" and "maximum" not in schema:
                unbounded.append(f"{method} {path} {where}: {schema}")
    assert not unbounded, "\n".join(unbounded)


def test_every_operation_is_covered():
    assert len(OPERATIONS) > 100
    assert sum(1 for op in OPERATIONS for _ in cases(*op)) > 1000


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=lambda x: x)
def test_hostile_values_are_a_422_never_a_500(world, method, path):
    wrong = []
    for case, refused in cases(method, path):
        response = world.send(case)
        status = response.status_code
        if status >= 500:
            wrong.append(f"{case.where}: {status} ({response.text[:200]})")
        elif refused and (status, _code(response)) != (422, "VALIDATION_ERROR"):
            wrong.append(f"{case.where}: {status} {_code(response)}, not a 422")
        elif refused and not _names(response, case.where.split(" ")[-1]):
            wrong.append(f"{case.where}: the 422 does not name the field: {response.text}")
    assert not wrong, f"{method} {path}:\n  " + "\n  ".join(wrong)


def _code(response: httpx.Response) -> str | None:
    body = response.json() if "json" in response.headers.get("content-type", "") else None
    return body.get("code") if isinstance(body, dict) else None


def _names(response: httpx.Response, field: str) -> bool:
    """Whether the 422 names the field, with a sentence in English and one in Chinese."""
    body = response.json()
    name = next((step for step in reversed(field.split(".")) if not step.isdigit()), field)
    named = [p for p in body.get("problems", [])
             if name in p["column"] or field == "(record)"]
    return bool(named) and all(p["message_en"] and p["message_zh"] for p in named)



PAGES = [route.path for route in iter_route_contexts(create_app(
    Settings(database_url="sqlite://")).routes)
    if not route.path.startswith("/api/") and "{" in route.path and "GET" in (route.methods or ())]


def test_hostile_path_values_of_the_pages_are_never_a_500(world):
    """The web pages' path parameters are declared with the same types (a 422, not a 500)."""
    assert len(PAGES) > 15
    client = TestClient(world.client.app, raise_server_exceptions=False)
    assert client.post("/login", data={"username": "root", "password": PASSWORD},
                       follow_redirects=False).status_code == 303
    wrong = []
    for path in PAGES:
        for value in ("A%00B", "A%1BB", "X" * 41, str(2**63)):
            url = re.sub(r"\{[^}]+\}", value, path)
            answer = client.get(url, follow_redirects=False)
            if answer.status_code >= 500:
                wrong.append(f"{url[:80]}: {answer.status_code}")
    assert not wrong, "\n".join(wrong)
