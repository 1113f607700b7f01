"""Authentication from the in-process cache: a change made elsewhere (another process,
here plain SQL behind this process's back) still takes effect within 5 seconds."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Executable, delete, event, select, update

from medwms.api.app import create_app
from medwms.auth import service
from medwms.auth.actors import ActorCache
from medwms.auth.rules import SYSTEM
from medwms.auth.tables import ApiToken, User, UserRole
from medwms.config import Settings
from medwms.core.clock import utc_now
from tests.support.users import PASSWORD, make_user

SECRET = "cache-test-secret-0123456789abcdef01234"
WITHIN = 5.0


@pytest.fixture
def client(db) -> TestClient:
    make_user(db, "root", "admin")
    make_user(db, "rita", "receiver", "inspector")
    return TestClient(create_app(Settings(database_url=db.url, secret_key=SECRET), db=db))


def bearer(client: TestClient, username: str = "rita") -> dict[str, str]:
    token = client.post("/api/v1/auth/token", data={"username": username,
                                                    "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def elsewhere(db, statement: Executable) -> None:
    """A change committed by someone else: not through this process's services."""
    with db.engine.begin() as conn:
        conn.execute(statement)


def seconds_until(check: Callable[[], bool]) -> float:
    """How long until `check()` holds, polled; fails past WITHIN seconds."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < WITHIN, f"still not in effect after {WITHIN} s"
        time.sleep(0.05)
    return time.monotonic() - started


def me(client: TestClient, headers: dict[str, str]):
    return client.get("/api/v1/auth/me", headers=headers)


class StillClock:
    """A monotonic clock that moves only when told: which request is answered from the
    cache is then the test's choice, not the machine's load (on a busy machine the two
    requests may be more than AUTH_CACHE_SECONDS apart)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def reads_to_authenticate(client: TestClient, db, headers: dict[str, str]) -> list[str]:
    """The statements on the user, roles or tokens that one authenticated request runs."""
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.post("/api/v1/scan/parse", json={"raw": "#L:WH1-R-01"},
                               headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200, response.text
    return [s for s in seen if "app_user" in s or "user_role" in s or "api_token" in s
            or "user_warehouse" in s]


def test_a_cached_request_reads_nothing_to_authenticate(client, db):
    settings, clock = client.app.state.settings, StillClock()
    client.app.state.actors = ActorCache(settings.auth_cache_seconds, clock=clock)
    headers = bearer(client)
    assert me(client, headers).status_code == 200
    assert reads_to_authenticate(client, db, headers) == []
    clock.now += settings.auth_cache_seconds  # the actor kept is now too old: read again
    assert reads_to_authenticate(client, db, headers) != []


def test_a_user_disabled_elsewhere_is_refused_within_five_seconds(client, db):
    headers = bearer(client)
    assert me(client, headers).status_code == 200
    elsewhere(db, update(User).where(User.username == "rita").values(active=False))
    seconds_until(lambda: me(client, headers).status_code == 401)


def test_a_role_withdrawn_elsewhere_is_gone_within_five_seconds(client, db):
    make_user(db, "ann", "receiver", "admin")
    headers = bearer(client, "ann")
    assert client.get("/api/v1/users", headers=headers).status_code == 200
    with db.reading() as s:
        ann = s.scalar(select(User.id).where(User.username == "ann"))
    elsewhere(db, delete(UserRole).where(UserRole.user_id == ann, UserRole.role == "admin"))
    seconds_until(lambda: client.get("/api/v1/users", headers=headers).status_code == 403)


def test_a_password_changed_elsewhere_refuses_older_tokens_within_five_seconds(client, db):
    headers = bearer(client)
    assert me(client, headers).status_code == 200
    elsewhere(db, update(User).where(User.username == "rita").values(
        password_changed_at=utc_now()))
    seconds_until(lambda: me(client, headers).status_code == 401)


def test_an_api_token_revoked_elsewhere_is_refused_within_five_seconds(client, db):
    made = service.create_api_token(db, actor=SYSTEM, username="rita", name="ERP")
    headers = {"Authorization": f"Bearer {made.token}"}
    assert me(client, headers).json()["username"] == "rita"
    elsewhere(db, update(ApiToken).where(ApiToken.id == made.view.id).values(
        revoked_at=utc_now()))
    seconds_until(lambda: me(client, headers).status_code == 401)


def test_a_change_made_through_this_process_takes_effect_at_once(client, db):
    headers = bearer(client)
    assert me(client, headers).status_code == 200
    service.disable_user(db, actor=SYSTEM, username="rita", reason="left")
    assert me(client, headers).status_code == 401
