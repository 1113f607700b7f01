"""The session cookie and CSRF, without a browser: what the station JavaScript relies on."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from medwms.api.app import create_app
from medwms.auth.tables import User
from medwms.auth.tokens import issue_login_token, read_login_token
from medwms.config import Settings
from medwms.core.clock import utc_now
from tests.support.logins import WEAK, user_with_old_password
from tests.support.users import PASSWORD, make_user

UDI = "]d201076123450000151728063010LOTA1\x1d21SN0001"


@pytest.fixture
def client(db):
    make_user(db, "rita", "receiver")
    return TestClient(create_app(Settings(database_url=db.url), db=db))


def signed_in(client) -> str:
    response = client.post("/login", data={"username": "rita", "password": PASSWORD},
                           follow_redirects=False)
    assert response.status_code == 303
    page = client.get("/stations/scan").text
    return re.search(r'name="csrf-token" content="([0-9a-f]+)"', page).group(1)


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    response = client.post("/login", data={"username": "rita", "password": PASSWORD},
                           follow_redirects=False)
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("medwms_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_a_cookie_post_without_the_csrf_header_is_refused(client):
    signed_in(client)
    response = client.post("/api/v1/scan/parse", json={"raw": UDI})
    assert response.status_code == 403
    assert response.json()["code"] == "CSRF_REFUSED"


def test_a_cookie_post_with_the_csrf_header_is_served(client):
    token = signed_in(client)
    response = client.post("/api/v1/scan/parse", json={"raw": UDI},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    assert response.json()["lot"] == "LOTA1"


def test_a_bearer_token_needs_no_csrf_header(client):
    token = client.post("/api/v1/auth/token",
                        data={"username": "rita", "password": PASSWORD}).json()["access_token"]
    bare = TestClient(client.app)
    response = bare.post("/api/v1/scan/parse", json={"raw": UDI},
                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_a_scan_resent_with_its_id_is_replayed_not_redone(client):
    token = signed_in(client)
    headers = {"X-CSRF-Token": token, "Idempotency-Key": "scan-0001"}
    first = client.post("/api/v1/scan/parse", json={"raw": UDI}, headers=headers)
    again = client.post("/api/v1/scan/parse", json={"raw": UDI}, headers=headers)
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"


def test_sign_out_needs_the_form_token_and_clears_the_cookie(client):
    token = signed_in(client)
    refused = client.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert refused.status_code == 403
    done = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert done.headers["location"] == "/login"
    assert client.get("/stock", follow_redirects=False).headers["location"] == "/login?next=/stock"


def test_sign_in_never_sends_the_browser_to_another_site(client):
    response = client.post("/login", data={"username": "rita", "password": PASSWORD,
                                           "next": "//evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def session_cookie(response) -> str | None:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("medwms_session="):
            return header.split(";")[0].split("=", 1)[1]
    return None


def cookie_of(db, settings, username: str, *, issued_ago: timedelta, typed_ago: timedelta,
              minutes: int = 30) -> str:
    """A session token as the browser would hold it, issued and typed a while ago."""
    with db.reading() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        now = utc_now()
        return issue_login_token(secret=settings.secret_key, user_id=user.id,
                                 password_changed_at=user.password_changed_at,
                                 now=now - issued_ago, minutes=minutes,
                                 auth_time=now - typed_ago,
                                 generation=user.session_generation)


def test_using_the_session_moves_its_end_on_and_keeps_the_page_csrf_token(client, db):
    settings = client.app.state.settings
    old = cookie_of(db, settings, "rita", issued_ago=timedelta(minutes=5),
                    typed_ago=timedelta(minutes=5))
    client.cookies.set("medwms_session", old)
    page = client.get("/stations/scan")
    fresh = session_cookie(page)
    assert fresh and fresh != old
    claims = read_login_token(fresh, secret=settings.secret_key)
    assert claims.auth_time == read_login_token(old, secret=settings.secret_key).auth_time
    assert claims.expires_at - utc_now() > timedelta(minutes=29)
    csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text).group(1)
    client.cookies.set("medwms_session", fresh)
    response = client.post("/api/v1/scan/parse", json={"raw": UDI},
                           headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200


def test_a_station_call_with_the_cookie_slides_the_session_too(client, db):
    settings = client.app.state.settings
    old = cookie_of(db, settings, "rita", issued_ago=timedelta(minutes=5),
                    typed_ago=timedelta(minutes=5))
    client.cookies.set("medwms_session", old)
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 200
    assert session_cookie(response) not in (None, old)


def test_a_fresh_session_is_not_issued_again_on_every_request(client):
    signed_in(client)
    assert session_cookie(client.get("/stations/scan")) is None


def test_an_idle_session_ends_and_so_does_one_past_its_absolute_limit(client, db):
    settings = client.app.state.settings
    idle = cookie_of(db, settings, "rita", issued_ago=timedelta(minutes=31),
                     typed_ago=timedelta(minutes=31))
    client.cookies.set("medwms_session", idle)
    assert client.get("/stock", follow_redirects=False).headers["location"] == \
        "/login?next=/stock"
    too_old = cookie_of(db, settings, "rita", issued_ago=timedelta(minutes=1),
                        typed_ago=timedelta(hours=12, minutes=1))
    client.cookies.set("medwms_session", too_old)
    assert client.get("/stock", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_users_other_sessions_too(client):
    other = TestClient(client.app)
    other.post("/login", data={"username": "rita", "password": PASSWORD})
    assert other.get("/stock", follow_redirects=False).status_code == 200
    token = signed_in(client)
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert other.get("/stock", follow_redirects=False).headers["location"] == \
        "/login?next=/stock"


def test_a_locked_sign_in_page_is_429_with_retry_after_and_the_time(db):
    make_user(db, "rita", "receiver")
    client = TestClient(create_app(Settings(database_url=db.url, login_free_failures=5),
                                   db=db))
    for _ in range(5):
        client.post("/login", data={"username": "rita", "password": "wrong-password-1"})
    page = client.post("/login", data={"username": "rita", "password": PASSWORD},
                       follow_redirects=False)
    assert page.status_code == 429
    assert int(page.headers["Retry-After"]) > 14 * 60
    assert "已锁定至" in page.text and "+08:00" in page.text
    assert 'data-code="ACCOUNT_LOCKED"' in page.text


def test_a_sign_in_with_an_old_weak_password_leads_to_the_password_page(db):
    user_with_old_password(db, "wendy", WEAK.replace("alice", "wendy"), "receiver")
    browser = TestClient(create_app(Settings(database_url=db.url), db=db))
    signed = browser.post("/login", data={"username": "wendy",
                                          "password": WEAK.replace("alice", "wendy")},
                          follow_redirects=False)
    assert signed.headers["location"] == "/account/password"
    assert browser.get("/stock", follow_redirects=False).headers["location"] == \
        "/account/password"
    assert "PASSWORD_CHANGE_REQUIRED" in browser.get("/account/password").text
