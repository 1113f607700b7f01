"""Login tokens (JWT HS256) and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from medwms.auth.tokens import (
    API_TOKEN_PREFIX,
    api_token_digest,
    is_api_token,
    issue_login_token,
    new_api_token,
    password_stamp,
    read_login_token,
)
from medwms.core.errors import NotAuthenticated

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
CHANGED = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def token(now: datetime, minutes: int = 60, secret: str = SECRET) -> str:
    return issue_login_token(secret=secret, user_id=7, password_changed_at=CHANGED, now=now,
                             minutes=minutes)


def test_a_fresh_token_names_its_user_and_password_moment():
    claims = read_login_token(token(datetime.now(UTC)), secret=SECRET)
    assert claims.user_id == 7
    assert claims.password_stamp == password_stamp(CHANGED)


def test_the_token_is_hs256_with_sub_iat_and_exp():
    now = datetime.now(UTC)
    header = jwt.get_unverified_header(token(now))
    claims = jwt.decode(token(now), SECRET, algorithms=["HS256"])
    assert header["alg"] == "HS256"
    assert claims["sub"] == "7"
    assert claims["exp"] - claims["iat"] == 3600


def test_an_expired_token_is_refused():
    with pytest.raises(NotAuthenticated):
        read_login_token(token(datetime.now(UTC) - timedelta(hours=2)), secret=SECRET)


def test_a_token_signed_with_another_key_is_refused():
    with pytest.raises(NotAuthenticated):
        read_login_token(token(datetime.now(UTC), secret="x" * 40), secret=SECRET)


def test_an_unsigned_or_garbled_token_is_refused():
    forged = jwt.encode({"sub": "1", "iat": 0, "exp": 2**40, "pwd": 0}, "", algorithm="none")
    for bad in (forged, "garbage", ""):
        with pytest.raises(NotAuthenticated):
            read_login_token(bad, secret=SECRET)


def test_the_password_stamp_keeps_microseconds():
    later = CHANGED + timedelta(microseconds=1)
    assert password_stamp(later) - password_stamp(CHANGED) == 1


def test_an_api_token_is_prefixed_random_and_stored_as_its_sha256():
    plaintext, digest = new_api_token()
    other, _ = new_api_token()
    assert plaintext.startswith(API_TOKEN_PREFIX) and is_api_token(plaintext)
    assert plaintext != other
    assert digest == api_token_digest(plaintext) and len(digest) == 64
    assert plaintext not in digest
