"""The Idempotency-Key middleware through the real API, with real tokens (no overridden actor):
one posting per user and key, replays, concurrent duplicates, refusals, and its query cost."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import anyio.to_thread
import pytest
from fastapi import Response
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, text

from medwms.api.app import create_app
from medwms.api.deps import ActorDep, DbDep
from medwms.api.idempotency import KeyPurger, respond
from medwms.auth.tables import User
from medwms.config import Settings
from medwms.core.clock import utc_now
from medwms.core.tables import IdempotencyRecord
from medwms.ledger.tables import Movement
from tests.support.receiving import STENT_BOX, UNKNOWN, inbound, udi
from tests.support.routes import route_table
from tests.support.users import PASSWORD, make_user

SECRET = "idem-test-secret-0123456789abcdef"
API = "/api/v1"
GOOD = date(2028, 6, 30)


@pytest.fixture
def app(db):
    inbound(db)
    make_user(db, "root", "admin")
    make_user(db, "wang", "receiver")
    make_user(db, "li", "receiver")
    return create_app(Settings(database_url=db.url, secret_key=SECRET), db=db)


def bearer(app, username: str) -> dict[str, str]:
    response = TestClient(app).post(f"{API}/auth/token",
                                    data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def receipt(app) -> str:
    response = TestClient(app).post(f"{API}/receipts", headers=bearer(app, "wang"), json={
        "warehouse": "WH1", "po_no": "PO-1", "supplier": "SUP1"})
    assert response.status_code == 201, response.text
    return str(response.json()["receipt_no"])


def scan(n: int = 1, lot: str = "L1") -> dict[str, str]:
    return {"raw": udi(STENT_BOX, lot=lot, expiry=GOOD), "scan_id": f"scan-{n}"}


def movements(db) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(Movement)) or 0


def records(db) -> list[tuple[str, str, int]]:
    with db.reading() as s:
        return [tuple(r) for r in s.execute(select(
            IdempotencyRecord.key, IdempotencyRecord.principal, IdempotencyRecord.status_code)
            .order_by(IdempotencyRecord.principal))]


def test_the_same_key_twice_creates_one_user_and_replays_the_response(db):
    make_user(db, "root", "admin")
    client = TestClient(create_app(Settings(database_url=db.url, secret_key=SECRET), db=db))
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
    assert different.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_a_scan_sent_twice_with_its_key_posts_once_and_replays_the_body(app, db, receipt):
    headers = {**bearer(app, "wang"), "Idempotency-Key": "scan-1"}
    client = TestClient(app)
    first = client.post(f"{API}/receipts/{receipt}/scans", json=scan(), headers=headers)
    again = client.post(f"{API}/receipts/{receipt}/scans", json=scan(), headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert movements(db) == 1


@contextmanager
def slow_postings(db, seconds: float) -> Iterator[None]:
    """Each movement insert waits `seconds`, so a duplicate arrives while it is in flight."""
    def slow(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO MOVEMENT"):
            time.sleep(seconds)

    event.listen(db.engine, "before_cursor_execute", slow)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", slow)


def test_concurrent_requests_with_one_key_post_once_and_all_get_the_first_answer(
        app, db, receipt):
    headers = {**bearer(app, "wang"), "Idempotency-Key": "scan-1"}
    answers: list[Any] = []
    start = threading.Barrier(4)

    def send() -> None:
        client = TestClient(app)
        start.wait()
        answers.append(client.post(f"{API}/receipts/{receipt}/scans", json=scan(),
                                   headers=headers))

    with slow_postings(db, 0.4):
        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert len({a.content for a in answers}) == 1
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == \
        ["", "true", "true", "true"]
    assert movements(db) == 1


def test_a_key_belongs_to_its_user_so_two_users_may_use_the_same_key(app, db, receipt):
    client = TestClient(app)
    key = {"Idempotency-Key": "shared-1"}
    wang = client.post(f"{API}/receipts/{receipt}/scans", json=scan(1),
                       headers={**bearer(app, "wang"), **key})
    li = client.post(f"{API}/receipts/{receipt}/scans", json=scan(2),
                     headers={**bearer(app, "li"), **key})
    assert wang.status_code == li.status_code == 201, li.text
    assert "Idempotent-Replayed" not in li.headers
    assert movements(db) == 2
    with db.reading() as s:
        ids = {u: s.scalar(select(User.id).where(User.username == u)) for u in ("wang", "li")}
    assert records(db) == sorted([("shared-1", f"user:{ids['wang']}", 201),
                                  ("shared-1", f"user:{ids['li']}", 201)],
                                 key=lambda r: r[1])


def test_a_request_that_fails_authentication_claims_nothing(app, db, receipt):
    client = TestClient(app)
    key = {"Idempotency-Key": "scan-1"}
    forged = client.post(f"{API}/receipts/{receipt}/scans", json=scan(),
                         headers={"Authorization": "Bearer not-a-token", **key})
    assert forged.status_code == 401
    assert forged.json()["code"] == "NOT_AUTHENTICATED"
    assert records(db) == []
    real = client.post(f"{API}/receipts/{receipt}/scans", json=scan(),
                       headers={**bearer(app, "wang"), **key})
    assert real.status_code == 201
    assert "Idempotent-Replayed" not in real.headers
    assert movements(db) == 1


def test_a_refused_scan_is_rolled_back_and_its_refusal_replayed(app, db, receipt):
    client = TestClient(app)
    headers = {**bearer(app, "wang"), "Idempotency-Key": "scan-9"}
    body = {"raw": udi(UNKNOWN, lot="L1", expiry=GOOD), "scan_id": "scan-9"}
    refused = client.post(f"{API}/receipts/{receipt}/scans", json=body, headers=headers)
    again = client.post(f"{API}/receipts/{receipt}/scans", json=body, headers=headers)
    assert refused.status_code == again.status_code == 404
    assert again.json()["code"] == "UNKNOWN_GTIN"
    assert again.content == refused.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["content-type"] == "application/problem+json"
    assert movements(db) == 0
    assert [r[2] for r in records(db)] == [404]


@pytest.fixture
def probe(app):
    """Two routes of a test's own: one trivial command, and one that fails unexpectedly."""
    @app.post(f"{API}/__probe")
    def trivial(db: DbDep, actor: ActorDep) -> dict[str, str]:
        with db.unit_of_work() as uow:
            uow.session.execute(text("SELECT 1"))
            uow.commit()
        return {"by": actor.username}

    @app.post(f"{API}/__broken")
    def broken(db: DbDep, actor: ActorDep) -> None:
        with db.unit_of_work() as uow:
            make_user_row(uow.session)
            uow.commit()
        raise RuntimeError("a bug after the command")

    return TestClient(app, raise_server_exceptions=False)


