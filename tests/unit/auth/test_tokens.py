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
    reissue_login_token,
    session_key,
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


def test_a_token_carries_when_the_password_was_typed_and_the_session_generation():
    now = datetime.now(UTC).replace(microsecond=0)
    typed = now - timedelta(hours=3)
    claims = read_login_token(issue_login_token(
        secret=SECRET, user_id=7, password_changed_at=CHANGED, now=now,
        expires_at=now + timedelta(minutes=30), auth_time=typed, generation=4), secret=SECRET)
    assert (claims.auth_time, claims.generation) == (typed, 4)
    assert (claims.issued_at, claims.expires_at) == (now, now + timedelta(minutes=30))


def test_a_reissued_token_keeps_the_sign_in_and_moves_only_its_times():
    now = datetime.now(UTC).replace(microsecond=0)
    first = read_login_token(issue_login_token(
        secret=SECRET, user_id=7, password_changed_at=CHANGED, now=now - timedelta(minutes=5),
        minutes=30, generation=2), secret=SECRET)
    again = read_login_token(reissue_login_token(
        first, secret=SECRET, now=now, expires_at=now + timedelta(minutes=30)), secret=SECRET)
    assert (again.user_id, again.password_stamp, again.generation, again.auth_time) == (
        first.user_id, first.password_stamp, first.generation, first.auth_time)
    assert again.issued_at == now and again.expires_at == now + timedelta(minutes=30)


def test_the_session_key_outlives_a_reissue_but_not_a_new_sign_in():
    now = datetime.now(UTC).replace(microsecond=0)
    token = issue_login_token(secret=SECRET, user_id=7, password_changed_at=CHANGED,
                              now=now - timedelta(minutes=5), minutes=30)
    claims = read_login_token(token, secret=SECRET)
    again = reissue_login_token(claims, secret=SECRET, now=now,
                                expires_at=now + timedelta(minutes=30))
    other = issue_login_token(secret=SECRET, user_id=7, password_changed_at=CHANGED, now=now,
                              minutes=30)
    assert token != again
    assert session_key(token, secret=SECRET) == session_key(again, secret=SECRET)
    assert session_key(other, secret=SECRET) != session_key(token, secret=SECRET)
    assert session_key("garbage", secret=SECRET) == "garbage"


def test_a_token_without_the_session_claims_is_refused():
    old = jwt.encode({"sub": "7", "iat": 0, "exp": 2**40, "pwd": 0}, SECRET, algorithm="HS256")
    with pytest.raises(NotAuthenticated):
        read_login_token(old, secret=SECRET)
