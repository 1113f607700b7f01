"""The API of the cold-chain duties: the equipment register with a certificate upload, alarm
recipients (one is refused), my notices and their acknowledgement, escalation, warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from tests.support.coldchain import SENSOR, make_cold_room
from tests.support.users import actor_of, make_user

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def api(db, tmp_path):
    room = make_cold_room(db, stocked_at=NOW - timedelta(days=2))
    people = {"quinn": room.manager, "picker": room.picker}
    people |= {n: actor_of(make_user(db, n, "inspector")) for n in ("ann", "bob")}
    acting = {"who": room.manager}
    app = create_app(Settings(database_url=db.url, attachments_dir=str(tmp_path / "att")),
                     db=db)
    app.dependency_overrides[get_actor] = lambda: acting["who"]

    def as_(name):
        acting["who"] = people[name]
        return client

    client = TestClient(app)
    return as_


def test_equipment_is_registered_and_a_calibration_kept_with_its_scan(api):
    response = api("quinn").post("/api/v1/equipment", json={"code": SENSOR, "kind": "SENSOR"})
    assert response.status_code == 201, response.text
    assert response.json()["reason"] == "NEVER_CHECKED"
    today = date.today()
    done = api("quinn").post(f"/api/v1/equipment/{SENSOR}/checks", data={
        "check_kind": "CALIBRATION", "performed_on": str(today - timedelta(days=2)),
        "certificate_no": "JL-1", "body": "计量院", "result": "PASS",
        "next_due": str(today + timedelta(days=300))},
        files={"certificate": ("cert.pdf", PDF, "application/pdf")})
    assert done.status_code == 201, done.text
    view = api("quinn").get(f"/api/v1/equipment/{SENSOR}").json()
    assert view["in_date"] and view["checks"][0]["attachments"][0]["id"] == \
        done.json()["attachment_id"]
    scan = api("quinn").get(f"/api/v1/attachments/{done.json()['attachment_id']}")
    assert scan.status_code == 200 and scan.content == PDF


def test_a_picker_may_not_register_equipment_and_a_bad_record_is_422(api):
    assert api("picker").post("/api/v1/equipment",
                              json={"code": "CB-1", "kind": "COLD_BOX"}).status_code == 403
    api("quinn").post("/api/v1/equipment", json={"code": "CB-1", "kind": "COLD_BOX"})
    refused = api("quinn").post("/api/v1/equipment/CB-1/checks", data={
        "check_kind": "CALIBRATION", "performed_on": str(date.today()), "certificate_no": "X",
        "body": "Y", "result": "PASS", "next_due": str(date.today() + timedelta(days=30))})
    assert refused.status_code == 422 and refused.json()["code"] == "BAD_EQUIPMENT"


def test_one_recipient_is_refused_two_are_kept(api):
    one = api("quinn").put("/api/v1/coldchain/alarms/recipients",
                           json={"warehouse": "WH1", "zone": "CR1", "first": ["ann"]})
    assert one.status_code == 422 and one.json()["code"] == "TOO_FEW_ALARM_RECIPIENTS"
    two = api("quinn").put("/api/v1/coldchain/alarms/recipients",
                           json={"warehouse": "WH1", "zone": "CR1", "first": ["ann", "bob"]})
    assert two.status_code == 200 and two.json()["first"] == ["ann", "bob"]
    [area] = [a for a in api("ann").get("/api/v1/coldchain/alarms/recipients").json()
              if a["zone"] == "CR1"]
    assert area["first"] == ["ann", "bob"]


def test_an_alarm_reaches_both_and_one_acknowledges_it(api):
    api("quinn").put("/api/v1/coldchain/alarms/recipients",
                     json={"zone": "CR1", "first": ["ann", "bob"]})
    start = NOW - timedelta(minutes=40)
    readings = [{"sensor": SENSOR, "time": (start + timedelta(minutes=i)).isoformat(),
                 "celsius": t} for i, t in enumerate([5.0] + [9.0] * 15 + [5.0])]
    opened = api("quinn").post("/api/v1/coldchain/readings", json={"readings": readings})
    [breach_no] = opened.json()["breaches_opened"]
    for name in ("ann", "bob"):
        mine = api(name).get("/api/v1/coldchain/alarms/mine").json()
        assert mine["unacknowledged"] == 1 and mine["notices"][0]["breach_no"] == breach_no
    empty = api("ann").post(f"/api/v1/coldchain/alarms/{breach_no}/acknowledge",
                            json={"note": ""})
    assert empty.status_code == 422
    done = api("ann").post(f"/api/v1/coldchain/alarms/{breach_no}/acknowledge",
                           json={"note": "door shut", "action": "checked the probe"})
    assert done.status_code == 200 and done.json()["status"] == "ACKNOWLEDGED"
    log = api("quinn").get(f"/api/v1/coldchain/alarms/{breach_no}").json()
    assert [a["note"] for a in log["acks"]] == ["door shut"]
    assert api("picker").post(f"/api/v1/coldchain/alarms/{breach_no}/acknowledge",
                              json={"note": "x"}).json()["code"] == "NOT_AN_ALARM_RECIPIENT"
    assert api("quinn").post("/api/v1/coldchain/alarms/escalate").json() == {"escalated": []}


def test_the_warnings_name_the_area_without_recipients(api):
    api("quinn").post("/api/v1/coldchain/readings", json={"readings": [
        {"sensor": SENSOR, "time": NOW.isoformat(), "celsius": 5}]})
    codes = {(w["code"], w["subject"])
             for w in api("ann").get("/api/v1/coldchain/alarms/warnings/all").json()}
    assert ("TOO_FEW_ALARM_RECIPIENTS", "WH1/CR1") in codes
