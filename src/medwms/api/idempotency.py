"""Idempotency-Key on every POST: the same key replays the first response, posts nothing twice.

A plain ASGI middleware. For a POST with an Idempotency-Key it first authenticates, before
reading the body (a request that fails gets its 401/403 from the route and claims nothing);
the key belongs to that user. Then, in one write transaction (`Database.request_unit()`), it
claims the key with one INSERT … ON CONFLICT DO NOTHING, runs the route — whose units of
work join that transaction — stores the response on the claim and commits once. So the
command, the claim and the stored response commit together or not at all. On SQLite the
claim and the answer are one INSERT at the end: its one writer runs a request unit whole,
so a retry waits for the write lock and then finds the first answer stored, its own work
rolled back. A station scan route answers with `respond()`, which stores and commits in
the route's own thread: the whole scan is one thread hop, and SQLite's write lock is held
for the work alone, not across hops through a busy event loop.

- a retry after the answer was lost gets the stored response (`Idempotent-Replayed: true`);
- a retry while the first is still running waits for it (PostgreSQL: on the unique index;
  SQLite: on the write lock, its own work then rolled back) and gets the stored response;
- a request killed or rolled back leaves no claim, so its retry runs afresh — once;
- a refused command (4xx) is rolled back and its refusal stored with the claim in a short
  transaction of its own, and replayed like any answer; a 5xx stores nothing;
- the same key with a different request body gets 422 IDEMPOTENCY_KEY_REUSED.

A request unit holds its connection across the thread hops of the request (claim, route,
store). So that the requests holding one always find a thread to finish on, at most
`pool capacity − 2` keyed requests hold a request unit at once per event loop (on SQLite
two: its one writer serves one unit at a time); the others wait for a slot in the event
loop (not in a thread, not in the pool), and two connections stay for everything else.
Records are kept `idempotency_hours`. The statements on the records, and their purge, are
the key store's (`medwms.core.idempotency`); this module decides when each runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import threading
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medwms.api.deps import ACTOR_SCOPE_KEY, request_actor
from medwms.api.errors import problem
from medwms.auth.rules import Actor
from medwms.core import idempotency as store
from medwms.core.db import Database, RequestUnit
from medwms.core.errors import DomainError
from medwms.core.idempotency import Claim, Earlier

log = logging.getLogger("medwms.api")
HEADER = "Idempotency-Key"
RESERVED_CONNECTIONS = 2  # for requests without a key, health checks, the sealer
MAX_SLOTS = 32  # below the threadpool's 40 threads
# SQLite has one writer, and a request unit holds the write lock from its claim to its
# commit: more units than one running and one ready only park threads on that lock.
SQLITE_SLOTS = 2


class Slots:
    """How many request units may be open at once, per event loop (a semaphore is bound
    to its loop; a test client runs a loop per request)."""

    def __init__(self, db: Database) -> None:
        self.size = max(1, min(MAX_SLOTS, db.pool_capacity - RESERVED_CONNECTIONS))
        if db.dialect == "sqlite":
            self.size = min(self.size, SQLITE_SLOTS)
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop,
                                                 asyncio.Semaphore] = weakref.WeakKeyDictionary()

    def here(self) -> asyncio.Semaphore:
        """The semaphore of the running event loop."""
        loop = asyncio.get_running_loop()
        found = self._by_loop.get(loop)
        if found is None:
            found = self._by_loop[loop] = asyncio.Semaphore(self.size)
        return found


class IdempotencyMiddleware:
    """Run each keyed POST once per user and key; see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._slots: dict[int, Slots] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:  # before the body is read: an anonymous body is never held here
            actor = await request_actor(request)
        except DomainError:
            await self.app(scope, receive, send)  # the route refuses it; nothing is claimed
            return
        scope[ACTOR_SCOPE_KEY] = actor
        body = await _read_body(receive)  # within the size limit (api/limits.py)
        receive = _replaying(body, receive)
        claim = _claim_of(request, key, actor, body)
        db: Database = request.app.state.db
        async with self._slots_of(db).here():
            response = await self._once(scope, receive, db, claim)
        await response(scope, receive, send)

    def _slots_of(self, db: Database) -> Slots:
        found = self._slots.get(id(db))
        if found is None:
            found = self._slots[id(db)] = Slots(db)
        return found

    async def _once(self, scope: Scope, receive: Receive, db: Database,
                    claim: Claim) -> Response:
        pending = Pending(db.request_unit(), claim, claimed=db.dialect != "sqlite")
        try:
            if pending.claimed:
                earlier = await run_in_threadpool(_claim, pending.unit, claim)
                if earlier is not None:
                    pending.ended = True
                    return _replay(earlier, claim.fingerprint)
            running = _PENDING.set(pending)
            try:
                with pending.unit.active():
                    answer = await _capture(self.app, scope, receive)
            finally:
                _PENDING.reset(running)
            if not pending.ended and answer.status < 500:
                replayed = await run_in_threadpool(_store, pending, answer)
                if replayed is not None:
                    return replayed
            if pending.callbacks:  # outside the request unit: they get units of their own
                await run_in_threadpool(_run_callbacks, pending.callbacks)
            return answer.response()
        finally:
            if not pending.ended:
                await run_in_threadpool(pending.unit.close)


@dataclass
class Pending:
    """A keyed request's unit of work while its route runs: `claimed` when the key was
    claimed before the route (PostgreSQL), `ended` once the answer is stored and committed
    or the unit closed, with the after-commit `callbacks` left to run."""

    unit: RequestUnit
    claim: Claim
    claimed: bool
    ended: bool = False
    callbacks: list[Callable[[], None]] = field(default_factory=list)


