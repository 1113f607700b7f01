"""Security headers on every response of every route (walked from the app's route table),
anonymous and signed in, and on errors, redirects, 404s, static files and a 500; HSTS only
over HTTPS or on a trusted proxy's word."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from medwms.api import docs, headers
from medwms.api.app import create_app
from medwms.config import Settings
from tests.support.routes import Route, route_table
from tests.support.users import PASSWORD, make_user

API = "/api/v1"
SECRET = "headers-test-secret-0123456789abcdef"
DOCS_PAGES = {docs.DOCS_URL, docs.OAUTH_REDIRECT_URL}
MOUNT_FILES = {"/static": "app.css", "/static/apidocs": "swagger-ui.css"}


@pytest.fixture
def app(db):
    make_user(db, "root", "admin")
    return create_app(Settings(database_url=db.url, secret_key=SECRET), db=db)


def bearer(client: TestClient) -> dict[str, str]:
    answer = client.post(f"{API}/auth/token", data={"username": "root", "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def assert_secure(response: Any, policy: str = headers.POLICY) -> None:
    where = f"{response.request.method} {response.request.url} → {response.status_code}"
    found = response.headers
    assert found.get("content-security-policy") == policy, where
    assert found.get("x-frame-options") == "DENY", where
    assert found.get("x-content-type-options") == "nosniff", where
    assert found.get("referrer-policy") == "strict-origin-when-cross-origin", where
    assert "strict-transport-security" not in found, where  # plain HTTP


def requests_of(route: Route) -> list[tuple[str, str]]:
    """(method, URL) to send to `route`: made-up values for its parameters; for a mount,
    one of its files and a missing one."""
    if route.mount:
        return [("GET", f"{route.path}/{MOUNT_FILES.get(route.path, 'x')}"),
                ("GET", f"{route.path}/no-such-file.js")]
    url = route.url({name: "en" if name == "lang" else "NO-SUCH-1"
                     for name in route.parameters})
    return [(method, url) for method in sorted(route.methods - {"HEAD"})]


def test_the_policy_allows_nothing_inline_nor_foreign():
    directives = dict(d.strip().split(" ", 1) for d in headers.POLICY.split(";"))
    assert directives == {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
        "object-src": "'none'", "base-uri": "'self'", "frame-ancestors": "'none'",
        "form-action": "'self'"}
    docs_directives = dict(d.strip().split(" ", 1) for d in docs.POLICY.split(";"))
    assert docs_directives == {**directives, "img-src": "'self' data:"}


def test_every_route_answers_with_the_security_headers(app):
    client = TestClient(app, raise_server_exceptions=False)
    signed_in = bearer(client)
    routes = route_table(app)
    assert sum(r.is_api for r in routes) > 100 and any(r.mount for r in routes)
    statuses = set()
    for route in routes:
        for method, url in requests_of(route):
            for who in ({}, signed_in):
                answer = client.request(method, url, headers=who, follow_redirects=False,
                                        json={} if method != "GET" else None)
                assert_secure(answer, docs.POLICY if url in DOCS_PAGES else headers.POLICY)
                statuses.add(answer.status_code)
    # the walk met answers of every kind: pages, redirects, refusals, not found, invalid
    assert {200, 303, 307, 401, 404, 422} <= statuses
    assert max(statuses) < 500


def test_a_keyed_post_and_its_replay_carry_the_headers(app):
    client = TestClient(app)
    sent = {**bearer(client), "Idempotency-Key": "headers-1"}
    body = {"username": "lin", "password": PASSWORD, "roles": ["receiver"]}
    first = client.post(f"{API}/users", json=body, headers=sent)
    again = client.post(f"{API}/users", json=body, headers=sent)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert_secure(first)
    assert_secure(again)


def test_an_unexpected_error_is_a_500_with_the_headers(app):
    @app.get(f"{API}/boom-for-headers")
    def boom() -> None:
        raise RuntimeError("boom")

    answer = TestClient(app, raise_server_exceptions=False).get(f"{API}/boom-for-headers")
    assert answer.status_code == 500
    assert answer.json()["code"] == "INTERNAL_ERROR"
    assert_secure(answer)


def test_hsts_over_https_only(app):
    over_tls = TestClient(app, base_url="https://testserver").get("/login")
    assert over_tls.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in TestClient(app).get("/login").headers


def test_hsts_on_the_word_of_a_trusted_proxy_only(app):
    said = {"X-Forwarded-Proto": "https"}
    proxy = TestClient(app, client=("127.0.0.1", 40000))
    assert proxy.get("/login", headers=said).headers["strict-transport-security"]
    assert "strict-transport-security" not in proxy.get("/login").headers
    # the proxy appends what it saw to what the client claimed: its own value counts
    claimed = proxy.get("/login", headers={"X-Forwarded-Proto": "https, http"})
    assert "strict-transport-security" not in claimed.headers
    stranger = TestClient(app, client=("203.0.113.9", 40000))
    assert "strict-transport-security" not in stranger.get("/login", headers=said).headers


def test_trusted_proxies_and_the_hsts_age_are_settings(db):
    settings = Settings(database_url=db.url, secret_key=SECRET, hsts_seconds=600,
                        trusted_proxies=("10.0.0.0/8",))
    app = create_app(settings, db=db)
    said = {"X-Forwarded-Proto": "https"}
    inner = TestClient(app, client=("10.1.2.3", 40000)).get("/login", headers=said)
    assert inner.headers["strict-transport-security"] == "max-age=600"
    local = TestClient(app, client=("127.0.0.1", 40000)).get("/login", headers=said)
    assert "strict-transport-security" not in local.headers
    never = create_app(Settings(database_url=db.url, secret_key=SECRET, hsts_seconds=0), db=db)
    assert "strict-transport-security" not in TestClient(
        never, base_url="https://testserver").get("/login").headers


def test_a_bad_trusted_proxy_is_refused_at_start():
    with pytest.raises(ValueError, match="not-an-address"):
        Settings(trusted_proxies=("not-an-address",))
