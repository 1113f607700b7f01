"""Idempotency-Key on every POST: the same key replays the first response, posts nothing twice.

The key is claimed first (an insert that a second, concurrent request with the same key
cannot make), then the request runs, then its response is stored on the claim. A retry
after a network drop gets the stored response; one that arrives while the first is still
running gets 409; the same key with a different body gets 422. Keys are per principal
(the Authorization header, else the web session cookie), kept `idempotency_hours`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI, Request, Response
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from medwms.api.errors import problem
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.tables import IdempotencyRecord
from medwms.web.session import session_token

HEADER = "Idempotency-Key"
PENDING = 0
STALE_CLAIM = timedelta(minutes=5)


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def idempotent(request: Request,
                         call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key:
            return await call_next(request)
        return await _once(request, key.strip()[:200], call_next)


def _principal(request: Request) -> str:
    credential = request.headers.get("authorization", "") or \
        "cookie " + (session_token(request) or "")
    return hashlib.sha256(credential.encode()).hexdigest()[:40]


async def _once(request: Request, key: str,
                call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    db: Database = request.app.state.db
    body = await request.body()
    # Keyed with the secret: request bodies may hold a signature password.
    secret = request.app.state.settings.secret_key.encode()
    fingerprint = hmac.new(secret, request.url.path.encode() + b"\0" + body,
                           hashlib.sha256).hexdigest()
    principal = _principal(request)
    earlier = await run_in_threadpool(_claim, db, key, principal, request, fingerprint)
    if earlier is not None:
        return _replay(earlier, fingerprint)
    try:
        response = await call_next(request)
    except Exception:
        await run_in_threadpool(_release, db, key, principal)
        raise
    content = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    if response.status_code >= 500:
        await run_in_threadpool(_release, db, key, principal)
    else:
        await run_in_threadpool(_store, db, key, principal, response, content)
    return Response(content=content, status_code=response.status_code,
                    headers=dict(response.headers), media_type=response.media_type)


@dataclass(frozen=True)
class Earlier:
    request_hash: str
    status_code: int
    response_body: str
    content_type: str


def _earlier(record: IdempotencyRecord | None) -> Earlier | None:
    if record is None:
        return None
    return Earlier(record.request_hash, record.status_code, record.response_body,
                   record.content_type)


def _claim(db: Database, key: str, principal: str, request: Request,
           fingerprint: str) -> Earlier | None:
    """Claim the key; return the earlier request's outcome if it was already claimed."""
    now = utc_now()
    with db.unit_of_work() as uow:
        earlier = uow.session.get(IdempotencyRecord, (key, principal))
        if earlier is not None and not (earlier.status_code == PENDING
                                        and now - earlier.created_at > STALE_CLAIM):
            return _earlier(earlier)
        if earlier is not None:
            uow.session.delete(earlier)
            uow.session.flush()
        uow.session.add(IdempotencyRecord(
            key=key, principal=principal, method=request.method, path=request.url.path,
            request_hash=fingerprint, status_code=PENDING, response_body="",
            content_type="", created_at=now))
        try:
            uow.commit()
        except IntegrityError:
            uow.session.rollback()
            with db.reading() as session:
                return _earlier(session.get(IdempotencyRecord, (key, principal)))
    return None


def _replay(earlier: Earlier, fingerprint: str) -> Response:
    if earlier.request_hash != fingerprint:
        return problem(422, "IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_KEY_REUSED",
                       "This Idempotency-Key was used for a different request; "
                       "use a new key for a new request.")
    if earlier.status_code == PENDING:
        return problem(409, "IDEMPOTENCY_IN_PROGRESS", "IDEMPOTENCY_IN_PROGRESS",
                       "The first request with this Idempotency-Key is still running; "
                       "retry in a moment.")
    return Response(content=earlier.response_body.encode(), status_code=earlier.status_code,
                    media_type=earlier.content_type or None,
                    headers={"Idempotent-Replayed": "true"})


def _store(db: Database, key: str, principal: str, response: Response, content: bytes) -> None:
    with db.unit_of_work() as uow:
        record = uow.session.get(IdempotencyRecord, (key, principal))
        if record is not None:
            record.status_code = response.status_code
            record.response_body = content.decode("utf-8", errors="replace")
            record.content_type = response.media_type or response.headers.get("content-type", "")
            uow.commit()


def _release(db: Database, key: str, principal: str) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.key == key, IdempotencyRecord.principal == principal))
        uow.commit()


def purge_expired(db: Database, hours: int) -> int:
    """Delete records older than `hours`; returns how many."""
    cutoff = utc_now() - timedelta(hours=hours)
    with db.unit_of_work() as uow:
        old = uow.session.scalars(select(IdempotencyRecord.key).where(
            IdempotencyRecord.created_at < cutoff)).all()
        uow.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < cutoff))
        uow.commit()
    return len(old)