_PENDING: ContextVar[Pending | None] = ContextVar("medwms_idempotency_pending", default=None)


@dataclass
class Answer:
    """The route's response, held back until it is stored and committed."""

    status: int = 500
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    @property
    def content_type(self) -> str:
        found = [v for k, v in self.headers if k.lower() == b"content-type"]
        return found[0].decode("latin-1") if found else ""

    def response(self) -> Response:
        response = Response(content=self.body, status_code=self.status)
        response.raw_headers = list(self.headers)
        return response


def _key(scope: Scope) -> str | None:
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    for name, value in scope["headers"]:
        if name == b"idempotency-key":
            key = value.decode("latin-1").strip()[:200]
            return key or None
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the already-read body once, then the client's own messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}
    return replay


def _claim_of(request: Request, key: str, actor: Actor, body: bytes) -> Claim:
    # Keyed with the secret: request bodies may hold a signature password.
    secret = request.app.state.settings.secret_key.encode()
    path = request.url.path
    fingerprint = hmac.new(secret, path.encode() + b"\0" + body, hashlib.sha256).hexdigest()
    return Claim(key=key, principal=principal(actor), path=path, fingerprint=fingerprint)


def principal(actor: Actor) -> str:
    """Whose key it is: the authenticated user."""
    return f"user:{actor.user_id}" if actor.user_id is not None else f"name:{actor.username}"


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> Answer:
    answer = Answer()

    async def hold(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            answer.chunks.append(message.get("body", b""))

    await app(scope, receive, hold)
    return answer


def _claim(unit: RequestUnit, claim: Claim) -> Earlier | None:
    """Claim the key in the request's transaction; else the stored earlier answer.

    A concurrent request holding the same claim makes the INSERT wait until it commits
    (then the row is there) or rolls back (then the claim is ours).
    """
    for _ in range(3):
        if store.insert_claim(unit, claim):
            return None
        earlier = store.stored(unit, claim)
        if earlier is not None:
            unit.close()
            return earlier
    raise RuntimeError(f"Idempotency-Key {claim.key!r} could be neither claimed nor read")


_JSON = TypeAdapter(dict[str, Any])  # as FastAPI serialises a route's dict[str, Any]


def respond(status_code: int, content: dict[str, Any]) -> Response:
    """A station route's JSON answer; in a keyed request, stored with the command and
    committed here, in the route's thread (or, when the key was answered first, that
    answer, this request's work rolled back)."""
    response = Response(_JSON.dump_json(content), status_code=status_code,
                        media_type="application/json")
    pending = _PENDING.get()
    if pending is None or pending.ended:
        return response
    replayed = _store(pending, Answer(status_code, list(response.raw_headers),
                                      [bytes(response.body)]))
    return response if replayed is None else replayed


def _store(pending: Pending, answer: Answer) -> Response | None:
    """Store the answer with the command, commit, close: None; or, when another request
    with the key was answered first, roll this one back and give that answer."""
    unit, claim = pending.unit, pending.claim
    text = answer.body.decode("utf-8", errors="replace")
    try:
        if pending.claimed and not unit.failed:
            store.store_answer(unit, claim, status=answer.status, body=text,
                               content_type=answer.content_type)
        # No claim yet (SQLite), or the command was rolled back and the claim with it.
        elif not store.insert_claim(unit, claim, status=answer.status, body=text,
                                    content_type=answer.content_type):
            unit.session.rollback()
            earlier = store.stored(unit, claim)
            if earlier is None:
                raise RuntimeError(f"Idempotency-Key {claim.key!r} could be neither stored "
                                   "nor read")
            return _replay(earlier, claim.fingerprint)
        pending.callbacks = unit.commit()
        return None
    finally:
        pending.ended = True
        unit.close()


def _run_callbacks(callbacks: list[Callable[[], None]]) -> None:
    """After the commit: a failing side effect is logged; the answer stands."""
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("after-commit callback %r failed", callback)


def _replay(earlier: Earlier, fingerprint: str) -> Response:
    if earlier.request_hash != fingerprint:
        return problem(422, "IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_KEY_REUSED",
                       "This Idempotency-Key was used for a different request; "
                       "use a new key for a new request.")
    return Response(content=earlier.response_body.encode(), status_code=earlier.status_code,
                    media_type=earlier.content_type or None,
                    headers={"Idempotent-Replayed": "true"})


class KeyPurger:
    """Deletes the records older than `hours` at start and then every `interval` seconds, in
    a daemon thread (`medwms serve`): the key store holds two days of keys, not all of them.
    `hours` may be a callable, asked at each purge (the runtime setting idempotency_hours)."""

    def __init__(self, db: Database, *, hours: int | Callable[[], int],
                 interval: float = 3600.0) -> None:
        self.db, self.interval = db, interval
        self._hours = hours
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="medwms-key-purge", daemon=True)

    @property
    def hours(self) -> int:
        return self._hours() if callable(self._hours) else self._hours

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                gone = store.purge_expired(self.db, self.hours)
                if gone:
                    log.info("idempotency keys older than %d h purged: %d", self.hours, gone)
            except Exception:  # try again next time: a failed purge deleted nothing
                log.exception("idempotency key purge failed; retrying")
            self._stop.wait(self.interval)


def install(app: FastAPI) -> None:
    """Add the middleware to `app`."""
    app.add_middleware(IdempotencyMiddleware)
