"""Sign-in, /auth/me, users and API tokens through the real API (no overridden actor)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.auth.tokens import issue_login_token
from medwms.config import Settings
from medwms.core.clock import utc_now
from tests.support.builders import make_site
from tests.support.users import PASSWORD, make_user

SECRET = "e2e-test-secret-0123456789abcdef0123"
PROBLEM = "application/problem+json"


@pytest.fixture
def settings(db) -> Settings:
    return Settings(database_url=db.url, secret_key=SECRET)


@pytest.fixture
def client(db, settings) -> TestClient:
    make_user(db, "root", "admin")
    return TestClient(create_app(settings, db=db))


def sign_in(client: TestClient, username: str = "root", password: str = PASSWORD) -> dict:
    response = client.post("/api/v1/auth/token",
                           data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def assert_not_authenticated(response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert response.headers["www-authenticate"] == "Bearer"


def test_login_returns_a_bearer_token_that_opens_auth_me(client, settings):
    body = client.post("/api/v1/auth/token",
                       data={"username": "root", "password": PASSWORD}).json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.token_minutes * 60
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "root"
    assert me.json()["roles"] == ["admin"]
    assert "password_hash" not in me.json()


def test_a_bad_login_is_401_and_does_not_say_whether_the_user_exists(client):
    wrong = client.post("/api/v1/auth/token", data={"username": "root", "password": "nope-nope"})
    unknown = client.post("/api/v1/auth/token", data={"username": "ghost", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "LOGIN_FAILED"


def test_no_token_or_a_garbled_token_is_401(client):
    assert_not_authenticated(client.get("/api/v1/auth/me"))
    assert_not_authenticated(client.get("/api/v1/auth/me",
                                        headers={"Authorization": "Bearer abc.def.ghi"}))


def test_an_expired_token_is_401_problem_json(client, db):
    root = make_user(db, "old", "picker")
    expired = issue_login_token(secret=SECRET, user_id=root.id,
                                password_changed_at=root.password_changed_at,
                                now=utc_now() - timedelta(minutes=30), minutes=10)
    assert_not_authenticated(client.get("/api/v1/auth/me",
                                        headers={"Authorization": f"Bearer {expired}"}))


def test_a_token_with_a_short_life_expires(db):
    make_user(db, "root", "admin")
    client = TestClient(create_app(Settings(database_url=db.url, secret_key=SECRET,
                                            token_minutes=0), db=db))
    assert_not_authenticated(client.get("/api/v1/auth/me", headers=sign_in(client)))


def test_a_disabled_user_gets_401(client, db):
    make_user(db, "pete", "picker")
    pete = sign_in(client, "pete")
    admin = sign_in(client)
    response = client.post("/api/v1/users/pete/disable", json={"reason": "left"}, headers=admin)
    assert response.json()["active"] is False
    assert_not_authenticated(client.get("/api/v1/auth/me", headers=pete))
    refused = client.post("/api/v1/auth/token", data={"username": "pete", "password": PASSWORD})
    assert refused.status_code == 401


def test_changing_the_password_invalidates_older_tokens(client):
    old = sign_in(client)
    response = client.post("/api/v1/auth/password", headers=old,
                           json={"old_password": PASSWORD, "new_password": "new-root-pass-1"})
    assert response.status_code == 204
    assert_not_authenticated(client.get("/api/v1/auth/me", headers=old))
    new = sign_in(client, password="new-root-pass-1")
    assert client.get("/api/v1/auth/me", headers=new).status_code == 200


def test_a_picker_cannot_create_users(client, db):
    make_user(db, "pete", "picker")
    response = client.post("/api/v1/users", headers=sign_in(client, "pete"), json={
        "username": "mallory", "password": PASSWORD, "roles": ["admin"]})
    assert response.status_code == 403
    assert response.json()["code"] == "PERMISSION_DENIED"
    assert response.headers["content-type"].startswith(PROBLEM)


def test_an_admin_manages_users_end_to_end(client):
    admin = sign_in(client)
    created = client.post("/api/v1/users", headers=admin, json={
        "username": "lin", "display_name": "林", "password": PASSWORD, "roles": ["receiver"],
        "reason": "new receiver"})
    assert created.status_code == 201, created.text
    roles = client.put("/api/v1/users/lin/roles", headers=admin,
                       json={"roles": ["receiver", "inspector"], "reason": "trained"})
    assert roles.json()["roles"] == ["inspector", "receiver"]
    patched = client.patch("/api/v1/users/lin", headers=admin, json={"language": "en"})
    assert patched.json()["language"] == "en"
    reset = client.post("/api/v1/users/lin/password", headers=admin,
                        json={"new_password": "lin-new-pass-2"})
    assert reset.status_code == 200
    assert sign_in(client, "lin", "lin-new-pass-2")
    listed = client.get("/api/v1/users", headers=admin).json()
    assert [u["username"] for u in listed] == ["lin", "root"]
    assert client.get("/api/v1/users/ghost", headers=admin).json()["code"] == "USER_NOT_FOUND"


def test_a_user_is_created_for_chosen_warehouses_and_must_change_the_password(client, db):
    with db.unit_of_work() as uow:
        make_site(uow.session, "WHA")
        make_site(uow.session, "WHB")
        uow.commit()
    admin = sign_in(client)
    created = client.post("/api/v1/users", headers=admin, json={
        "username": "wu", "password": PASSWORD, "roles": ["receiver"],
        "warehouses": ["WHB"], "must_change_password": True, "reason": "new in B"})
    assert created.status_code == 201, created.text
    assert created.json()["warehouses"] == ["WHB"]
    assert created.json()["must_change_password"] is True
    wu = sign_in(client, "wu")
    me = client.get("/api/v1/auth/me", headers=wu).json()
    assert me["warehouses"] == ["WHB"] and me["must_change_password"] is True
    refused = client.get("/api/v1/users/wu", headers=wu)
    assert refused.status_code == 403
    assert refused.json()["code"] == "PASSWORD_CHANGE_REQUIRED"
    plain = client.post("/api/v1/users", headers=admin, json={
        "username": "li", "password": PASSWORD, "roles": ["receiver"]})
    assert plain.json()["warehouses"] == [] and plain.json()["must_change_password"] is False


def test_a_user_for_an_unknown_warehouse_is_refused_and_not_created(client, db):
    with db.unit_of_work() as uow:
        make_site(uow.session, "WHA")
        uow.commit()
    admin = {**sign_in(client), "Accept-Language": "en"}
    refused = client.post("/api/v1/users", headers=admin, json={
        "username": "wu", "password": PASSWORD, "roles": ["receiver"],
        "warehouses": ["WHA", "NOPE"]})
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "UNKNOWN_WAREHOUSE"
    assert "NOPE" in refused.json()["message_en"]
    assert client.get("/api/v1/users/wu", headers=admin).json()["code"] == "USER_NOT_FOUND"


def test_invalid_users_are_422_with_a_bilingual_message(client):
    response = client.post("/api/v1/users", headers={**sign_in(client), "Accept-Language": "en"},
                           json={"username": "bob", "password": "short", "roles": ["picker"]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "WEAK_PASSWORD"
    assert "10 characters" in body["message_en"] and "10 个字符" in body["message_zh"]


def test_the_last_admin_cannot_be_disabled_through_the_api(client):
    response = client.post("/api/v1/users/root/disable", json={}, headers=sign_in(client))
    assert response.status_code == 409
    assert response.json()["code"] == "LAST_ADMIN"


def test_an_api_token_is_shown_once_and_works_until_revoked(client, db):
    make_user(db, "erp", "integrator")
    admin = sign_in(client)
    created = client.post("/api/v1/auth/api-tokens", headers=admin,
                          json={"name": "ERP sync", "username": "erp"})
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=bearer).json()["username"] == "erp"
    listed = client.get("/api/v1/auth/api-tokens", headers=admin).json()
    assert [t["name"] for t in listed] == ["ERP sync"]
    assert "token" not in listed[0]
    revoked = client.delete(f"/api/v1/auth/api-tokens/{created.json()['id']}", headers=admin)
    assert revoked.json()["revoked_at"] is not None
    assert_not_authenticated(client.get("/api/v1/auth/me", headers=bearer))
