"""The shipping API: pack, confirm, list PDF, SSCC labels, transfer receipt, returns, refusals."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import zxingcpp
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.barcode import parse_scan
from medwms.config import Settings
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from tests.support.shipping import COLD, HIP, STENT, Unit, udi, verified_order, world
from tests.support.statements import count_statements
from tests.support.users import actor_of, make_user

API = "/api/v1"


def client_for(db, role: str) -> TestClient:
    actor = actor_of(make_user(db, f"u-{role}", role))
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app)


@pytest.fixture
def packer(db) -> TestClient:
    world(db)
    verified_order(db, "SO-1", [Unit("STENT", "L1", 2), Unit("COLD", "C1", 1)])
    verified_order(db, "TR-1", [Unit("STENT", "T1", 1), Unit("HIP", "H1", 1, serial="SN-1")],
                   to_warehouse="WHB")
    return client_for(db, "shipper")


def movements(db) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(Movement)) or 0


def packed(packer: TestClient, order_no: str, scans: list[str], cold: bool = False) -> str:
    shipment_no = packer.post(f"{API}/orders/{order_no}/shipment").json()["shipment_no"]
    unit = {"cold": True, "box_id": "CB-1", "logger_id": "LG-1", "dispatch_temp": "4.5"} \
        if cold else {}
    sscc = packer.post(f"{API}/shipments/{shipment_no}/units", json=unit).json()["sscc"]
    for number, raw in enumerate(scans):
        response = packer.post(f"{API}/shipments/{shipment_no}/units/{sscc}/scans",
                               json={"scan_id": f"s{number}", "raw": raw})
        assert response.status_code == 201, response.json()
    return shipment_no


def test_pack_confirm_and_read_a_shipment(packer, db):
    shipment_no = packed(packer, "SO-1", [udi(STENT, "L1"), udi(STENT, "L1"), udi(COLD, "C1")],
                         cold=True)
    done = packer.post(f"{API}/shipments/{shipment_no}/confirm",
                       json={"carrier": "顺丰速运", "waybill": "SF1"})
    assert done.status_code == 200 and done.json()["status"] == "SHIPPED"
    view = packer.get(f"{API}/shipments/{shipment_no}").json()
    assert (view["consignee"], view["carrier"], view["waybill"]) == ("HOSP1", "顺丰速运", "SF1")
    assert view["units"][0]["cold"] and view["units"][0]["quantity"] == 3
    assert {(line["item"], line["quantity"]) for line in view["lines"]} == \
        {("STENT", 2), ("COLD", 1)}
    with db.reading() as s:
        assert verify(s).ok


def test_a_pack_scan_retried_with_its_idempotency_key_applies_once(packer, db):
    shipment_no = packer.post(f"{API}/orders/SO-1/shipment").json()["shipment_no"]
    sscc = packer.post(f"{API}/shipments/{shipment_no}/units", json={}).json()["sscc"]
    body, headers = {"scan_id": "s-1", "raw": udi(STENT, "L1")}, {"Idempotency-Key": "s-1"}
    first = packer.post(f"{API}/shipments/{shipment_no}/units/{sscc}/scans", json=body,
                        headers=headers)
    before = movements(db)
    second = packer.post(f"{API}/shipments/{shipment_no}/units/{sscc}/scans", json=body,
                         headers=headers)
    assert first.json() == second.json() and movements(db) == before
    assert first.json()["left_to_pack"] == 2


def test_a_picker_may_not_pack_or_ship_a_manager_may(packer, db):
    picker, manager = client_for(db, "picker"), client_for(db, "manager")
    before = movements(db)
    for path, body in (("/orders/SO-1/shipment", None), ("/shipments/SHP-X/units", {}),
                       ("/shipments/SHP-X/units/000000000000000000/scans",
                        {"scan_id": "s", "raw": udi(STENT, "L1")}),
                       ("/shipments/SHP-X/confirm", {"carrier": "SF", "waybill": "1"})):
        refused = picker.post(API + path, json=body)
        assert (refused.status_code, refused.json()["code"]) == (403, "PERMISSION_DENIED")
        assert refused.json()["fields"]["permission"] == "shipping.ship"
    assert movements(db) == before
    assert manager.post(f"{API}/orders/SO-1/shipment").status_code == 201


@pytest.mark.parametrize(("path", "code", "status"), [
    ("/orders/SO-NONE/shipment", "ORDER_NOT_FOUND", 404),
    ("/shipments/SHP-NONE/confirm", "SHIPMENT_NOT_FOUND", 404),
])
def test_unknown_order_or_shipment_is_a_problem(packer, path, code, status):
    response = packer.post(API + path, json={"carrier": "SF", "waybill": "1"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_refusals_carry_their_codes_and_change_nothing(packer, db):
    verified_order(db, "SO-2", [Unit("STENT", "L2", 1)], status="PICKED")
    assert packer.post(f"{API}/orders/SO-2/shipment").json()["code"] == "ORDER_NOT_VERIFIED"
    shipment_no = packer.post(f"{API}/orders/SO-1/shipment").json()["shipment_no"]
    sscc = packer.post(f"{API}/shipments/{shipment_no}/units", json={}).json()["sscc"]
    before = movements(db)
    cold = packer.post(f"{API}/shipments/{shipment_no}/units/{sscc}/scans",
                       json={"scan_id": "x", "raw": udi(COLD, "C1")})
    assert (cold.status_code, cold.json()["code"]) == (422, "COLD_ITEM_IN_AMBIENT_BOX")
    no_box = packer.post(f"{API}/shipments/{shipment_no}/units", json={"cold": True})
    assert no_box.json()["code"] == "COLD_BOX_DETAILS_REQUIRED"
    waybill = packer.post(f"{API}/shipments/{shipment_no}/confirm",
                          json={"carrier": "SF", "waybill": ""})
    assert waybill.json()["code"] == "WAYBILL_REQUIRED"
    assert movements(db) == before


def test_shipping_list_pdf_in_both_languages_scans_back(packer):
    shipment_no = packed(packer, "SO-1", [udi(STENT, "L1"), udi(STENT, "L1"), udi(COLD, "C1")],
                         cold=True)
    packer.post(f"{API}/shipments/{shipment_no}/confirm", json={"carrier": "SF", "waybill": "1"})
    for lang, title in (("zh-CN", "随货同行单"), ("en", "Shipping list")):
        response = packer.get(f"{API}/shipments/{shipment_no}/shipping-list.pdf?lang={lang}")
        assert response.headers["content-type"] == "application/pdf"
        page = pdfium.PdfDocument(response.content)[0]
        assert title in page.get_textpage().get_text_range()
    found = zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil(),
                                   text_mode=zxingcpp.TextMode.Plain)
    assert [parse_scan(f"{b.symbology_identifier}{b.text}").document for b in found] == \
        [shipment_no]


def test_sscc_labels_as_pdf_and_zpl(packer):
    shipment_no = packer.post(f"{API}/orders/SO-1/shipment").json()["shipment_no"]
    sscc = packer.post(f"{API}/shipments/{shipment_no}/units", json={}).json()["sscc"]
    pdf = packer.get(f"{API}/shipments/{shipment_no}/units/{sscc}/label.pdf")
    image = pdfium.PdfDocument(pdf.content)[0].render(scale=600 / 72).to_pil()
    scans = [parse_scan(f"{b.symbology_identifier}{b.text}")
             for b in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)]
    assert sscc in [s.sscc for s in scans]
    zpl = packer.get(f"{API}/shipments/{shipment_no}/units/{sscc}/label.zpl").text
    assert zpl.startswith("^XA") and sscc in zpl
    missing = packer.get(f"{API}/shipments/{shipment_no}/units/000000000000000000/label.pdf")
    assert missing.json()["code"] == "SHIPPING_UNIT_NOT_FOUND"


def test_transfer_received_at_b_with_a_unit_missing(packer, db):
    shipment_no = packed(packer, "TR-1", [udi(STENT, "T1"), udi(HIP, "H1", "SN-1")])
    packer.post(f"{API}/shipments/{shipment_no}/confirm", json={"carrier": "OWN",
                                                               "waybill": "沪A1 张"})
    receiver = client_for(db, "receiver")
    coming = receiver.get(f"{API}/transfers/in-transit?warehouse=WHB").json()
    assert {line["item"] for line in coming["incoming"]} == {"STENT", "HIP"}
    scan = receiver.post(f"{API}/transfers/{shipment_no}/receipts/scans",
                         json={"scan_id": "r1", "raw": udi(STENT, "T1")})
    assert scan.status_code == 201 and scan.json()["received"][0]["status"] == "AVAILABLE"
    closed = receiver.post(f"{API}/transfers/{shipment_no}/close").json()
    assert closed["status"] == "SHORT"
    assert [d["serial"] for d in closed["discrepancies"]["short"]] == ["SN-1"]
    sent = receiver.get(f"{API}/stock?warehouse=WHA&status=IN_TRANSIT").json()["rows"]
    assert [(r["item"], r["serial"]) for r in sent] == [("HIP", "SN-1")]
    line_id = closed["discrepancies"]["short"][0]["line_id"]
    manager = client_for(db, "manager")
    resolved = manager.post(f"{API}/transfers/{shipment_no}/resolve", json={
        "line_id": line_id, "outcome": "LOST", "quantity": 1, "reason": "carrier lost it"})
    assert resolved.json()["status"] == "RECEIVED"


def test_a_return_of_a_unit_never_shipped_is_refused_then_accepted_flagged(packer, db):
    shipment_no = packed(packer, "SO-1", [udi(STENT, "L1"), udi(STENT, "L1"), udi(COLD, "C1")],
                         cold=True)
    packer.post(f"{API}/shipments/{shipment_no}/confirm", json={"carrier": "SF", "waybill": "1"})
    receiver = client_for(db, "receiver")
    opened = receiver.post(f"{API}/returns", json={"shipment_no": shipment_no,
                                                   "reason": "破损"})
    return_no = opened.json()["return_no"]
    ok = receiver.post(f"{API}/returns/{return_no}/scans",
                       json={"scan_id": "1", "raw": udi(STENT, "L1")})
    assert ok.status_code == 201 and ok.json()["status"] == "QUARANTINE"
    body = {"scan_id": "2", "raw": udi(STENT, "NEVER")}
    refused = receiver.post(f"{API}/returns/{return_no}/scans", json=body)
    assert (refused.status_code, refused.json()["code"]) == (422, "RETURN_UNIT_NOT_SHIPPED")
    flagged = receiver.post(f"{API}/returns/{return_no}/scans",
                            json={**body, "accept_flagged": True})
    assert flagged.json()["flagged"]
    view = receiver.get(f"{API}/returns/{return_no}").json()
    assert [bool(line["flagged"]) for line in view["lines"]] == [False, True]


def statements_of(db, call):
    with count_statements(db) as seen:
        response = call()
    assert response.status_code == 201, response.text
    return len(seen)


def test_a_pack_scan_costs_the_same_queries_however_many_orders_exist(packer, db):
    for number in range(3):
        verified_order(db, f"SO-X{number}", [Unit("STENT", f"X{number}", 1)])
    shipment_no = packer.post(f"{API}/orders/SO-1/shipment").json()["shipment_no"]
    sscc = packer.post(f"{API}/shipments/{shipment_no}/units", json={}).json()["sscc"]
    url = f"{API}/shipments/{shipment_no}/units/{sscc}/scans"
    first = statements_of(db, lambda: packer.post(url, json={"scan_id": "a",
                                                             "raw": udi(STENT, "L1")}))
    for number in range(3, 12):
        verified_order(db, f"SO-X{number}", [Unit("STENT", f"X{number}", 1)])
    second = statements_of(db, lambda: packer.post(url, json={"scan_id": "b",
                                                              "raw": udi(STENT, "L1")}))
    assert first == second
