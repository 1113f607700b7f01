"""The Idempotency-Key store: one row per user and key, claimed, answered and replayed.

The API's middleware (`medwms.api.idempotency`) decides when; this module holds the
statements, each run in the keyed request's own unit (`RequestUnit`) so the claim, the
command and the stored answer commit together. The hot statements are built once: the
request path runs them with parameters, with no statement to build or hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Insert, Table, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from medwms.core.clock import utc_now
from medwms.core.db import Database, RequestUnit
from medwms.core.tables import IdempotencyRecord

PENDING = 0  # the status code of a claim whose answer is not stored yet
RECORD = cast(Table, IdempotencyRecord.__table__)
RECORD_FIELDS = ("key", "principal", "method", "path", "request_hash", "status_code",
                 "response_body", "content_type", "created_at")


@dataclass(frozen=True)
class Claim:
    """Who asks, with which key, for which request (a keyed hash of path and body)."""

    key: str
    principal: str
    path: str
    fingerprint: str


@dataclass(frozen=True)
class Earlier:
    """The answer stored for a key by the request that ran first."""

    request_hash: str
    status_code: int
    response_body: str
    content_type: str


def _inserting(dialect: Any) -> Insert:
    statement: Insert = dialect.insert(RECORD).values(
        {name: bindparam(name) for name in RECORD_FIELDS}).on_conflict_do_nothing(
        index_elements=["key", "principal"])
    return statement


CLAIMING = {name: _inserting(dialect).returning(RECORD.c.key)
            for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}
EARLIER = select(RECORD.c.request_hash, RECORD.c.status_code, RECORD.c.response_body,
                 RECORD.c.content_type).where(RECORD.c.key == bindparam("key"),
                                              RECORD.c.principal == bindparam("principal"))
STORING = update(RECORD).where(
    RECORD.c.key == bindparam("key_"), RECORD.c.principal == bindparam("principal_")).values(
    status_code=bindparam("status_code"), response_body=bindparam("response_body"),
    content_type=bindparam("content_type"))


def _record(claim: Claim, *, status: int, body: str, content_type: str) -> dict[str, Any]:
    return {"key": claim.key, "principal": claim.principal, "method": "POST",
            "path": claim.path[:500], "request_hash": claim.fingerprint,
            "status_code": status, "response_body": body,
            "content_type": content_type[:100], "created_at": utc_now()}


def insert_claim(unit: RequestUnit, claim: Claim, *, status: int = PENDING, body: str = "",
                 content_type: str = "") -> bool:
    """Insert the key's row unless it is there (one INSERT … ON CONFLICT DO NOTHING): True
    when this request made it. A concurrent request holding the same key makes it wait
    until that one commits (the row is there) or rolls back (the row is ours)."""
    made = unit.session.execute(CLAIMING[unit.db.dialect], _record(
        claim, status=status, body=body, content_type=content_type)).first()
    return made is not None


def store_answer(unit: RequestUnit, claim: Claim, *, status: int, body: str,
                 content_type: str) -> None:
    """Put the answer on a claim this request made (one UPDATE)."""
    unit.session.execute(STORING, {
        "key_": claim.key, "principal_": claim.principal, "status_code": status,
        "response_body": body, "content_type": content_type[:100]})


def stored(unit: RequestUnit, claim: Claim) -> Earlier | None:
    """The answer stored for the key, if a committed request stored one (one SELECT)."""
    row = unit.session.execute(EARLIER, {"key": claim.key, "principal": claim.principal}).first()
    return None if row is None else Earlier(*row)


def purge_expired(db: Database, hours: int) -> int:
    """Delete the records older than `hours` (one DELETE); returns how many went."""
    cutoff = utc_now() - timedelta(hours=hours)
    with db.unit_of_work() as uow:
        done = uow.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < cutoff))
        uow.commit()
    return int(getattr(done, "rowcount", 0) or 0)  # a CursorResult's, for a DELETE
