"""The cold-chain API: sensors, reading batches and files, breaches, decisions, chart, records."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from tests.support.coldchain import SENSOR, make_cold_room, statuses
from tests.support.users import PASSWORD

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
START = NOW - timedelta(minutes=40)


@pytest.fixture
def room(db):
    return make_cold_room(db, stocked_at=NOW - timedelta(days=2))


@pytest.fixture
def client(db, room):
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: room.manager
    return TestClient(app)


def batch(temps, start=START, sensor=SENSOR):
    return {"readings": [{"sensor": sensor, "time": (start + timedelta(minutes=i)).isoformat(),
                          "celsius": t, "humidity": 50} for i, t in enumerate(temps)]}


def warm(client):
    response = client.post("/api/v1/coldchain/readings", json=batch([5.0] + [9.2] * 15 + [5]))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_sensor_is_registered_and_listed(client):
    response = client.post("/api/v1/coldchain/sensors", json={
        "code": "fr-2", "name": "Fridge 2", "location": "CR1-2", "temp_min": 2, "temp_max": 8})
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "LOCATION" and response.json()["temp_max"] == 8.0
    codes = [s["code"] for s in client.get("/api/v1/coldchain/sensors").json()]
    assert codes == [SENSOR, "FR-2"]
    again = client.post("/api/v1/coldchain/sensors", json={"code": "FR-2", "zone": "CR1"})
    assert again.status_code == 409 and again.json()["code"] == "SENSOR_EXISTS"


def test_a_batch_with_bad_readings_keeps_the_good_ones(client):
    body = batch([4.0, 4.2])
    body["readings"] += [
        {"sensor": "GHOST", "time": NOW.isoformat(), "celsius": 4},
        {"sensor": SENSOR, "time": NOW.isoformat(), "celsius": "abc"},
        {"sensor": SENSOR, "time": NOW.isoformat(), "celsius": 9999},
        {"sensor": SENSOR, "time": (NOW + timedelta(days=1000)).isoformat(), "celsius": 4}]
    result = client.post("/api/v1/coldchain/readings", json=body).json()
    assert (result["stored"], result["rejected"]) == (2, 4)
    again = client.post("/api/v1/coldchain/readings", json=batch([4.0, 4.2])).json()
    assert (again["stored"], again["duplicates"]) == (0, 2)
    assert client.get("/api/v1/coldchain/rejected").json()["by_source"] == {"API": 4}


def test_a_breach_is_listed_decided_with_a_signature_and_closed(client, db, room):
    opened = warm(client)["breaches_opened"]
    assert len(opened) == 1 and statuses(db, room.cold_bins) == {"HOLD": 20}
    [listed] = client.get("/api/v1/coldchain/breaches?status=OPEN").json()
    detail = client.get(f"/api/v1/coldchain/breaches/{listed['breach_no']}").json()
    assert [lot["item_temp_max"] for lot in detail["lots"]] == [8.0, 8.0]
    url = f"/api/v1/coldchain/breaches/{listed['breach_no']}/lots"
    wrong = client.post(f"{url}/{detail['lots'][0]['id']}/disposition",
                        json={"disposition": "RELEASE", "comment": "ok", "password": "nope"})
    assert wrong.status_code in (401, 403, 422) and statuses(db, room.cold_bins) == {"HOLD": 20}
    for line, decision in zip(detail["lots"], ("RELEASE", "REJECT"), strict=True):
        answer = client.post(f"{url}/{line['id']}/disposition", json={
            "disposition": decision, "comment": "per stability data", "password": PASSWORD})
        assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "CLOSED"
    assert statuses(db, room.cold_bins) == {"AVAILABLE": 10, "REJECTED": 10}


def test_the_chart_is_svg_with_the_band_and_the_breach(client):
    warm(client)
    response = client.get(f"/api/v1/coldchain/sensors/{SENSOR}/chart.svg?hours=2")
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.text)
    classes = [el.get("class") for el in root.iter()]
    assert "band" in classes and "breach" in classes and "curve" in classes


def test_a_logger_file_is_ingested_from_csv_and_xlsx(client):
    rows = [("time", "celsius", "humidity")] + [
        ((START + timedelta(minutes=i)).isoformat(), 4.5, 40) for i in range(5)]
    csv_text = "\n".join(",".join(str(c) for c in row) for row in rows) + "\nnot-a-time,4,40\n"
    response = client.post(f"/api/v1/coldchain/sensors/{SENSOR}/readings/file",
                           files={"file": ("logger.csv", csv_text.encode(), "text/csv")})
    assert response.json()["stored"] == 5 and response.json()["rejected"] == 1
    book = Workbook()
    sheet = book.active
    sheet.append(["Time", "Temperature"])
    for i in range(3):
        sheet.append([(START + timedelta(minutes=10 + i)).replace(tzinfo=None), 5.0])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(f"/api/v1/coldchain/sensors/{SENSOR}/readings/file",
                           files={"file": ("logger.xlsx", buffer.getvalue(), "application/x")})
    assert response.status_code == 200 and response.json()["rejected"] == 0


@pytest.mark.parametrize("lang,title", [("zh-CN", "温湿度记录"), ("en", "Temperature")])
def test_the_monthly_record_pdf_reads_in_both_languages(client, lang, title):
    warm(client)
    month = f"{NOW.astimezone():%Y-%m}"
    response = client.get(f"/api/v1/coldchain/zones/WH1/CR1/record.pdf?month={month}&lang={lang}")
    assert response.status_code == 200, response.text
    pdf = pdfium.PdfDocument(response.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert title in text and SENSOR in text and "CCH-" in text


def test_the_monthly_record_xlsx_opens(client):
    warm(client)
    month = f"{NOW.astimezone():%Y-%m}"
    response = client.get(f"/api/v1/coldchain/zones/WH1/CR1/record.xlsx?month={month}&lang=en")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Breaches", SENSOR]
    assert book["Breaches"].max_row == 2


def test_the_board_shows_a_breached_zone_red(client):
    warm(client)
    [tile] = client.get("/api/v1/coldchain/board").json()
    assert (tile["sensor"], tile["colour"]) == (SENSOR, "red")


def test_the_lot_trace_shows_its_temperature_history(client):
    warm(client)
    [stay] = client.get("/api/v1/coldchain/lots/REAGENT/LOT-B/temperatures").json()
    assert stay["location"] == "CR1-2" and stay["max_celsius"] == 9.2 and stay["breaches"]
