"""Bearer tokens: signed login tokens (JWT HS256) and random API tokens (only a SHA-256 kept).

Processes keep a verified token's actor for a few seconds (`auth.actors`); a change that
withdraws rights in this process (disable, roles, password, revoked API token) calls
`rights_changed()` after its commit, so this process forgets every kept actor at once,
and the others within their few seconds.

A login token carries `sub` (the user id), `iat`, `exp` and `pwd`, the exact moment the
user's password last changed (microseconds since the epoch). Changing the password moves
that moment, so every token issued before it is refused — even one issued in the same
second, which a plain comparison with the whole-second `iat` would let through.
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


def password_stamp(changed_at: datetime) -> int:
    """The moment a password changed, as whole microseconds since the epoch."""
    return (changed_at - _EPOCH) // timedelta(microseconds=1)


def issue_login_token(*, secret: str, user_id: int, password_changed_at: datetime,
                      now: datetime, minutes: int) -> str:
    """A signed login token for `user_id`, valid `minutes` from `now`."""
    claims = {"sub": str(user_id), "iat": int(now.timestamp()),
              "exp": int((now + timedelta(minutes=minutes)).timestamp()),
              "pwd": password_stamp(password_changed_at)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_login_token(token: str, *, secret: str) -> LoginClaims:
    """The claims of a login token; NotAuthenticated if forged, malformed or expired."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM],
                            options={"require": ["exp", "iat", "sub", "pwd"]})
        return LoginClaims(user_id=int(claims["sub"]), password_stamp=int(claims["pwd"]),
                           expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC))
    except (jwt.InvalidTokenError, ValueError, TypeError) as error:
        raise NotAuthenticated() from error


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