def make_user_row(session: Any) -> None:
    now = utc_now()
    session.add(User(username="ghost", display_name="Ghost", password_hash="x", active=True,
                     language="en", created_at=now, password_changed_at=now))


def statements(db, client: TestClient, path: str, headers: dict[str, str]) -> list[str]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()[:3]).upper())

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = client.post(path, json={}, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 200, response.text
    return [s for s in seen if not s.startswith("BEGIN")]


# What a key adds to a request: on PostgreSQL its claim before the route and its answer
# stored after; on SQLite (one writer runs the request whole) one INSERT of claim and answer.
KEYED = {"postgresql": (["INSERT INTO IDEMPOTENCY_RECORD"], ["UPDATE IDEMPOTENCY_RECORD SET"]),
         "sqlite": ([], ["INSERT INTO IDEMPOTENCY_RECORD"])}


def test_authentication_reads_nothing_and_a_key_adds_its_claim_and_answer(app, db, probe):
    headers = bearer(app, "wang")
    assert probe.post(f"{API}/__probe", json={}, headers=headers).status_code == 200
    plain = statements(db, probe, f"{API}/__probe", headers)
    keyed = statements(db, probe, f"{API}/__probe", {**headers, "Idempotency-Key": "p-1"})
    before, after = KEYED[db.dialect]
    assert plain == ["SELECT 1"]
    assert keyed == [*before, "SELECT 1", *after]


def scan_statements(db, client: TestClient, receipt: str, body: dict[str, str],
                    headers: dict[str, str]) -> list[str]:
    seen: list[str] = []
    listener = lambda *args: seen.append(" ".join(args[2].split()[:3]).upper())  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.post(f"{API}/receipts/{receipt}/scans", json=body, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 201, response.text
    return seen


def test_a_key_adds_only_its_claim_and_its_stored_answer_to_a_receiving_scan(app, db, receipt):
    client = TestClient(app)
    headers = bearer(app, "wang")
    client.post(f"{API}/receipts/{receipt}/scans", json=scan(0, "WARM"), headers=headers)
    plain = scan_statements(db, client, receipt, scan(1, "NEW1"), headers)
    keyed = scan_statements(db, client, receipt, scan(2, "NEW2"),
                            {**headers, "Idempotency-Key": "scan-2"})
    before, after = KEYED[db.dialect]
    ours = [*before, *after]
    assert [s for s in keyed if "IDEMPOTENCY_RECORD" in s] == ours
    assert [s for s in keyed if s not in ours] == plain
    assert not [s for s in keyed if "APP_USER" in s or "USER_ROLE" in s]


def test_a_server_error_stores_nothing_so_the_retry_runs_again(app, db, probe):
    headers = {**bearer(app, "root"), "Idempotency-Key": "b-1"}
    first = probe.post(f"{API}/__broken", json={}, headers=headers)
    assert first.status_code == 500
    assert records(db) == []
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(User).where(
            User.username == "ghost")) == 0
    again = probe.post(f"{API}/__broken", json={}, headers=headers)
    assert again.status_code == 500
    assert "Idempotent-Replayed" not in again.headers


def test_anonymous_posts_with_distinct_keys_claim_nothing_on_any_route(app, db):
    client = TestClient(app)
    posts = [r for r in route_table(app) if "POST" in r.methods]
    assert len(posts) > 60
    for n, route in enumerate(posts):
        url = route.url({name: "NO-SUCH-1" for name in route.parameters})
        for who in ({}, {"Authorization": "Bearer forged"}):
            answer = client.post(url, json={"raw": "x"}, follow_redirects=False,
                                 headers={**who, "Idempotency-Key": f"anon-{n}-{len(who)}"})
            assert answer.status_code in (303, 401, 403, 404, 422), (url, answer.text[:200])
    # a login with a key, right or wrong: the caller is nobody yet, so nothing is claimed
    for password in (PASSWORD, "wrong-password-1"):
        client.post(f"{API}/auth/token", data={"username": "wang", "password": password},
                    headers={"Idempotency-Key": f"login-{password}"})
    assert records(db) == []


def test_a_session_cookie_without_its_csrf_token_claims_nothing(app, db, receipt):
    client = TestClient(app)
    signed_in = client.post("/login", data={"username": "wang", "password": PASSWORD},
                            follow_redirects=False)
    assert signed_in.status_code == 303 and client.cookies.get("medwms_session")
    answer = client.post(f"{API}/receipts/{receipt}/scans", json=scan(),
                         headers={"Idempotency-Key": "cookie-1"})
    assert answer.status_code == 403, answer.text
    assert records(db) == [] and movements(db) == 0


def test_two_users_with_one_key_and_one_body_each_get_their_own_answer(app, db):
    client = TestClient(app)
    body = {"warehouse": "WH1", "po_no": "PO-SAME", "supplier": "SUP1"}
    answers = {}
    for user in ("wang", "li", "wang", "li"):
        sent = {**bearer(app, user), "Idempotency-Key": "same-key-1"}
        answers.setdefault(user, []).append(client.post(f"{API}/receipts", json=body,
                                                        headers=sent))
    (wang, wang_again), (li, li_again) = answers["wang"], answers["li"]
    assert wang.status_code == li.status_code == 201
    assert "Idempotent-Replayed" not in wang.headers and "Idempotent-Replayed" not in li.headers
    assert wang.json()["receipt_no"] != li.json()["receipt_no"]
    assert wang_again.content == wang.content and li_again.content == li.content
    assert wang_again.headers["Idempotent-Replayed"] == li_again.headers["Idempotent-Replayed"]
    assert len(records(db)) == 2


def test_a_retry_that_would_write_again_replays_the_first_answer_and_writes_nothing(app, db):
    """On SQLite the retry runs its route (the key is claimed with the answer, at the end),
    finds the key answered and is rolled back whole; on PostgreSQL its claim finds it first."""
    made = iter(range(100))

    @app.post(f"{API}/__counter", status_code=201)
    def counter(db: DbDep, actor: ActorDep) -> Response:
        username = f"ghost{next(made)}"
        with db.unit_of_work() as uow:
            now = utc_now()
            uow.session.add(User(username=username, display_name="Ghost", password_hash="x",
                                 active=True, language="en", created_at=now,
                                 password_changed_at=now))
            uow.commit()
        return respond(201, {"made": username})

    client = TestClient(app)
    headers = {**bearer(app, "root"), "Idempotency-Key": "ghost-1"}
    first = client.post(f"{API}/__counter", json={}, headers=headers)
    again = client.post(f"{API}/__counter", json={}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content == b'{"made":"ghost0"}'
    assert again.headers["Idempotent-Replayed"] == "true"
    with db.reading() as s:
        ghosts = s.scalars(select(User.username).where(User.username.like("ghost%"))).all()
    assert ghosts == ["ghost0"]
    assert next(made) == (2 if db.dialect == "sqlite" else 1)


def test_a_keyed_scan_adds_no_thread_hop_but_its_claim(app, db, receipt, monkeypatch):
    """The route stores the answer and commits in its own thread (`respond`): a key adds
    no hop for the stored answer or the response, only PostgreSQL's claim before the route."""
    hops: list[str] = []
    real = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        named = getattr(func, "func", func)  # FastAPI hands over functools.partial objects
        hops.append(getattr(named, "__qualname__", type(named).__name__))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    client = TestClient(app)
    headers = bearer(app, "wang")
    client.post(f"{API}/receipts/{receipt}/scans", json=scan(0, "WARM"), headers=headers)
    hops.clear()
    client.post(f"{API}/receipts/{receipt}/scans", json=scan(1, "NEW1"), headers=headers)
    plain, hops[:] = list(hops), []
    keyed = client.post(f"{API}/receipts/{receipt}/scans", json=scan(2, "NEW2"),
                        headers={**headers, "Idempotency-Key": "scan-2"})
    assert keyed.status_code == 201, keyed.text
    assert hops == (["_claim"] if db.dialect == "postgresql" else []) + plain


def test_the_purger_deletes_keys_older_than_their_hours_and_a_purged_key_runs_again(app, db):
    root = bearer(app, "root")

    def new_user(key: str, name: str) -> int:
        return TestClient(app).post(f"{API}/users", headers={**root, "Idempotency-Key": key},
                                    json={"username": name, "password": "Hd8#kq2!Lm9z",
                                          "roles": ["picker"]}).status_code

    assert new_user("old", "zhao") == 201
    assert new_user("new", "qian") == 201
    with db.unit_of_work() as uow:  # the first key was answered three days ago
        uow.session.execute(IdempotencyRecord.__table__.update()
                            .where(IdempotencyRecord.key == "old")
                            .values(created_at=utc_now() - timedelta(days=3)))
        uow.commit()

    purger = KeyPurger(db, hours=48, interval=3600)
    purger.start()
    try:
        for _ in range(200):  # it purges as it starts
            if [key for key, _, _ in records(db)] == ["new"]:
                break
            time.sleep(0.01)
    finally:
        purger.stop()
    assert [key for key, _, _ in records(db)] == ["new"]
    assert new_user("new", "qian") == 201  # still replayed: the same first answer
    assert new_user("old", "zhao") == 409  # purged: it runs again, and the user exists now
