"""The equipment register (K04, K05): calibration records with the certificate scan; a sensor
out of calibration has its readings flagged; a lapsed cold room refuses cold putaway; a lapsed
cold box cannot carry a cold shipment; a cold room with one sensor is a compliance warning."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from medwms.attachments.service import Upload
from medwms.attachments.store import store_of
from medwms.auth.rules import SYSTEM
from medwms.coldchain import alarm_queries, chart, queries, records
from medwms.coldchain.ingest import ingest
from medwms.core.clock import local_date, utc_now
from medwms.core.errors import PermissionDenied
from medwms.equipment import queries as register
from medwms.equipment.errors import (
    BadEquipment,
    ColdBoxNotValidated,
    ColdRoomNotValidated,
    EquipmentExists,
)
from medwms.equipment.rules import CheckSpec
from medwms.equipment.service import EquipmentSpec, record_check, register_equipment, set_active
from medwms.putaway import service as putaway
from medwms.shipping.packing import add_shipping_unit, open_shipment
from tests.support.builders import NOW, make_lot
from tests.support.coldchain import SENSOR, make_cold_room, series
from tests.support.putaway import (
    COLD_GTIN,
    cold_item,
    location_scan,
    make_yard,
    receive,
    unit_scan,
)
from tests.support.shipping import PACKER, Unit, verified_order, world
from tests.support.users import actor_of, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = local_date(NOW)


def calibration(on: date, due: date, result: str = "PASS") -> CheckSpec:
    return CheckSpec("CALIBRATION", on, "JL-2026-0815", "省计量测试研究院", result, due)


def validation(on: date, due: date) -> CheckSpec:
    return CheckSpec("VALIDATION", on, "VAL-2026-12", "冷链验证公司", "PASS", due)


@pytest.fixture
def store(tmp_path):
    return store_of(str(tmp_path / "attachments"), 1024 * 1024)


def test_a_calibration_is_recorded_with_its_certificate_scan(db, store):
    room = make_cold_room(db)
    register_equipment(db, actor=room.manager, spec=EquipmentSpec(SENSOR, "SENSOR", "探头 1"))
    done = record_check(db, actor=room.manager, equipment=SENSOR, now=NOW, store=store,
                        spec=calibration(TODAY - timedelta(days=3), TODAY + timedelta(days=360)),
                        certificate=Upload("证书.pdf", PDF))
    with db.reading() as s:
        view = register.equipment(s, SENSOR, on=TODAY)
    [check] = view.checks
    assert (view.in_date, view.due, check.check_no) == (True, TODAY + timedelta(days=360),
                                                         done.check_no)
    [scan] = check.attachments
    assert (scan.id, scan.media_type, scan.purpose) == (done.attachment_id, "application/pdf",
                                                        "certificate")


def test_registering_twice_or_a_bad_record_is_refused(db):
    room = make_cold_room(db)
    register_equipment(db, actor=room.manager, spec=EquipmentSpec(SENSOR, "SENSOR"))
    with pytest.raises(EquipmentExists):
        register_equipment(db, actor=room.manager, spec=EquipmentSpec(SENSOR, "SENSOR"))
    with pytest.raises(BadEquipment) as caught:
        record_check(db, actor=room.manager, equipment=SENSOR, now=NOW,
                     spec=calibration(TODAY, TODAY + timedelta(days=500)))
    assert "once a year" in caught.value.message("en") and "每年" in caught.value.message("zh")
    with pytest.raises(PermissionDenied):
        register_equipment(db, actor=room.picker, spec=EquipmentSpec("CB-1", "COLD_BOX"))


def test_readings_of_a_sensor_past_its_due_date_are_flagged_uncalibrated(db):
    room = make_cold_room(db)
    register_equipment(db, actor=room.manager, spec=EquipmentSpec(SENSOR, "SENSOR"))
    due = TODAY + timedelta(days=1)
    record_check(db, actor=room.manager, equipment=SENSOR, now=NOW,
                 spec=calibration(TODAY - timedelta(days=364), due))
    day_after = NOW + timedelta(days=2)
    ingest(db, actor=SYSTEM, source="API", now=day_after + timedelta(minutes=5),
           readings=series(NOW, [5.0, 5.0]) + series(day_after, [5.0, 5.0]))
    with db.reading() as s:
        assert not queries.board(s, NOW)[0].uncalibrated
        assert queries.board(s, day_after)[0].uncalibrated
        svg = chart.sensor_chart(s, SENSOR, start=NOW - timedelta(hours=1),
                                 end=day_after + timedelta(minutes=5), hours=1,
                                 timezone="Asia/Shanghai")
        month = records.zone_record(s, warehouse="WH1", zone="CR1", month=f"{NOW:%Y-%m}")
    assert 'data-kind="UNCALIBRATED"' in svg and "UNCALIBRATED" in svg
    flagged = [slot.uncalibrated for slot in month.sensors[0].slots if slot.celsius is not None]
    assert flagged[0] is False and flagged[-1] is True
    sheet = load_workbook(io.BytesIO(records.record_xlsx(month, language="en")))[SENSOR]
    marks = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]]
    assert marks[0] in (None, "") and marks[-1] == "UNCALIBRATED"


def test_a_sensor_not_in_the_register_reads_as_uncalibrated(db):
    make_cold_room(db)
    ingest(db, actor=SYSTEM, source="API", now=NOW + timedelta(minutes=5),
           readings=series(NOW, [5.0]))
    with db.reading() as s:
        assert queries.board(s, NOW)[0].uncalibrated


@pytest.fixture
def yard(db):
    manager = actor_of(make_user(db, "mona", "manager"))
    with db.unit_of_work() as uow:
        yard = make_yard(uow.session)
        item = cold_item(uow.session)
        receive(uow.session, yard, item, make_lot(uow.session, item, "C1"), 4)
        uow.commit()
    register_equipment(db, actor=manager, spec=EquipmentSpec("CR-2", "COLD_ROOM", "冷库 2",
                                                             warehouse="WH1", zone="COLD"))
    return manager


def test_a_cold_item_is_refused_into_a_cold_room_whose_validation_lapsed(db, yard):
    today = local_date(utc_now())
    record_check(db, actor=yard, equipment="CR-2",
                 spec=validation(today - timedelta(days=400), today - timedelta(days=1)))
    with pytest.raises(ColdRoomNotValidated) as caught:
        putaway.confirm(db, actor=yard, raw=unit_scan(COLD_GTIN, "C1"),
                        location_raw=location_scan("C-01"))
    assert "CR-2" in caught.value.message("en") and str(today) in caught.value.message("zh")
    assert caught.value.fields["reason"] == "LAPSED"


def test_a_validated_cold_room_takes_the_cold_item(db, yard):
    today = local_date(utc_now())
    record_check(db, actor=yard, equipment="CR-2",
                 spec=validation(today - timedelta(days=10), today + timedelta(days=355)))
    done = putaway.confirm(db, actor=yard, raw=unit_scan(COLD_GTIN, "C1"),
                           location_raw=location_scan("C-01"))
    assert done.to_location == "WH1-C-01"


def test_a_cold_room_taken_out_of_use_refuses_cold_putaway_until_back_in_use(db, yard):
    today = local_date(utc_now())
    record_check(db, actor=yard, equipment="CR-2",
                 spec=validation(today - timedelta(days=10), today + timedelta(days=355)))
    set_active(db, actor=yard, equipment="CR-2", active=False, reason="compressor repair")
    with pytest.raises(ColdRoomNotValidated) as caught:
        putaway.confirm(db, actor=yard, raw=unit_scan(COLD_GTIN, "C1"),
                        location_raw=location_scan("C-01"))
    assert caught.value.fields["reason"] == "OUT_OF_USE"
    set_active(db, actor=yard, equipment="CR-2", active=True, reason="repaired, revalidated")
    assert putaway.confirm(db, actor=yard, raw=unit_scan(COLD_GTIN, "C1"),
                           location_raw=location_scan("C-01")).quantity == 4


@pytest.fixture
def boxes(db):
    world(db)
    manager = actor_of(make_user(db, "mona", "manager"))
    register_equipment(db, actor=manager, spec=EquipmentSpec("CB-7", "COLD_BOX", "冷藏箱 7"))
    verified_order(db, "SO-1", [Unit("STENT", "L1", 3)])
    return manager, open_shipment(db, actor=PACKER, order_no="SO-1", now=NOW).shipment_no


def cold_unit(db, shipment_no):
    return add_shipping_unit(db, actor=PACKER, shipment_no=shipment_no, cold=True, now=NOW,
                             box_id="CB-7", logger_id="LG-42", dispatch_temp=Decimal("5"))


def test_a_cold_box_whose_validation_lapsed_cannot_carry_a_cold_shipment(db, boxes):
    manager, shipment_no = boxes
    record_check(db, actor=manager, equipment="CB-7", now=NOW,
                 spec=validation(TODAY - timedelta(days=400), TODAY - timedelta(days=35)))
    with pytest.raises(ColdBoxNotValidated) as caught:
        cold_unit(db, shipment_no)
    assert "CB-7" in caught.value.message("en") and "冷藏箱" in caught.value.message("zh")
    record_check(db, actor=manager, equipment="CB-7", now=NOW,
                 spec=validation(TODAY, TODAY + timedelta(days=365)))
    assert cold_unit(db, shipment_no).cold


def test_a_cold_room_with_one_sensor_is_a_compliance_warning(db):
    room = make_cold_room(db)
    register_equipment(db, actor=room.manager, spec=EquipmentSpec(
        "CR-1", "COLD_ROOM", warehouse="WH1", zone="CR1"))
    with db.reading() as s:
        found = {w.code: w for w in alarm_queries.warnings(s, on=TODAY)}
    assert "1 active sensor" in found["TOO_FEW_SENSORS"].message_en
    assert found["EQUIPMENT_NOT_IN_DATE"].subject == "CR-1"
