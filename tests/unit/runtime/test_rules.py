"""The runtime-settings whitelist and the retention calculator, with plain values."""

from __future__ import annotations

from datetime import date

from medwms.config import Settings
from medwms.runtime import rules
from medwms.runtime.rules import RecordKind, RetainedRecord, retention_of

NEVER_AT_RUNTIME = {"database_url", "secret_key", "seal_key", "seal_key_file",
                    "checkpoint_file", "seal_witness_url", "host", "port", "trusted_proxies",
                    "timezone", "attachments_dir", "backup_dir"}


def test_every_whitelisted_setting_is_a_field_of_the_settings():
    assert set(rules.RUNTIME_FIELDS) <= set(Settings.model_fields)
    assert len(set(rules.RUNTIME_FIELDS)) == len(rules.RUNTIME_FIELDS)


def test_no_address_key_or_folder_can_change_at_runtime():
    assert not NEVER_AT_RUNTIME & set(rules.RUNTIME_FIELDS)


def test_a_reason_of_blanks_says_nothing():
    assert not rules.reason_given("   ")
    assert not rules.reason_given("ok")
    assert rules.reason_given("审计要求")


def test_a_yes_no_value_is_kept_as_true_or_false():
    assert rules.stored_text(True) == "true"
    assert rules.stored_text(False) == "false"
    assert rules.stored_text(30) == "30"


def test_an_acceptance_record_with_an_expiry_is_kept_two_years_past_it():
    kept = retention_of(RetainedRecord(kind=RecordKind.ACCEPTANCE, record_date=date(2026, 3, 1),
                                       expiry=date(2029, 6, 30), implant=False))
    assert kept.keep_until == date(2031, 6, 30)
    assert not kept.permanent
    assert kept.rule == "EXPIRY_PLUS_2_YEARS"


def test_a_sales_record_without_an_expiry_is_kept_five_years_from_its_date():
    kept = retention_of(RetainedRecord(kind=RecordKind.SALES, record_date=date(2026, 3, 1),
                                       expiry=None, implant=False))
    assert kept.keep_until == date(2031, 3, 1)
    assert kept.rule == "NO_EXPIRY_5_YEARS"


def test_an_implants_record_is_kept_for_ever_whatever_its_expiry():
    kept = retention_of(RetainedRecord(kind=RecordKind.ACCEPTANCE, record_date=date(2026, 3, 1),
                                       expiry=date(2027, 1, 1), implant=True))
    assert kept.permanent
    assert kept.keep_until is None


def test_another_quality_record_is_never_kept_less_than_five_years():
    soon = retention_of(RetainedRecord(kind=RecordKind.QUALITY, record_date=date(2026, 3, 1),
                                       expiry=date(2026, 9, 1), implant=False))
    assert soon.keep_until == date(2031, 3, 1)
    late = retention_of(RetainedRecord(kind=RecordKind.QUALITY, record_date=date(2026, 3, 1),
                                       expiry=date(2034, 9, 1), implant=False))
    assert late.keep_until == date(2036, 9, 1)


def test_a_leap_day_moves_to_the_28th_in_a_common_year():
    assert rules.add_years(date(2028, 2, 29), 5) == date(2033, 2, 28)
