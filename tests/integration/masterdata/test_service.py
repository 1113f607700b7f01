"""Create, update, deactivate one record: validated, permission-checked, audited."""

from __future__ import annotations

import pytest

from medwms.auth.audit import parse_snapshot
from medwms.auth.rules import SYSTEM
from medwms.core.errors import NotFound, PermissionDenied, ValidationError
from medwms.masterdata import queries, service
from medwms.masterdata.errors import CannotDeactivate, DuplicateRecord, KeyChangeRefused
from medwms.masterdata.tables import Item, Location, Packaging
from tests.integration.masterdata.files import MANAGER, PICKER, audits, count, gs1, item, site
from tests.support.builders import NOW

GTIN = gs1("0690123456789")


def create(db, kind, values, actor=SYSTEM, reason=""):
    return service.create_record(db=db, actor=actor, kind=kind, values=values, reason=reason,
                                 now=NOW)


def test_creating_an_item_stores_it_normalised_and_audits_the_after_values(db):
    record = create(db, "items", item(code="cath-01"), actor=MANAGER, reason="首营审核通过")
    assert record["code"] == "CATH-01"
    (audit,) = audits(db)
    assert (audit.action, audit.entity, audit.entity_key) == ("create", "item", "CATH-01")
    assert (audit.actor_name, audit.reason, audit.before) == ("max", "首营审核通过", "")
    assert parse_snapshot(audit.after)["registration_no"] == "国械注准20233030001"


def test_updating_an_item_audits_before_and_after_values(db):
    create(db, "items", item())
    service.update_record(db=db, actor=MANAGER, kind="items", key="cath-01",
                          changes={"registration_no": "国械注准20243030002"},
                          reason="renewed certificate", now=NOW)
    update = audits(db)[-1]
    assert update.action == "update"
    assert parse_snapshot(update.before)["registration_no"] == "国械注准20233030001"
    assert parse_snapshot(update.after)["registration_no"] == "国械注准20243030002"
    assert update.reason == "renewed certificate"
    assert update.at is not None


def test_a_picker_may_not_change_master_data_and_nothing_is_written(db):
    with pytest.raises(PermissionDenied):
        create(db, "items", item(), actor=PICKER)
    create(db, "items", item())
    with pytest.raises(PermissionDenied):
        service.update_record(db=db, actor=PICKER, kind="items", key="CATH-01",
                              changes={"name_zh": "改"})
    with pytest.raises(PermissionDenied):
        service.deactivate_record(db=db, actor=PICKER, kind="items", key="CATH-01")
    assert count(db, Item) == 1
    assert len(audits(db)) == 1


def test_a_picker_may_still_read_master_data(db):
    create(db, "items", item())
    assert service.fetch(db=db, actor=PICKER, kind="items", key="CATH-01")["name_zh"] == "导管"


def test_a_duplicate_item_code_is_refused(db):
    create(db, "items", item())
    with pytest.raises(DuplicateRecord):
        create(db, "items", item(code="cath-01"))


def test_a_duplicate_gtin_is_refused_even_written_with_fewer_digits(db):
    create(db, "items", item("A"))
    create(db, "items", item("B"))
    create(db, "packaging", {"gtin": GTIN, "item_code": "A", "quantity": 1})
    with pytest.raises(DuplicateRecord):
        create(db, "packaging", {"gtin": GTIN[1:], "item_code": "B", "quantity": 10})
    assert count(db, Packaging) == 1


def test_a_gtin_with_a_bad_check_digit_is_refused(db):
    create(db, "items", item("A"))
    bad = GTIN[:-1] + str((int(GTIN[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as refused:
        create(db, "packaging", {"gtin": bad, "item_code": "A", "quantity": 1})
    assert refused.value.problems[0].column == "gtin"


def test_packaging_for_an_unknown_item_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        create(db, "packaging", {"gtin": GTIN, "item_code": "NOPE", "quantity": 1})
    assert refused.value.problems[0].column == "item_code"


def test_a_gtin_resolves_to_its_item_and_packaging_level(db):
    create(db, "items", item("A"))
    create(db, "packaging", {"gtin": GTIN, "item_code": "A", "level": "box", "quantity": 10})
    with db.reading() as s:
        found, packaging = queries.resolve_gtin(s, GTIN[1:])
        assert (found.code, packaging.level, packaging.quantity) == ("A", "box", 10)


def test_an_item_with_an_expired_registration_cannot_be_created(db):
    with pytest.raises(ValidationError) as refused:
        create(db, "items", item(registration_expiry="2026-11-24"))
    assert refused.value.problems[0].column == "registration_expiry"


def test_unknown_fields_are_refused_rather_than_dropped(db):
    with pytest.raises(ValidationError) as refused:
        create(db, "items", {**item(), "colour": "red"})
    assert refused.value.problems[0].column == "colour"


def test_the_code_of_a_record_cannot_be_changed(db):
    create(db, "items", item())
    with pytest.raises(KeyChangeRefused):
        service.update_record(db=db, actor=SYSTEM, kind="items", key="CATH-01",
                              changes={"code": "CATH-02"})


def test_updating_a_missing_record_is_not_found(db):
    with pytest.raises(NotFound):
        service.update_record(db=db, actor=SYSTEM, kind="items", key="NOPE", changes={})


def test_deactivating_an_item_keeps_it_inactive_and_audited(db):
    create(db, "items", item())
    record = service.deactivate_record(db=db, actor=SYSTEM, kind="items", key="CATH-01",
                                       reason="withdrawn")
    assert record["active"] is False
    assert audits(db)[-1].action == "deactivate"
    with db.reading() as s:
        page = queries.list_records(s, service.kind_named("items"), queries.Filters(active=True))
    assert page.total == 0


def test_a_location_is_created_with_its_default_barcode_and_found_by_scanning_it(db):
    site(db)
    create(db, "locations", {"code": "wh1-s1-01", "warehouse_code": "WH1", "zone_code": "S1",
                             "x": "1.5", "pick_seq": 3})
    with db.reading() as s:
        location = queries.location_by_barcode(s, "#L:WH1-S1-01")
        assert (location.code, location.pick_seq) == ("WH1-S1-01", 3)
        location_id = location.id
    service.deactivate_record(db=db, actor=SYSTEM, kind="locations", key="WH1-S1-01")
    with db.reading() as s:
        assert s.get_one(Location, location_id).blocked is True


def test_a_zone_is_addressed_by_warehouse_and_zone_code(db):
    site(db)
    record = service.update_record(db=db, actor=SYSTEM, kind="zones", key="wh1:s1",
                                   changes={"temp_min": "2", "temp_max": "8"}, now=NOW)
    assert (record["warehouse_code"], str(record["temp_max"])) == ("WH1", "8")
    with pytest.raises(CannotDeactivate):
        service.deactivate_record(db=db, actor=SYSTEM, kind="zones", key="WH1:S1")


def test_a_warehouse_gln_must_have_a_valid_check_digit(db):
    with pytest.raises(ValidationError) as refused:
        create(db, "warehouses", {"code": "WH9", "name": "x", "gln": "6901234000001"})
    assert refused.value.problems[0].column == "gln"
