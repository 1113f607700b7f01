"""The cold-chain pages through a signed-in session: board, chart, breaches, a signed decision."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.config import Settings
from medwms.web import routes as web_routes
from medwms.web.pages import coldchain as coldchain_pages
from tests.support.coldchain import SENSOR, cch_movements, make_cold_room, statuses
from tests.support.users import PASSWORD

NOW = datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture
def browser(db):
    room = make_cold_room(db, stocked_at=NOW - timedelta(days=2))
    app = create_app(Settings(database_url=db.url), db=db)
    if coldchain_pages.router not in web_routes.ROUTERS:  # until the shell registers it
        app.include_router(coldchain_pages.router)
    client = TestClient(app)
    answer = client.post("/login", data={"username": "quinn", "password": PASSWORD},
                         follow_redirects=False)
    assert answer.status_code == 303
    client.cookies.set("medwms_lang", "zh-CN")
    from medwms.auth.rules import SYSTEM
    from medwms.coldchain.ingest import ingest
    from tests.support.coldchain import series

    ingest(db, actor=SYSTEM, source="API",
           readings=series(NOW - timedelta(minutes=30), [5.0] + [9.4] * 14 + [5.0]))
    return client, room


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_board_shows_the_cold_room_red(browser):
    client, _ = browser
    html = client.get("/coldchain").text
    assert SENSOR in html and 'data-colour="red"' in html


def test_the_sensor_page_embeds_a_real_chart(browser):
    client, _ = browser
    html = client.get(f"/coldchain/sensors/{SENSOR}?hours=6").text
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    classes = [el.get("class") for el in ET.fromstring(svg).iter()]
    assert "band" in classes and "breach" in classes


def test_a_breach_is_decided_from_its_page_with_a_signature(browser, db):
    client, room = browser
    listing = client.get("/coldchain/breaches").text
    number = re.search(r"(CCH-\d{8}-[A-Z0-9]+)", listing).group(1)
    page = client.get(f"/coldchain/breaches/{number}").text
    assert "受影响批次" in page and "LOT-A" in page
    lines = re.findall(rf"/coldchain/breaches/{number}/lots/(\d+)", page)
    for line in lines:
        answer = client.post(f"/coldchain/breaches/{number}/lots/{line}", data={
            "decision": "RELEASE", "comment": "稳定性数据支持", "password": PASSWORD,
            "csrf_token": csrf(page)}, follow_redirects=False)
        assert answer.status_code == 303, answer.text
    assert statuses(db, room.cold_bins) == {"AVAILABLE": 20}
    assert cch_movements(db)[-2:] == [("HOLD", "AVAILABLE", 10)] * 2
    assert "已关闭" in client.get(f"/coldchain/breaches/{number}").text
