"""The request-size limit: a body over the limit is refused with 413, never read, never kept.

A plain ASGI middleware, the outermost of ours (`install` runs after the others), so it acts
before authentication and before the Idempotency-Key middleware reads a keyed body:

- a Content-Length over the limit is refused at once: not one byte of the body is read;
- a body without one (chunked) is counted as it streams; the read that passes the limit
  raises RequestTooLarge, whoever reads (idempotency, the form parser, a route), so at most
  one chunk beyond the limit is ever pulled from the client; the 413 replaces whatever the
  app makes of the interrupted read (FastAPI's "error parsing the body" 400, a 500) as long
  as no answer has started.

The limit is `max_request_bytes`, or `max_upload_bytes` for a multipart/form-data body sent
to an upload route: a route whose request body is multipart — an API route in the app's own
OpenAPI schema (the spreadsheet and file imports), or a page (hidden from the schema) that
declares it with `openapi_extra=web.uploads.UPLOAD_FORM` (the master-data import page) — so a
new import route needs no list kept here.
The upload limit is for a caller who signs in, checked from the headers before the body: a
bearer token, the session cookie with its CSRF header (a station's fetch), or — for a browser
form, whose CSRF token travels inside the body — the session cookie alone, for identity only:
it only lets the body be read, and the page's route still refuses the form unless its CSRF
field is right. An anonymous upload (or one from a user who must change their password) gets
the request limit, so nobody unknown makes the server read 20 MiB before its login is refused.
A refusal closes the connection: the rest of a refused body is never read.

(Starlette's RequestBodyLimitMiddleware, FastAPI's max_body_size, refuses only when the app
reads, in plain text, and learns a route's larger limit only after our middleware has read.)
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medwms.api.deps import request_actor
from medwms.api.errors import domain_problem
from medwms.auth.actors import verify
from medwms.core.errors import DomainError, RequestTooLarge
from medwms.web import session as web_session

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
MULTIPART = "multipart/form-data"
PARAMETER = re.compile(r"\\\{[^/]*?\\\}")  # an escaped {name} in an OpenAPI path


class RequestSizeLimit:
    """Refuse a request body over its limit before reading it; see the module docstring."""

    def __init__(self, app: ASGIApp, *, max_request_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.request_limit = max_request_bytes
        self.upload_limit = max_upload_bytes
        self._uploads: re.Pattern[str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        if limit > self.request_limit and not await _signed_in(scope):
            limit = self.request_limit
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await refuse(scope, receive, send, limit)
            return
        body = CountedBody(receive, send, limit)
        try:
            await self.app(scope, body.receive, body.send)
        except Exception:
            if not body.exceeded or body.started:
                raise
        if body.exceeded and not body.started:
            await refuse(scope, receive, send, limit)

    def limit_for(self, scope: Scope) -> int:
        """The upload limit for a multipart body to an upload route, else the request limit."""
        multipart = _header(scope, b"content-type").lower().startswith(MULTIPART)
        if multipart and scope["method"] in BODY_METHODS \
                and self._upload_paths(scope).fullmatch(scope["path"]):
            return self._upload_limit(scope)
        return self.request_limit

    def _upload_limit(self, scope: Scope) -> int:
        """The effective max_upload_bytes (a runtime setting), as last read by a request."""
        runtime = getattr(scope["app"].state, "runtime", None)
        return int(runtime.cached.max_upload_bytes) if runtime is not None else self.upload_limit

    def _upload_paths(self, scope: Scope) -> re.Pattern[str]:
        if self._uploads is None:
            self._uploads = upload_paths(scope["app"])
        return self._uploads


class CountedBody:
    """The client's body, counted as the app pulls it; the app's answer, held back once the
    limit is passed so that the refusal can take its place."""

    def __init__(self, receive: Receive, send: Send, limit: int) -> None:
        self._receive = receive
        self._send = send
        self.limit = limit
        self.pulled = 0
        self.exceeded = False
        self.started = False

    async def receive(self) -> Message:
        if self.exceeded:
            raise RequestTooLarge(limit=size_text(self.limit), limit_bytes=self.limit)
        message = await self._receive()
        if message["type"] == "http.request":
            self.pulled += len(message.get("body", b""))
            if self.pulled > self.limit:
                self.exceeded = True
                raise RequestTooLarge(limit=size_text(self.limit), limit_bytes=self.limit)
        return message

    async def send(self, message: Message) -> None:
        if self.exceeded and not self.started:
            return  # the app's answer to a body it could not read: the 413 replaces it
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


async def refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """Answer 413 REQUEST_TOO_LARGE, in the request's language, and close the connection."""
    error = RequestTooLarge(limit=size_text(limit), limit_bytes=limit)
    response = domain_problem(Request(scope), error)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


async def _signed_in(scope: Scope) -> bool:
    """Whether the request's headers sign someone in (the body is not read): as the API
    sees it, else by the session cookie alone (a browser form's CSRF token is in its body)."""
    request = Request(scope)
    try:
        await request_actor(request)
    except DomainError:
        return await _session_holder(request)
    return True


async def _session_holder(request: Request) -> bool:
    """Whether the session cookie stands for someone free to act — identity only: nothing is
    left in the scope for the route, which checks the session and its CSRF token itself."""
    token = web_session.session_token(request)
    if not token:
        return False
    app = request.app
    try:
        verified = await run_in_threadpool(verify, app.state.db, app.state.runtime.cached,
                                           app.state.actors, token)
    except DomainError:
        return False
    return not verified.must_change_password


def upload_paths(app: FastAPI) -> re.Pattern[str]:
    """The paths whose request body is multipart/form-data — in the OpenAPI schema, or in
    the `openapi_extra` of a route hidden from it (a page) — as one pattern."""
    paths = [path for path, operations in app.openapi().get("paths", {}).items()
             if any(_multipart(operation)
                    for operation in operations.values() if isinstance(operation, dict))]
    paths += [route.path_format for route in iter_route_contexts(app.routes)
              if not getattr(route, "include_in_schema", True)
              and _multipart(getattr(route, "openapi_extra", None) or {})]
    if not paths:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(PARAMETER.sub("[^/]+", re.escape(p)) for p in paths))


def _multipart(operation: dict[str, Any]) -> bool:
    return MULTIPART in operation.get("requestBody", {}).get("content", {})


def size_text(size: int) -> str:
    """A byte count as people say it: "1 MiB", "20 MiB", "1.5 MiB", "512 KiB"."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} B"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _content_length(scope: Scope) -> int | None:
    text = _header(scope, b"content-length").strip()
    return int(text) if text.isdigit() else None


def install(app: FastAPI, *, max_request_bytes: int, max_upload_bytes: int) -> None:
    """Add the limit to `app`, outside the middleware added before it."""
    app.add_middleware(RequestSizeLimit, max_request_bytes=max_request_bytes,
                       max_upload_bytes=max_upload_bytes)
