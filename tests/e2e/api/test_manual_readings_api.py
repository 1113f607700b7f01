"""The API of the manual readings (G17): switch a zone on, record a reading whose person and
time come from the session and the server (a typed one is refused), the slots and the overdue
list; a picker may not record."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from tests.support.coldchain import make_cold_room

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
URL = "/api/v1/coldchain/manual"


@pytest.fixture
def api(db, tmp_path):
    room = make_cold_room(db, stocked_at=NOW - timedelta(days=2))
    acting = {"who": room.manager}
    # The whole local day is one open morning slot, so the test does not depend on the hour.
    settings = Settings(database_url=db.url, attachments_dir=str(tmp_path / "att"),
                        manual_morning_end=time(23, 58), manual_afternoon_end=time(23, 59))
    app = create_app(settings, db=db)
    app.dependency_overrides[get_actor] = lambda: acting["who"]
    client = TestClient(app)
    people = {"quinn": room.manager, "pete": room.picker}

    def as_(name):
        acting["who"] = people[name]
        return client

    return as_


def test_a_zone_is_switched_on_and_a_reading_recorded_as_the_session(api):
    on = api("quinn").put(f"{URL}/zones/WH1/CR1", json={"manual": True})
    assert on.status_code == 200 and on.json() == {"area": "WH1/CR1", "manual": True}
    assert [z["area"] for z in api("quinn").get(f"{URL}/zones").json()] == ["WH1/CR1"]
    before = datetime.now(UTC)
    done = api("quinn").post(f"{URL}/zones/WH1/CR1/readings",
                             json={"celsius": "5.5", "humidity": "40", "note": "ok"})
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["recorded_by"] == "quinn" and body["celsius"] == 5.5
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(body["at"]) \
        <= datetime.now(UTC)
    slots = api("quinn").get(f"{URL}/slots").json()
    assert {s["slot"]: s["state"] for s in slots}["MORNING"] == "DONE"
    assert api("quinn").get(f"{URL}/overdue").json() == []


@pytest.mark.parametrize("typed", [{"recorded_by": "ann"}, {"at": "2026-01-01T08:00:00Z"},
                                   {"day": "2026-01-01"}, {"slot": "AFTERNOON"}])
def test_the_person_and_the_time_cannot_be_typed(api, typed):
    api("quinn").put(f"{URL}/zones/WH1/CR1", json={"manual": True})
    refused = api("quinn").post(f"{URL}/zones/WH1/CR1/readings",
                                json={"celsius": "5.0", **typed})
    assert refused.status_code == 422
    assert api("quinn").get(f"{URL}/slots").json()[0]["reading"] is None


def test_refusals_picker_zone_not_manual_and_impossible_values(api):
    assert api("pete").put(f"{URL}/zones/WH1/CR1", json={"manual": True}).status_code == 403
    not_on = api("quinn").post(f"{URL}/zones/WH1/CR1/readings", json={"celsius": "5"})
    assert not_on.status_code == 409
    assert not_on.json()["code"] == "ZONE_NOT_MANUALLY_MONITORED"
    api("quinn").put(f"{URL}/zones/WH1/CR1", json={"manual": True})
    assert api("pete").post(f"{URL}/zones/WH1/CR1/readings",
                            json={"celsius": "5"}).status_code == 403
    assert api("quinn").post(f"{URL}/zones/WH1/CR1/readings",
                             json={"celsius": "500"}).status_code == 422


def test_an_out_of_range_reading_is_flagged_and_the_record_export_carries_the_sheet(api):
    api("quinn").put(f"{URL}/zones/WH1/CR1", json={"manual": True})
    done = api("quinn").post(f"{URL}/zones/WH1/CR1/readings", json={"celsius": "9.1"})
    assert done.json()["out_of_range"] is True
    month = done.json()["day"][:7]
    xlsx = api("quinn").get(f"/api/v1/coldchain/zones/WH1/CR1/record.xlsx?month={month}")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["Manual"]
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))][-2:] == [
        "quinn", "已记录"]
