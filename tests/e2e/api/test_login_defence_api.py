"""The login defence, sessions and token scopes through the real API (no overridden actor)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.scopes import (
    INTEGRATION_WRITES,
    STATION_WRITES,
    WHILE_PASSWORD_CHANGE,
    covers,
)
from tests.support.logins import (
    WEAK,
    audit_actions,
    login_settings,
    user_with_old_password,
)
from tests.support.users import PASSWORD, make_user

UDI = "]d201076123450000151728063010LOTA1\x1d21SN0001"


@pytest.fixture
def settings(db):
    return login_settings(db, login_free_failures=5)


@pytest.fixture
def client(db, settings) -> TestClient:
    make_user(db, "root", "admin")
    return TestClient(create_app(settings, db=db))


def token_of(client: TestClient, username: str = "root", password: str = PASSWORD):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def bearer(client: TestClient, username: str = "root", password: str = PASSWORD) -> dict:
    response = token_of(client, username, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_a_locked_account_is_429_with_retry_after_even_with_the_right_password(client, db):
    make_user(db, "pete", "picker")
    answers = [token_of(client, "pete", "wrong-password-1") for _ in range(5)]
    assert [a.status_code for a in answers] == [401] * 4 + [429]
    locked = token_of(client, "pete", PASSWORD)
    assert locked.status_code == 429
    assert 14 * 60 <= int(locked.headers["Retry-After"]) <= 15 * 60
    body = locked.json()
    assert body["code"] == "ACCOUNT_LOCKED"
    assert "locked until" in body["message_en"] and "锁定至" in body["message_zh"]
    assert body["fields"]["retry_after"] == int(locked.headers["Retry-After"])
    assert audit_actions(db, "pete").count("user.lock") == 1


def test_an_unknown_username_gets_the_same_answers_as_a_known_one(client, db):
    make_user(db, "pete", "picker")

    def answers(username: str) -> list[tuple[int, str, bool]]:
        out = []
        for _ in range(6):
            r = token_of(client, username, "wrong-password-1")
            out.append((r.status_code, r.json()["code"], "Retry-After" in r.headers))
        return out

    assert answers("pete") == answers("ghost") == (
        [(401, "LOGIN_FAILED", False)] * 4 + [(429, "ACCOUNT_LOCKED", True)] * 2)


def test_after_the_free_failures_the_api_says_how_long_to_wait(db):
    make_user(db, "pete", "picker")
    client = TestClient(create_app(login_settings(db, login_delay_seconds=20), db=db))
    for _ in range(3):
        token_of(client, "pete", "wrong-password-1")
    delayed = token_of(client, "pete", PASSWORD)
    assert delayed.status_code == 429
    assert delayed.json()["code"] == "LOGIN_DELAYED"
    assert 10 < int(delayed.headers["Retry-After"]) <= 20


def test_an_admin_unlocks_through_the_api_and_the_unlock_is_audited(client, db):
    make_user(db, "pete", "picker")
    for _ in range(5):
        token_of(client, "pete", "wrong-password-1")
    admin = bearer(client)
    listed = {u["username"]: u for u in client.get("/api/v1/users", headers=admin).json()}
    assert listed["pete"]["failed_logins"] == 5 and listed["pete"]["locked_until"]
    unlocked = client.post("/api/v1/users/pete/unlock", json={"reason": "called the desk"},
                           headers=admin)
    assert unlocked.status_code == 200, unlocked.text
    assert (unlocked.json()["failed_logins"], unlocked.json()["locked_until"]) == (0, None)
    assert token_of(client, "pete", PASSWORD).status_code == 200
    assert audit_actions(db, "pete")[-3:] == ["user.lock", "user.unlock", "login"]
    pete = bearer(client, "pete")
    refused = client.post("/api/v1/users/pete/unlock", json={}, headers=pete)
    assert refused.status_code == 403


def test_an_admin_unlocks_a_client_address(db):
    make_user(db, "root", "admin")
    settings = login_settings(db, login_address_max_failures=3, login_address_free_failures=5)
    client = TestClient(create_app(settings, db=db))
    admin = bearer(client)
    for n in range(3):
        token_of(client, f"nobody{n}", "wrong-password-1")
    assert token_of(client).json()["code"] == "ADDRESS_LOCKED"
    done = client.post("/api/v1/auth/unlock-address", headers=admin,
                       json={"address": "testclient", "reason": "the test client"})
    assert done.json() == {"address": "testclient", "was_counted": True}
    assert token_of(client).status_code == 200


def test_logout_ends_the_login_tokens_of_the_user(client):
    first, second = bearer(client), bearer(client)
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    for headers in (first, second):
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.get("/api/v1/auth/me", headers=bearer(client)).status_code == 200


def test_a_user_who_must_change_the_password_may_only_change_it(client, db):
    user_with_old_password(db, "alice", WEAK, "receiver")
    alice = bearer(client, "alice", WEAK)
    me = client.get("/api/v1/auth/me", headers=alice)
    assert me.status_code == 200 and me.json()["must_change_password"] is True
    refused = client.get("/api/v1/stock", headers=alice)
    assert refused.status_code == 403
    assert refused.json()["code"] == "PASSWORD_CHANGE_REQUIRED"
    assert "必须先修改密码" in refused.json()["message_zh"]
    changed = client.post("/api/v1/auth/password", headers=alice,
                          json={"old_password": WEAK, "new_password": "vireo-lantern-42"})
    assert changed.status_code == 204, changed.text
    again = bearer(client, "alice", "vireo-lantern-42")
    assert client.get("/api/v1/stock", headers=again).status_code == 200


def test_a_weak_new_password_is_refused_naming_each_rule_in_both_languages(client):
    response = client.post("/api/v1/auth/password", headers=bearer(client),
                           json={"old_password": PASSWORD, "new_password": "password123"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "WEAK_PASSWORD"
    assert "a common password" in body["message_en"] and "常见密码" in body["message_zh"]


def test_an_admin_reset_can_force_a_change_at_the_next_sign_in(client, db):
    make_user(db, "pete", "picker")
    reset = client.post("/api/v1/users/pete/password", headers=bearer(client), json={
        "new_password": "temporary-pass-1", "must_change_password": True})
    assert reset.json()["must_change_password"] is True
    pete = bearer(client, "pete", "temporary-pass-1")
    assert client.get("/api/v1/stock", headers=pete).json()["code"] == \
        "PASSWORD_CHANGE_REQUIRED"


def new_token(client: TestClient, scope: str, **extra) -> dict:
    made = client.post("/api/v1/auth/api-tokens", headers=bearer(client),
                       json={"name": scope, "scope": scope, **extra})
    assert made.status_code == 201, made.text
    assert made.json()["scope"] == scope and made.json()["expires_at"]
    return {"Authorization": f"Bearer {made.json()['token']}"}


def test_a_read_only_token_reads_but_writes_nothing(client):
    token = new_token(client, "read-only")
    assert client.get("/api/v1/stock", headers=token).status_code == 200
    refused = client.post("/api/v1/scan/parse", json={"raw": UDI}, headers=token)
    assert refused.status_code == 403
    assert refused.json()["code"] == "TOKEN_SCOPE_DENIED"
    assert "read-only" in refused.json()["message_en"]
    assert "/api/v1/scan/parse" in refused.json()["message_zh"]


def test_a_stations_token_scans_but_does_not_touch_master_data(client):
    token = new_token(client, "stations")
    assert client.post("/api/v1/scan/parse", json={"raw": UDI}, headers=token).status_code == 200
    refused = client.post("/api/v1/masterdata/items", json={}, headers=token)
    assert refused.json()["code"] == "TOKEN_SCOPE_DENIED"


def test_an_integration_token_writes_master_data_but_does_not_scan(client):
    token = new_token(client, "integration")
    wrote = client.post("/api/v1/masterdata/warehouses", headers=token,
                        json={"code": "WH9", "name": "外仓", "timezone": "Asia/Shanghai"})
    assert wrote.json().get("code") != "TOKEN_SCOPE_DENIED", wrote.text
    refused = client.post("/api/v1/scan/parse", json={"raw": UDI}, headers=token)
    assert refused.json()["code"] == "TOKEN_SCOPE_DENIED"


def test_no_token_makes_tokens_or_signs_out(client):
    token = new_token(client, "integration")
    made = client.post("/api/v1/auth/api-tokens", headers=token, json={"name": "more"})
    assert made.json()["code"] == "TOKEN_SCOPE_DENIED"
    assert client.post("/api/v1/auth/logout", headers=token).status_code == 403


def test_a_token_lifetime_past_the_most_is_refused(db):
    make_user(db, "root", "admin")
    client = TestClient(create_app(login_settings(db, api_token_max_days=30), db=db))
    response = client.post("/api/v1/auth/api-tokens", headers=bearer(client),
                           json={"name": "long", "days": 31})
    assert response.status_code == 422
    assert response.json()["code"] == "BAD_API_TOKEN"


def test_every_route_the_scope_tables_name_is_a_route_of_the_app(client):
    paths = client.app.openapi()["paths"]
    routes = {(method.upper(), path) for path, methods in paths.items() for method in methods}
    named = STATION_WRITES | INTEGRATION_WRITES | WHILE_PASSWORD_CHANGE
    assert named - routes == set()


def test_a_path_parameter_is_one_segment_of_the_path():
    assert covers("stations", "POST", "/api/v1/receipts/R-1/scans")
    assert not covers("stations", "POST", "/api/v1/receipts/R-1/scans/extra")
    assert not covers("stations", "POST", "/api/v1/receipts/R-1/../../users")
    assert covers("read-only", "GET", "/api/v1/anything")
    assert not covers("everything", "GET", "/api/v1/stock")
