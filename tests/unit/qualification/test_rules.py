"""The pure rules of qualification: scope matching, lapse dates, what approval lacks."""

from __future__ import annotations

from datetime import date

from medwms.qualification.rules import (
    Credential,
    FileFacts,
    Kind,
    Standing,
    customer_refusal,
    expiring,
    first_lapse,
    lapsed,
    missing_for_approval,
    parse_scope,
    salesperson_refusal,
    scope_refusal,
    standing_refusal,
    trading_scope,
)

TODAY = date(2026, 12, 8)


def scope(text: str):
    return parse_scope(text)[0]


def test_a_scope_lists_classes_and_catalogue_codes_and_names_the_rest():
    parsed, bad = parse_scope("II, III；6846 6877 植入")
    assert parsed.classes == {"II", "III"} and parsed.codes == {"6846", "6877"}
    assert bad == ["植入"]


def test_a_scope_covers_a_listed_class_and_code_and_a_code_covers_its_subcodes():
    both = scope("III 6846")
    assert both.covers("III", "6846")
    assert both.covers("III", "684601")
    assert not both.covers("II", "6846")
    assert not both.covers("III", "6877")


def test_a_scope_of_classes_only_covers_every_code_of_them_and_an_empty_one_nothing():
    assert scope("II III").covers("III", "")
    assert not scope("II").covers("III", "6846")
    assert not scope("").covers("I", "6801")


def test_a_credential_is_valid_through_its_last_day_and_lapsed_the_day_after():
    licence = Credential(Kind.TRADING_LICENCE, "L1", valid_until=TODAY)
    assert not lapsed(licence, TODAY)
    assert lapsed(licence, date(2026, 12, 9))
    assert not lapsed(Credential(Kind.BUSINESS_LICENCE, "B1"), date(2099, 1, 1))


def test_the_first_lapse_is_the_earliest_ended_credential():
    older = Credential(Kind.TRADING_LICENCE, "OLD", valid_until=date(2026, 1, 1))
    newer = Credential(Kind.BUSINESS_LICENCE, "NEW", valid_until=date(2026, 6, 1))
    assert first_lapse([newer, older], TODAY) == older
    assert first_lapse([newer], date(2026, 5, 1)) is None


def test_the_warning_window_counts_days_to_the_last_valid_day():
    letter = Credential(Kind.SALESPERSON_LETTER, "A1", valid_until=date(2027, 1, 7))
    assert expiring(letter, TODAY, 30)
    assert not expiring(letter, TODAY, 29)
    assert not expiring(letter, date(2027, 1, 8), 30)  # lapsed, no longer "expiring"


def test_a_supplier_needs_its_business_licence_a_trading_licence_and_a_scan():
    missing = missing_for_approval(FileFacts("SUPPLIER"), TODAY)
    assert [m.what for m in missing] == ["BUSINESS_LICENCE", "TRADING_LICENCE_OR_FILING",
                                         "SCANNED_PAPERS"]
    held = (Credential(Kind.BUSINESS_LICENCE, "B1"),
            Credential(Kind.TRADING_FILING, "F1", valid_until=date(2030, 1, 1)))
    assert missing_for_approval(FileFacts("SUPPLIER", held, frozenset({"OTHER"})), TODAY) == []


def test_an_item_without_registration_or_its_validity_is_not_approved():
    no_number = FileFacts("ITEM", papers=frozenset({"LABEL"}), device_class="III")
    assert [m.what for m in missing_for_approval(no_number, TODAY)] == ["REGISTRATION"]
    undated = FileFacts("ITEM", (Credential(Kind.REGISTRATION, "国械注准1"),),
                        frozenset({"LABEL"}), device_class="III")
    assert [m.what for m in missing_for_approval(undated, TODAY)] == ["REGISTRATION_VALIDITY"]
    class_one = FileFacts("ITEM", (Credential(Kind.REGISTRATION, "京械备1"),),
                          frozenset({"LABEL"}), device_class="I")
    assert missing_for_approval(class_one, TODAY) == []


def test_a_lapsed_credential_is_named_with_its_date_among_what_is_missing():
    held = (Credential(Kind.REGISTRATION, "R1", valid_until=date(2026, 12, 1)),)
    missing = missing_for_approval(FileFacts("ITEM", held, frozenset({"LABEL"})), TODAY)
    assert [(m.what, m.number, m.day) for m in missing] == [("LAPSED", "R1", date(2026, 12, 1))]


def test_an_other_unit_customer_needs_a_use_statement_and_a_hospital_its_licence():
    other = FileFacts("CUSTOMER", papers=frozenset({"OTHER"}), customer_type="OTHER")
    assert [m.what for m in missing_for_approval(other, TODAY)] == ["USE_STATEMENT"]
    stated = FileFacts("CUSTOMER", papers=frozenset({"USE_STATEMENT"}), customer_type="OTHER")
    assert missing_for_approval(stated, TODAY) == []
    hospital = FileFacts("CUSTOMER", papers=frozenset({"OTHER"}), customer_type="MEDICAL")
    assert [m.what for m in missing_for_approval(hospital, TODAY)] == ["MEDICAL_LICENCE"]
    untyped = FileFacts("CUSTOMER", papers=frozenset({"OTHER"}))
    assert [m.what for m in missing_for_approval(untyped, TODAY)] == ["CUSTOMER_TYPE"]


