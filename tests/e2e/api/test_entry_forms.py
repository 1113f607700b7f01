"""The entry forms through a signed-in session: each is a 403 page without its permission,
a post without the CSRF token is refused, and nothing is written either way."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.coldchain import queries as coldchain
from medwms.config import Settings
from medwms.recall import queries as recall
from medwms.receiving import queries as receiving
from tests.e2e.web.forms_data import CARTON_GTIN, prepare
from tests.support.users import PASSWORD

FORMS = {"/notices/new": "vera", "/orders/new?kind=TRANSFER": "rita", "/recalls/new": "rita",
         "/coldchain/sensors/new": "rita"}


@pytest.fixture
def app(db):
    prepare(db)
    return create_app(Settings(database_url=db.url), db=db)


def signed_in(app, username: str, lang: str = "en") -> TestClient:
    client = TestClient(app)
    answer = client.post("/login", data={"username": username, "password": PASSWORD},
                         follow_redirects=False)
    assert answer.status_code == 303
    client.cookies.set("medwms_lang", lang)
    return client


def csrf(client: TestClient) -> str:
    html = client.get("/").text
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.mark.parametrize(("url", "username"), FORMS.items())
def test_each_form_is_a_403_page_without_its_permission(app, url, username):
    answer = signed_in(app, username, "zh-CN").get(url)
    assert answer.status_code == 403
    assert 'data-code="PERMISSION_DENIED"' in answer.text and "没有权限" in answer.text


def test_a_recall_posted_without_the_permission_is_refused_and_opens_nothing(app, db):
    client = signed_in(app, "rita")
    answer = client.post("/recalls/new", data={
        "csrf_token": csrf(client), "kind": "MOCK", "gtin": CARTON_GTIN, "lots": "LOTR1",
        "risk_class": "III", "reason": "drill"})
    assert answer.status_code == 403 and 'data-code="PERMISSION_DENIED"' in answer.text
    with db.reading() as s:
        assert recall.list_recalls(s) == []


def test_a_form_posted_without_its_csrf_token_is_refused(app, db):
    client = signed_in(app, "mona")
    notice = client.post("/notices/new", data={"supplier": "SUP1", "warehouse": "WH1",
                                               "product": CARTON_GTIN, "quantity": "10"})
    sensor = client.post("/coldchain/sensors/new", data={
        "csrf_token": "forged", "code": "T1", "zone": "WH1/CR"})
    assert notice.status_code == sensor.status_code == 403
    assert 'data-code="CSRF_REFUSED"' in notice.text
    with db.reading() as s:
        assert receiving.list_notices(s) == [] and coldchain.sensors(s) == []


def test_the_list_pages_offer_the_forms_only_to_who_may_use_them(app):
    manager, receiver = signed_in(app, "mona"), signed_in(app, "rita")
    assert "open-recall" in manager.get("/recalls").text
    assert "open-recall" not in receiver.get("/recalls").text
    assert "register-sensor" in manager.get("/coldchain").text
    assert "register-sensor" not in receiver.get("/coldchain").text
    assert "new-transfer" in manager.get("/orders").text
    assert 'href="/notices/new"' in receiver.get("/notices").text


FORM_PAGES = ["/notices/new", "/orders/new?kind=TRANSFER", "/orders/new", "/recalls/new",
              "/coldchain/sensors/new"]


def field_names(html: str) -> list[str]:
    names = re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', html)
    return [n for n in dict.fromkeys(names) if n != "csrf_token"]


@pytest.mark.parametrize("url", FORM_PAGES)
@pytest.mark.parametrize("value", ["A\x00B", "A\x1bB", "X" * 10_001], ids=["NUL", "ESC", "long"])
def test_a_value_no_field_may_hold_is_a_form_error_naming_the_field(app, db, url, value):
    client = signed_in(app, "mona")
    names = field_names(client.get(url).text)
    assert len(names) >= 2, names
    token = csrf(client)
    for name in names:
        answer = client.post(url.split("?")[0], data={
            "csrf_token": token, "kind": "TRANSFER" if "TRANSFER" in url else "",
            name: value}, follow_redirects=False)
        assert answer.status_code == 422, (name, answer.status_code, answer.text[:300])
        assert "Nothing was saved" in answer.text, name
        assert f"{name}: " in answer.text and (
            "control character" in answer.text or "longer than" in answer.text), name
    with db.reading() as s:
        assert receiving.list_notices(s) == [] and recall.list_recalls(s) == []
        assert len(coldchain.sensors(s)) == 0


@pytest.mark.parametrize("url", ["/stock?lot=A%00B", "/stock?item=A%1BB", "/trace?gtin=A%00B",
                                 "/stock?serial=" + "X" * 301])
def test_a_page_filter_no_field_may_hold_is_refused_naming_it(app, url):
    answer = signed_in(app, "mona").get(url)
    assert answer.status_code == 422, answer.text[:300]
    assert "control character" in answer.text
