"""Every page runs under the Content-Security-Policy: Chromium opens each page route of the
app's route table on the demo's day and fails on any policy violation (console message or
`securitypolicyviolation` event), and every response it loads carries the security headers.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from medwms.api import docs, headers
from medwms.attachments.tables import Attachment
from medwms.auth.rules import Role
from medwms.counting.tables import CountTask
from medwms.demo.catalogue import demo_password
from medwms.demo.numbers import documents
from medwms.qualification.tables import QualificationFile
from medwms.verification.tables import Verification
from tests.e2e.web.day_data import Api, Day, prepare_day
from tests.e2e.web.live import login
from tests.support.routes import Route, route_table

REPORT = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""
# Answered with a file, not a page: their headers are checked alone, each file by the first
# bytes and the type of its kind (a PDF, an XLSX workbook — a zip —, a CSV with its BOM).
XLSX = (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
SIGNATURES = {".pdf": (b"%PDF", "application/pdf"), ".xlsx": XLSX, "/export": XLSX,
              ".csv": (b"\xef\xbb\xbf", "text/csv")}
DOWNLOADS = tuple(SIGNATURES)
# A kept scan is always a download whatever its type (its headers: tests/integration/attachments).
FILES = ("/attachments/{attachment_id}",)
QUERIES = {"/trace": "?gtin={ambient_gtin}&lot={lot}", "/lang/{lang}": "?next=/stock"}


@pytest.fixture(scope="module")
def day(server, live_db) -> Day:
    return prepare_day(live_db, server.url)


def first(db: Any, column: Any, missing: str) -> str:
    """The first value of `column` in the database, else a number the page will not find."""
    with db.reading() as session:
        found = session.scalars(select(column).order_by(column).limit(1)).first()
    return str(found) if found is not None else missing


@pytest.fixture(scope="module")
def values(day: Day, server, live_db) -> dict[str, str]:
    """A value for every path parameter of the pages: the day's documents, and a customer
    return opened on the demo's shipment (a count task is only a page for its counter: the
    manager sees its refusal page, which is a page too)."""
    with live_db.reading() as session:
        shipment = documents(session).shipment
    assert shipment
    opened = Api(server.url, Role.RECEIVER).post("/returns", {"shipment_no": shipment,
                                                              "reason": "CSP walk"})
    complaint = Api(server.url, Role.QUALITY_MANAGER).post("/complaints", {
        "kind": "COMPLAINT", "customer": "CUS-PUMCH", "gtin": day.ambient_gtin,
        "lots": [day.lot], "description": "CSP walk"})
    return {"item": day.ambient, "lot": day.lot, "receipt_no": day.receipt_no,
            "inspection_no": day.inspection_no, "order_no": day.order_no,
            "wave_no": day.wave_no, "plan_no": day.plan_no, "code": day.sensor,
            "breach_no": day.breach_no, "recall_no": day.recall_no,
            "notice_no": day.notice_no, "shipment_no": shipment, "lang": "en",
            "verification_no": first(live_db, Verification.verification_no, "VER-NONE"),
            "return_no": str(opened["return_no"]),
            "complaint_no": str(complaint["complaint_no"]),
            "attachment_id": first(live_db, Attachment.id, "0"),
            "file_no": first(live_db, QualificationFile.file_no, "QF-NONE"),
            "task_id": first(live_db, CountTask.id, "0"), "username": Role.MANAGER.value,
            "kind": "items", "key": day.ambient}


def page_routes(app: Any) -> list[Route]:
    """The GET routes a person opens: not the API, not the static mounts."""
    return [r for r in route_table(app)
            if "GET" in r.methods and not r.is_api and not r.mount]


def page_url(route: Route, values: dict[str, str], day: Day) -> str:
    try:
        path = route.url(values)
    except KeyError as missing:
        raise AssertionError(f"{route.path}: give the walk a value for {missing}") from None
    return path + QUERIES.get(route.path, "").format(ambient_gtin=day.ambient_gtin,
                                                     lot=day.lot)


def assert_secure(url: str, found: dict[str, str]) -> None:
    path = httpx.URL(url).path
    policy = docs.POLICY if path in (docs.DOCS_URL, docs.OAUTH_REDIRECT_URL) else headers.POLICY
    assert found.get("content-security-policy") == policy, url
    assert found.get("x-frame-options") == "DENY", url
    assert found.get("x-content-type-options") == "nosniff", url
    assert found.get("referrer-policy") == "strict-origin-when-cross-origin", url


class Watched:
    """A signed-in page whose policy violations and responses are kept."""

    def __init__(self, browser: Any, url: str, role: Role) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.add_init_script(REPORT)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.responses: list[Any] = []
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        login(self.page, url, role.value, demo_password(role))

    def _response(self, response: Any) -> None:
        self.responses.append(response)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in \
                message.text:
            self.console.append(message.text)

    def open(self, url: str) -> list[str]:
        """Open `url`, let its scripts start, and return the violations it reported."""
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        found: list[str] = self.page.evaluate("window.__violations")
        return found + self.console

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def manager(browser, server, day):
    watched = Watched(browser, server.url, Role.MANAGER)
    yield watched
    watched.close()


def test_every_page_runs_without_a_policy_violation(manager, server, day, values):
    app = server.server.config.app
    routes = page_routes(app)
    assert len(routes) > 40
    opened = []
    for route in routes:
        if route.path.endswith(tuple(DOWNLOADS)) or route.path in FILES:
            continue
        url = server.url + page_url(route, values, day)
        assert manager.open(url) == [], url
        opened.append(route.path)
    assert {"/stations/receiving/{receipt_no}", "/stations/picking/{wave_no}", "/docs",
            "/counting/plans/{plan_no}", "/demo/barcodes", "/orders/new"} <= set(opened)
    loaded = {r.url: r.all_headers() for r in manager.responses}
    kinds = {r.request.resource_type for r in manager.responses}
    assert {"document", "script", "stylesheet", "fetch"} <= kinds
    assert any(r.status in (301, 302, 303, 307) for r in manager.responses)
    for url, found in loaded.items():
        assert_secure(url, found)


def test_the_stations_words_load_from_a_json_block_under_the_policy(manager, server, day):
    """A <script type="application/json"> is data: not run, so not blocked; the station's
    script reads its words from it and writes them into the pick list it fetched."""
    url = f"{server.url}/stations/picking/{day.wave_no}"
    assert manager.open(url) == []
    words = manager.page.evaluate("""Object.assign({}, ...Array.from(
        document.querySelectorAll('script.words[type="application/json"]'),
        (el) => JSON.parse(el.textContent)))""")
    assert {"accepted", "left", "done"} <= set(words)
    left = manager.page.locator("span.left").first
    left.wait_for()
    assert left.inner_text().startswith(words["left"])


def test_an_inline_script_or_style_would_be_blocked_and_reported(manager, server):
    """The watch is not blind: what the policy forbids is blocked, and the walk would see it."""
    assert manager.open(f"{server.url}/stock") == []
    manager.page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.appendChild(s);
        document.body.insertAdjacentHTML("beforeend",
            '<img src="/static/app.css" onerror="window.__ran = true">');
        document.querySelector("main").setAttribute("style", "color: red");
    }""")
    manager.page.wait_for_timeout(300)
    violations: list[str] = manager.page.evaluate("window.__violations")
    assert manager.page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src-elem") for v in violations), violations
    assert any(v.startswith("script-src-attr") for v in violations), violations
    assert any(v.startswith("style-src-attr") for v in violations), violations


def test_files_and_anonymous_pages_carry_the_headers(server, day, values):
    app = server.server.config.app
    client = httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)
    client.post("/login", data={"username": Role.MANAGER.value,
                                "password": demo_password(Role.MANAGER)})
    files = [r for r in page_routes(app) if r.path.endswith(DOWNLOADS)]
    assert {"/audit.xlsx", "/audit.csv", "/masterdata/{kind}/export",
            "/masterdata/locations/labels.pdf"} <= {r.path for r in files}
    for route in files:
        answer = client.get(page_url(route, values, day))
        signature, kind = SIGNATURES[next(s for s in SIGNATURES if route.path.endswith(s))]
        assert answer.status_code == 200 and answer.content.startswith(signature), route.path
        assert answer.headers["content-type"].startswith(kind), route.path
        assert_secure(str(answer.url), dict(answer.headers))
    anonymous = httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)
    for path in ("/", "/login", "/no-such-page", "/static/app.css", "/api/v1/health"):
        answer = anonymous.get(path)
        assert_secure(str(answer.url), dict(answer.headers))
