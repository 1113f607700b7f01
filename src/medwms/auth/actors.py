"""Verified actors kept in process for a few seconds, so a request needs no database read
to know who is asking.

`verify(db, settings, cache, token)` checks a bearer token against the database
(`sessions.verify_token`: user, roles, active, password stamp, session generation, the
forced password change; an API token's revocation and scope)
at most once per `settings.auth_cache_seconds` per token and process. A disabled user, a
withdrawn role, a changed password, a logout or a revoked API token therefore takes effect in every
process within that many seconds (5 at most), and a token is never trusted past its own
expiry. A change made in this process (`tokens.rights_changed()`) drops every kept actor
at once. Failures are not kept: a refused token is checked again on its next use.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from medwms.auth.rules import Actor
from medwms.auth.sessions import Verified, verify_token
from medwms.auth.tokens import rights_generation
from medwms.config import Settings
from medwms.core.clock import utc_now
from medwms.core.db import Database

MAX_TOKENS = 10_000


class ActorCache:
    """Token → (what it was verified as, fresh until, rights generation): at most `seconds`
    old, at most `size` tokens, none from before this process last changed someone's
    rights."""

    def __init__(self, seconds: float, *, size: int = MAX_TOKENS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._size = size
        self._clock = clock
        self._entries: dict[str, tuple[Verified, float, int]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Actor | None:
        """The actor verified for `token` less than `seconds` ago, else None."""
        verified = self.verified(token)
        return None if verified is None else verified.actor

    def verified(self, token: str) -> Verified | None:
        """What `token` was verified as less than `seconds` ago, else None."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        verified, until, generation = entry
        if until <= self._clock() or generation != rights_generation():
            self._entries.pop(token, None)
            return None
        return verified

    def put(self, token: str, verified: Verified, *, now: datetime, generation: int) -> None:
        """Keep an actor verified at `now` (rights generation `generation`, taken before the
        database was read), never past the token's own expiry."""
        keep = self.seconds
        if verified.expires_at is not None:
            keep = min(keep, (verified.expires_at - now).total_seconds())
        if keep <= 0:
            return
        with self._lock:
            if len(self._entries) >= self._size:
                self._prune()
            self._entries[token] = (verified, self._clock() + keep, generation)

    def _prune(self) -> None:
        """Drop the stale entries; if all are fresh (a flood of tokens), drop them all."""
        now = self._clock()
        stale = [t for t, (_, until, _) in self._entries.items() if until <= now]
        for token in stale:
            del self._entries[token]
        if len(self._entries) >= self._size:
            self._entries.clear()


def authenticate(db: Database, settings: Settings, cache: ActorCache, token: str) -> Actor:
    """The actor behind `token`, from the cache or the database; NotAuthenticated else."""
    return verify(db, settings, cache, token).actor


def verify(db: Database, settings: Settings, cache: ActorCache, token: str) -> Verified:
    """What `token` stands for, from the cache or the database; NotAuthenticated else."""
    known = cache.verified(token)
    if known is not None:
        return known
    generation = rights_generation()  # before the read: a change during it is not missed
    with db.reading() as session:
        verified = verify_token(session, settings, token)
    cache.put(token, verified, now=utc_now(), generation=generation)
    return verified
