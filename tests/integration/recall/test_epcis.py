"""The EPCIS 2.0 export validates against the official JSON schema (format: uri enforced)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker

from medwms.recall import service
from medwms.recall.epcis import epc_class, epcis_document
from medwms.recall.rules import Scope
from medwms.recall.trace import TraceQuery
from tests.support.builders import NOW
from tests.support.recall import PACER_GTIN, STENT_GTIN, at, build_history

SCHEMA = json.loads((Path(__file__).parents[2] / "data" / "epcis" /
                     "EPCIS-JSON-Schema.json").read_text())
VALIDATOR = Draft7Validator(SCHEMA, format_checker=FormatChecker())


@pytest.fixture
def history(db):
    return build_history(db)


def exported(db, **kwargs):
    with db.reading() as s:
        return epcis_document(s, now=NOW, **kwargs)


def errors_of(document):
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def test_the_uri_format_is_really_enforced():
    bad = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
           "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T00:00:00Z",
           "epcisBody": {"eventList": [{"type": "ObjectEvent", "action": "OBSERVE",
                                        "eventTime": "2026-01-01T00:00:00Z",
                                        "eventTimeZoneOffset": "+08:00",
                                        "bizStep": "not a step", "epcList": []}]}}
    assert errors_of(bad)


def test_a_lots_history_including_the_recall_validates(db, history):
    service.open_recall(db, actor=history.manager, scope=Scope(STENT_GTIN, lots=("L1",)),
                        reason="r", risk_class="I")
    document = exported(db, query=TraceQuery(gtin=STENT_GTIN, lot="L1"))
    assert errors_of(document) == []
    steps = [e["bizStep"] for e in document["epcisBody"]["eventList"]]
    assert steps[:6] == ["receiving", "inspecting", "storing", "storing", "picking", "shipping"]
    recalled = [e for e in document["epcisBody"]["eventList"] if e["disposition"] == "recalled"]
    assert recalled and all(e["bizStep"] == "holding" for e in recalled)


def test_receipt_event_carries_lot_and_expiry_in_ilmd_and_others_do_not(db, history):
    events = exported(db, query=TraceQuery(gtin=STENT_GTIN, lot="L1"))["epcisBody"]["eventList"]
    first = events[0]
    assert first["action"] == "ADD" and first["ilmd"] == {
        "cbvmda:lotNumber": "L1", "cbvmda:itemExpirationDate": "2028-06-30"}
    assert all("ilmd" not in e for e in events[1:] if e["action"] != "ADD")
    assert first["quantityList"] == [{"epcClass": epc_class(STENT_GTIN, "L1", 7),
                                      "quantity": 100}]
    assert first["quantityList"][0]["epcClass"] == "urn:epc:class:lgtin:6900000.000101.L1"
    assert first["sourceList"] == [{"type": "owning_party", "source": "urn:medwms:partner:SUP"}]
    assert first["readPoint"]["id"] == "https://id.gs1.org/414/6901234000017/254/WH1-DOCK"


def test_shipping_event_names_consignee_and_document(db, history):
    events = exported(db, query=TraceQuery(gtin=STENT_GTIN, lot="L1"))["epcisBody"]["eventList"]
    ship = next(e for e in events if e["bizStep"] == "shipping")
    assert ship["destinationList"] == [{"type": "owning_party",
                                        "destination": "urn:medwms:partner:HOSP1"}]
    assert ship["bizTransactionList"] == [{"type": "desadv",
                                           "bizTransaction": "urn:medwms:doc:SHP:SHP-1"}]
    assert ship["disposition"] == "in_transit" and ship["eventTimeZoneOffset"] == "+08:00"


def test_serial_export_uses_sgtin_and_a_date_range_export_validates(db, history):
    serial = exported(db, query=TraceQuery(gtin=PACER_GTIN, serial="PS-1"))
    assert errors_of(serial) == []
    assert serial["epcisBody"]["eventList"][0]["epcList"][0].startswith("urn:epc:id:sgtin:")
    period = exported(db, since=at(0), until=at(9) + timedelta(minutes=1))
    assert errors_of(period) == [] and len(period["epcisBody"]["eventList"]) == 11
