"""The Idempotency-Key middleware, exercised with POST /users."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from medwms.api.app import create_app
from medwms.auth.tables import User
from medwms.config import Settings
from tests.support.users import PASSWORD, make_user


def test_the_same_key_twice_creates_one_user_and_replays_the_response(db):
    make_user(db, "root", "admin")
    client = TestClient(create_app(Settings(database_url=db.url,
                                            secret_key="idem-test-secret-0123456789abcdef"),
                                   db=db))
    token = client.post("/api/v1/auth/token",
                        data={"username": "root", "password": PASSWORD}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "create-lin-0001"}
    body = {"username": "lin", "password": PASSWORD, "roles": ["receiver"]}
    first = client.post("/api/v1/users", json=body, headers=headers)
    second = client.post("/api/v1/users", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.username == "lin")) == 1
    different = client.post("/api/v1/users", json={**body, "username": "other"},
                            headers=headers)
    assert different.status_code == 422
