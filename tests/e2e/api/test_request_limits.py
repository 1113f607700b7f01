"""The request-size limit: a body over it is refused with 413 REQUEST_TOO_LARGE before it is
read (in-process ASGI calls that count the bytes the app pulls), uploads get the larger
limit, and a real uvicorn server refuses a 200 MB body without taking it in."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from medwms.api import headers, limits
from medwms.api.app import create_app
from medwms.auth import service
from medwms.auth.rules import SYSTEM
from medwms.config import Settings
from medwms.core.tables import IdempotencyRecord
from tests.e2e.web.live import LiveServer, start_server
from tests.support.users import PASSWORD, make_user

API = "/api/v1"
SECRET = "limits-test-secret-0123456789abcdef"
MiB = 1024 * 1024
CHUNK = 64 * 1024
HUGE = 200 * 1000 * 1000  # 200 MB
UPLOADS = {f"{API}/masterdata/{{kind}}/import", f"{API}/orders/import",
           f"{API}/notices/import", f"{API}/coldchain/sensors/{{code}}/readings/file",
           f"{API}/equipment/{{code}}/checks", f"{API}/qualification/files/{{file_no}}/papers",
           f"{API}/receipts/{{receipt_no}}/handover"}


@pytest.fixture
def app(db):
    make_user(db, "root", "admin")
    return create_app(Settings(database_url=db.url, secret_key=SECRET), db=db)


class Body:
    """A request body of `total` bytes (`head`, filler, `tail`), made chunk by chunk as the
    app asks for it, counting the bytes it pulled."""

    def __init__(self, total: int, head: bytes = b"", tail: bytes = b"") -> None:
        self.total = total
        self.pulled = 0
        self._chunks = self._made(head, total - len(head) - len(tail), tail)

    @staticmethod
    def _made(head: bytes, filler: int, tail: bytes) -> Iterator[bytes]:
        yield head
        while filler > 0:
            yield b"x" * min(CHUNK, filler)
            filler -= CHUNK
        yield tail

    async def receive(self) -> dict[str, Any]:
        chunk = next(self._chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        self.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}


def file_part(total: int) -> Body:
    """A multipart/form-data body (boundary `x`) of one CSV file, `total` bytes in all."""
    head = (b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\n")
    return Body(total, head=head, tail=b"\r\n--x--\r\n")


@dataclass
class Answer:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


def call(app: Any, path: str, body: Body, *, declared: bool, content_type: str =
         "application/json", extra: dict[str, str] | None = None) -> Answer:
    """POST `body` to `app` as an ASGI server would: with its Content-Length, or chunked."""
    sent = {"content-type": content_type, **(extra or {})}
    if declared:
        sent["content-length"] = str(body.total)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
             "server": ("testserver", 80),
             "headers": [(k.lower().encode(), v.encode()) for k, v in sent.items()]}
    answer = Answer()

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")

    asyncio.run(app(scope, body.receive, send))
    return answer


def token(app: Any) -> str:
    answer = TestClient(app).post(f"{API}/auth/token",
                                  data={"username": "root", "password": PASSWORD})
    return str(answer.json()["access_token"])


def assert_refused(answer: Answer, limit: str) -> None:
    assert answer.status == 413, answer.body[:300]
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "REQUEST_TOO_LARGE"
    assert problem["message_en"] == f"The request is too large: at most {limit} may be sent here."
    assert problem["message_zh"] == f"请求过大：此处最多只能发送 {limit}。"
    assert answer.headers["connection"] == "close"
    assert answer.headers["content-security-policy"] == headers.POLICY


def idempotency_rows(db) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0


def test_an_anonymous_200_mb_body_with_its_length_is_refused_unread(app):
    body = Body(HUGE)
    assert_refused(call(app, f"{API}/receipts", body, declared=True), "1 MiB")
    assert body.pulled == 0


def test_an_anonymous_200_mb_chunked_body_is_cut_off_at_the_limit(app, db):
    for extra in ({}, {"Idempotency-Key": "anon-huge-1"}):
        body = Body(HUGE)
        assert_refused(call(app, f"{API}/receipts", body, declared=False, extra=extra), "1 MiB")
        assert body.pulled <= MiB + CHUNK
    assert idempotency_rows(db) == 0


def test_a_signed_in_keyed_chunked_body_is_cut_off_before_the_key_is_claimed(app, db):
    body = Body(HUGE)
    sent = {"Authorization": f"Bearer {token(app)}", "Idempotency-Key": "huge-1"}
    assert_refused(call(app, f"{API}/receipts", body, declared=False, extra=sent), "1 MiB")
    assert body.pulled <= MiB + CHUNK
    assert idempotency_rows(db) == 0


def test_a_body_under_the_limit_reaches_the_route(app):
    body = Body(MiB - 10)
    answer = call(app, f"{API}/receipts", body, declared=False)
    assert answer.status == 422  # read whole, then refused as no JSON
    assert answer.json()["code"] == "VALIDATION_ERROR"
    assert body.pulled == body.total


def test_the_upload_routes_are_found_in_the_schema(app):
    pattern = limits.upload_paths(app)
    for path in ("/api/v1/masterdata/items/import", "/api/v1/orders/import",
                 "/api/v1/notices/import", "/api/v1/coldchain/sensors/T-1/readings/file"):
        assert pattern.fullmatch(path), path
    assert not pattern.fullmatch("/api/v1/receipts")
    assert not pattern.fullmatch("/api/v1/masterdata/items/import/more")
    assert pattern.fullmatch("/masterdata/items/import")  # the page, hidden from the schema
    assert not pattern.fullmatch("/masterdata/items/import/apply")
    assert not pattern.fullmatch("/login")
    schema = app.openapi()["paths"]
    multipart = {p for p, ops in schema.items() for op in ops.values()
                 if "multipart/form-data" in op.get("requestBody", {}).get("content", {})}
    assert multipart == UPLOADS


def test_an_upload_gets_the_upload_limit_and_only_as_multipart(app):
    form = "multipart/form-data; boundary=x"
    sent = {"Authorization": f"Bearer {token(app)}"}
    five = file_part(5 * MiB)
    answer = call(app, f"{API}/notices/import", five, declared=True, content_type=form,
                  extra=sent)
    assert answer.status == 422  # read whole, then refused: no supplier nor warehouse
    assert answer.json()["code"] == "VALIDATION_ERROR"
    assert five.pulled == five.total
    json_body = Body(5 * MiB)
    assert_refused(call(app, f"{API}/notices/import", json_body, declared=True), "1 MiB")
    elsewhere = Body(5 * MiB)
    assert_refused(call(app, f"{API}/receipts", elsewhere, declared=True, content_type=form),
                   "1 MiB")
    huge = file_part(HUGE)
    assert_refused(call(app, f"{API}/notices/import", huge, declared=False, content_type=form,
                        extra=sent), "20 MiB")
    assert huge.pulled <= 20 * MiB + CHUNK
    assert json_body.pulled == elsewhere.pulled == 0


def test_an_anonymous_upload_gets_only_the_request_limit(app):
    form = "multipart/form-data; boundary=x"
    declared = file_part(5 * MiB)
    assert_refused(call(app, f"{API}/notices/import", declared, declared=True,
                        content_type=form), "1 MiB")
    chunked = file_part(HUGE)
    assert_refused(call(app, f"{API}/notices/import", chunked, declared=False,
                        content_type=form, extra={"Authorization": "Bearer forged"}), "1 MiB")
    assert declared.pulled == 0 and chunked.pulled <= MiB + CHUNK


def test_a_real_upload_over_the_request_limit_is_judged_on_its_merits(app):
    rows = "gtin,quantity\n" + "".join(f"0761234500{n:04d}1,1\n" for n in range(100_000))
    assert MiB < len(rows) < 20 * MiB
    answer = TestClient(app).post(
        f"{API}/notices/import", headers={"Authorization": f"Bearer {token(app)}"},
        data={"supplier": "NO-SUCH", "warehouse": "NO-SUCH"},
        files={"file": ("notice.csv", rows.encode(), "text/csv")})
    assert answer.status_code != 413, answer.text[:300]
    assert answer.status_code in (404, 422), answer.text[:300]


def test_the_limits_are_settings_and_the_refusal_speaks_english_when_asked(db):
    app = create_app(Settings(database_url=db.url, secret_key=SECRET,
                              max_request_bytes=1536), db=db)
    answer = call(app, f"{API}/receipts", Body(2000), declared=True,
                  extra={"Accept-Language": "en"})
    assert_refused(answer, "1.5 KiB")
    assert answer.json()["detail"] == "The request is too large: at most 1.5 KiB may be sent here."


def test_a_page_form_over_the_limit_is_refused_too(app):
    answer = TestClient(app).post("/login", content=b"username=" + b"a" * (2 * MiB),
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413
    assert answer.json()["code"] == "REQUEST_TOO_LARGE"


PAGE = "/masterdata/items/import"
FORM = "multipart/form-data; boundary=x"


def session_cookie(app: Any, username: str = "root") -> str:
    """The session cookie of `username` signed in at the login page."""
    browser = TestClient(app)
    browser.post("/login", data={"username": username, "password": PASSWORD},
                 follow_redirects=False)
    return f"medwms_session={browser.cookies['medwms_session']}"


def test_an_anonymous_3_mib_browser_upload_is_refused_before_it_is_read(app):
    for extra in ({}, {"Cookie": "medwms_session=forged"}):
        declared = file_part(3 * MiB)
        assert_refused(call(app, PAGE, declared, declared=True, content_type=FORM,
                            extra=extra), "1 MiB")
        assert declared.pulled == 0
        chunked = file_part(3 * MiB)  # no length: the page sends them to sign in, unread
        answer = call(app, PAGE, chunked, declared=False, content_type=FORM, extra=extra)
        assert answer.status == 303 and answer.headers["location"].startswith("/login")
        assert chunked.pulled <= MiB + CHUNK


def test_a_session_cookie_gets_a_browser_upload_read_but_the_page_checks_its_csrf(app):
    sent = {"Cookie": session_cookie(app)}
    three = file_part(3 * MiB)  # no csrf_token field in the form
    answer = call(app, PAGE, three, declared=True, content_type=FORM, extra=sent)
    assert answer.status == 403, answer.body[:300]  # read whole, then refused by the page
    assert b"CSRF" in answer.body or b"reload the page" in answer.body.lower()
    assert three.pulled == three.total
    huge = file_part(HUGE)
    assert_refused(call(app, PAGE, huge, declared=False, content_type=FORM, extra=sent),
                   "20 MiB")
    assert huge.pulled <= 20 * MiB + CHUNK
    elsewhere = Body(3 * MiB)  # the cookie opens the upload limit on upload routes only
    assert_refused(call(app, "/masterdata/items/import/apply", elsewhere, declared=True,
                        content_type=FORM, extra=sent), "1 MiB")
    assert elsewhere.pulled == 0


def test_a_user_who_must_change_the_password_gets_only_the_request_limit(app, db):
    service.create_user(db, actor=SYSTEM, username="newbie", display_name="", roles=["admin"],
                        password=PASSWORD, must_change=True)
    cookie = session_cookie(app, "newbie")
    three = file_part(3 * MiB)
    assert_refused(call(app, PAGE, three, declared=True, content_type=FORM,
                        extra={"Cookie": cookie}), "1 MiB")
    assert three.pulled == 0


@pytest.fixture
def live(db) -> Iterator[LiveServer]:
    server = start_server(db)
    yield server
    server.stop()


def _answer_of(sock: socket.socket) -> bytes:
    """The status line and headers the server sent."""
    sock.settimeout(10)
    head = b""
    while b"\r\n\r\n" not in head:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        head += chunk
    return head


def test_uvicorn_refuses_a_declared_200_mb_body_at_once(live):
    host, port = live.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(f"POST {API}/receipts HTTP/1.1\r\nHost: {host}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {HUGE}\r\n\r\n"
                     .encode() + b"x" * CHUNK)
        started = time.monotonic()
        head = _answer_of(sock)
        assert time.monotonic() - started < 5
    assert head.startswith(b"HTTP/1.1 413"), head[:200]
    assert b"connection: close" in head.lower()


def test_uvicorn_cuts_off_a_chunked_200_mb_body_near_the_limit(live):
    host, port = live.url.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(f"POST {API}/receipts HTTP/1.1\r\nHost: {host}\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                     .encode())
        sock.settimeout(0.5)
        frame = f"{CHUNK:x}\r\n".encode() + b"x" * CHUNK + b"\r\n"
        try:
            while sent < HUGE:
                sock.sendall(frame)
                sent += CHUNK
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the server answered and closed, or stopped reading
        head = _answer_of(sock)
    assert head.startswith(b"HTTP/1.1 413"), head[:200]
    assert sent < 32 * MiB  # the rest of the 200 MB was never taken in
