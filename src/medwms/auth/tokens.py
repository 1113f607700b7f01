"""Bearer tokens: signed login tokens (JWT HS256) and random API tokens (only a SHA-256 kept).

Processes keep a verified token's actor for a few seconds (`auth.actors`); a change that
withdraws rights in this process (disable, roles, password, revoked API token) calls
`rights_changed()` after its commit, so this process forgets every kept actor at once,
and the others within their few seconds.

A login token carries `sub` (the user id), `iat`, `exp`, `pwd` — the exact moment the
user's password last changed (microseconds since the epoch) —, `gen`, the user's session
generation, and `auth_time`, when the password was typed. Changing the password moves `pwd`,
so every token issued before it is refused — even one issued in the same second, which a
plain comparison with the whole-second `iat` would let through; logging out moves `gen`, so
every session and login token of the user is refused. A browser session's token is issued
again as it is used (`auth.sessions`): its `exp` moves, its `auth_time` never does.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from medwms.core.errors import NotAuthenticated

ALGORITHM = "HS256"
_RIGHTS_CHANGES = [0]
API_TOKEN_PREFIX = "mwk_"  # noqa: S105 — a prefix, not a secret
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class LoginClaims:
    """What a verified login token says."""

    user_id: int
    password_stamp: int
    expires_at: datetime
    issued_at: datetime
    auth_time: datetime
    generation: int


def password_stamp(changed_at: datetime) -> int:
    """The moment a password changed, as whole microseconds since the epoch."""
    return (changed_at - _EPOCH) // timedelta(microseconds=1)


def issue_login_token(*, secret: str, user_id: int, password_changed_at: datetime,
                      now: datetime, minutes: int | None = None,
                      expires_at: datetime | None = None, auth_time: datetime | None = None,
                      generation: int = 0) -> str:
    """A signed login token for `user_id`, valid until `expires_at` (or `minutes` from `now`);
    `auth_time` (default `now`) is when the password was typed."""
    if expires_at is None:
        expires_at = now + timedelta(minutes=minutes or 0)
    return _sign(secret, user_id=user_id, stamp=password_stamp(password_changed_at), now=now,
                 expires_at=expires_at, auth_time=auth_time or now, generation=generation)


def reissue_login_token(claims: LoginClaims, *, secret: str, now: datetime,
                        expires_at: datetime) -> str:
    """The same sign-in (user, password stamp, generation, `auth_time`) in a token issued
    `now` that runs out at `expires_at`."""
    return _sign(secret, user_id=claims.user_id, stamp=claims.password_stamp, now=now,
                 expires_at=expires_at, auth_time=claims.auth_time,
                 generation=claims.generation)


def _sign(secret: str, *, user_id: int, stamp: int, now: datetime, expires_at: datetime,
          auth_time: datetime, generation: int) -> str:
    claims = {"sub": str(user_id), "iat": int(now.timestamp()),
              "exp": int(expires_at.timestamp()), "auth_time": int(auth_time.timestamp()),
              "pwd": stamp, "gen": generation}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_login_token(token: str, *, secret: str, verify_exp: bool = True) -> LoginClaims:
    """The claims of a login token; NotAuthenticated if forged, malformed or expired."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM],
                            options={"require": ["exp", "iat", "sub", "pwd", "gen", "auth_time"],
                                     "verify_exp": verify_exp})
        return LoginClaims(user_id=int(claims["sub"]), password_stamp=int(claims["pwd"]),
                           expires_at=_moment(claims["exp"]), issued_at=_moment(claims["iat"]),
                           auth_time=_moment(claims["auth_time"]),
                           generation=int(claims["gen"]))
    except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError) as error:
        raise NotAuthenticated() from error


def session_key(token: str, *, secret: str) -> str:
    """What stays the same while a browser session's token is issued again (user, sign-in
    moment, generation, password stamp): the CSRF token is derived from it, so a page's
    CSRF token outlives the cookie's re-issue. A token that is no login token is its own key.
    """
    try:
        claims = read_login_token(token, secret=secret, verify_exp=False)
    except NotAuthenticated:
        return token
    return (f"{claims.user_id}:{int(claims.auth_time.timestamp())}:{claims.generation}:"
            f"{claims.password_stamp}")


def _moment(value: object) -> datetime:
    return datetime.fromtimestamp(int(str(value)), UTC)


def is_api_token(token: str) -> bool:
    """Whether `token` has the shape of an API token (rather than a login token)."""
    return token.startswith(API_TOKEN_PREFIX)


def new_api_token() -> tuple[str, str]:
    """A fresh API token: (the plaintext, shown once; its SHA-256, which is stored)."""
    plaintext = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return plaintext, api_token_digest(plaintext)


def api_token_digest(plaintext: str) -> str:
    """The SHA-256 hex digest under which an API token is stored."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def rights_changed() -> None:
    """A user's rights changed in this process: actors verified before are not trusted."""
    _RIGHTS_CHANGES[0] += 1


def rights_generation() -> int:
    """How many times rights changed in this process (compare, don't interpret)."""
    return _RIGHTS_CHANGES[0]