def test_a_salesperson_letter_must_name_the_person_and_their_id_number():
    letter = Credential(Kind.SALESPERSON_LETTER, "SQ-1", valid_until=date(2027, 6, 30),
                        person_name="张三")
    missing = missing_for_approval(FileFacts("SALESPERSON", (letter,), frozenset({"OTHER"})),
                                   TODAY)
    assert [m.what for m in missing] == ["LETTER_PERSON"]


def test_a_party_without_an_approved_file_is_refused_under_its_duty():
    refusal = standing_refusal(Standing("SUPPLIER", "SUP1", None), TODAY)
    assert (refusal.rule, refusal.reason, refusal.code, refusal.other) == (
        "G01", "NOT_APPROVED", "SUP1", "NONE")
    assert standing_refusal(Standing("ITEM", "STENT", "SUBMITTED"), TODAY).rule == "G02"
    assert standing_refusal(Standing("CUSTOMER", "HOSP", "REJECTED"), TODAY).rule == "G24"


def test_a_lapsed_registration_is_g06_and_another_lapsed_credential_g03():
    reg = Credential(Kind.REGISTRATION, "R1", valid_until=date(2026, 12, 7))
    item = standing_refusal(Standing("ITEM", "STENT", "APPROVED", (reg,)), TODAY)
    assert (item.rule, item.reason, item.number, item.day) == ("G06", "LAPSED", "R1",
                                                               date(2026, 12, 7))
    lic = Credential(Kind.TRADING_LICENCE, "L1", valid_until=date(2026, 12, 7))
    party = standing_refusal(Standing("CUSTOMER", "HOSP", "APPROVED", (lic,)), TODAY)
    assert party.rule == "G03"
    assert standing_refusal(Standing("CUSTOMER", "HOSP", "APPROVED", (lic,)),
                            date(2026, 12, 7)) is None


def test_an_item_outside_the_customers_scope_is_refused_and_no_scope_is_not_checked():
    lic = Credential(Kind.TRADING_LICENCE, "L1", valid_until=date(2030, 1, 1),
                     scope=scope("III 6846"))
    customer = Standing("CUSTOMER", "HOSP", "APPROVED", (lic,))
    stent = Standing("ITEM", "STENT", "APPROVED", device_class="III", catalogue_code="6877")
    refusal = scope_refusal(customer, trading_scope(customer, TODAY), stent, "G24")
    assert (refusal.reason, refusal.other, refusal.number) == ("OUT_OF_SCOPE", "STENT",
                                                               "III 6846")
    unscoped = Standing("CUSTOMER", "HOSP", "APPROVED")
    assert trading_scope(unscoped, TODAY) is None
    assert scope_refusal(unscoped, None, stent, "G24") is None


def test_a_lapsed_licence_adds_nothing_to_the_scope():
    old = Credential(Kind.TRADING_LICENCE, "OLD", valid_until=date(2026, 1, 1),
                     scope=scope("III 6877"))
    new = Credential(Kind.TRADING_FILING, "NEW", valid_until=date(2030, 1, 1),
                     scope=scope("II"))
    scopes = trading_scope(Standing("CUSTOMER", "HOSP", "APPROVED", (old, new)), TODAY)
    assert scopes is not None and scopes.covers("II", "6866")
    assert not scopes.covers("III", "6877")


def test_an_item_restricted_to_hospitals_is_refused_to_a_distributor():
    item = Standing("ITEM", "HIP", "APPROVED", customers=frozenset({"MEDICAL"}))
    trader = Standing("CUSTOMER", "DIST", "APPROVED", customer_type="DISTRIBUTOR")
    refusal = customer_refusal(trader, item)
    assert (refusal.rule, refusal.reason, refusal.kind) == ("G24", "CUSTOMER_NOT_ALLOWED",
                                                            "DISTRIBUTOR")
    hospital = Standing("CUSTOMER", "HOSP", "APPROVED", customer_type="MEDICAL")
    assert customer_refusal(hospital, item) is None


def test_a_salesperson_needs_a_valid_letter_covering_the_item():
    stent = Standing("ITEM", "STENT", "APPROVED", device_class="III", catalogue_code="6877")
    letter = Credential(Kind.SALESPERSON_LETTER, "SQ-1", valid_until=date(2026, 12, 7),
                        scope=scope("III"), person_name="张三", person_id_no="110")
    person = Standing("SALESPERSON", "110", "APPROVED", (letter,))
    lapsed_one = salesperson_refusal(person, stent, TODAY)
    assert (lapsed_one.rule, lapsed_one.reason, lapsed_one.day) == ("G30", "LAPSED",
                                                                    date(2026, 12, 7))
    assert salesperson_refusal(person, stent, date(2026, 12, 7)) is None
    narrow = Standing("SALESPERSON", "110", "APPROVED", (Credential(
        Kind.SALESPERSON_LETTER, "SQ-2", valid_until=date(2030, 1, 1), scope=scope("6846")),))
    assert salesperson_refusal(narrow, stent, TODAY).reason == "OUT_OF_SCOPE"
    assert salesperson_refusal(Standing("SALESPERSON", "999", None), stent,
                               TODAY).reason == "NOT_APPROVED"


def test_a_product_without_a_catalogue_code_is_checked_by_its_class_only():
    assert scope("III 6846").covers("III", "")
    assert not scope("III 6846").covers("II", "")


def test_the_warning_window_is_the_setting_unless_days_are_asked_within_ten_years():
    from medwms.qualification.rules import warning_window
    assert warning_window(None, 30) == 30
    assert warning_window(90, 30) == 90
    assert (warning_window(-5, 30), warning_window(99999, 30)) == (0, 3660)
