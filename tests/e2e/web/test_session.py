"""The session cookie and CSRF, without a browser: what the station JavaScript relies on."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.config import Settings
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
