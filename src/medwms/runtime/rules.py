"""Pure decisions of runtime settings and record retention: which settings may change while
the server runs, what a change must carry, and how long a record must be kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# The Settings fields an administrator may change while the server runs. Each is read where
# it is used (a sign-in, a session refresh, an upload, a pick, a purge, a check), through the
# effective settings, so a change takes effect within the cache time. Left out on purpose:
# where the data is and who may reach it (database_url, host, port, trusted_proxies,
# hsts_seconds), the keys (secret_key, seal_key, seal_key_file, checkpoint_file,
# seal_witness_url), folders (backup_dir, attachments_dir, cjk_font_path), what changes the
# meaning of stored data (timezone, language, scanner_gs_substitutes), and what is built
# once at start-up (auth_cache_seconds, max_request_bytes, login_throttle_rows,
# seal_interval_ms, seal_batch, idempotency_purge_minutes).
#
# Merger: add a new tunable's name below (one line each); nothing else needs to change.
RUNTIME_FIELDS: tuple[str, ...] = (
    "login_max_failures",
    "login_lockout_minutes",
    "login_free_failures",
    "login_delay_seconds",
    "login_delay_max_seconds",
    "login_failure_window_minutes",
    "login_address_free_failures",
    "login_address_max_failures",
    "session_idle_minutes",
    "session_absolute_minutes",
    "token_minutes",
    "api_token_max_days",
    "idempotency_hours",
    "unsealed_max_age_seconds",
    "pick_serial_substitution",
    "max_upload_bytes",
    "max_attachment_bytes",
    "near_expiry_days",
    "stock_check_days",
    "credential_warning_days",
    "alarm_escalation_minutes",
    "equipment_due_warning_days",
    "manual_morning_end",
    "manual_afternoon_end",
    "manual_overdue_days",
)

MIN_REASON_LENGTH = 3


def is_runtime_field(name: str) -> bool:
    """Whether setting `name` may be changed while the server runs."""
    return name in RUNTIME_FIELDS


def reason_given(reason: str) -> bool:
    """Whether a change's reason says something (at least three characters, not blanks)."""
    return len(reason.strip()) >= MIN_REASON_LENGTH


def stored_text(value: object) -> str:
    """The text a validated value is kept as ("true"/"false" for a yes/no setting)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# The closed documents archiving takes out of the working lists (the audit log's record kinds).
ARCHIVED_RECEIPT = "receipt"
ARCHIVED_RECALL_CASE = "recall_case"


class RecordKind(StrEnum):
    """Record types, by the rule that says how long they are kept."""

    ACCEPTANCE = "acceptance"  # receipts and their inspection (进货查验记录)
    SALES = "sales"  # outbound orders, picks, review and shipping (销售记录)
    QUALITY = "quality"  # temperature, counts, recalls, complaints, audit: the other records


RETENTION_YEARS_AFTER_EXPIRY = 2
RETENTION_YEARS_MINIMUM = 5


@dataclass(frozen=True)
class RetainedRecord:
    """What the retention rule needs of a record: its kind, its date, the device's expiry
    (the latest of its lots; None when the device has none) and whether it is an implant."""

    kind: RecordKind
    record_date: date
    expiry: date | None
    implant: bool


@dataclass(frozen=True)
class Retention:
    """How long a record is kept: until `keep_until`, or for ever (`permanent`)."""

    keep_until: date | None
    permanent: bool
    rule: str


def add_years(day: date, years: int) -> date:
    """`day` moved `years` ahead; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_of(record: RetainedRecord) -> Retention:
    """The retention floor of a record: implants for ever; acceptance and sales records with an
    expiry until expiry + 2 years, without one record date + 5 years; the other quality
    records the same floor, never less than 5 years after the record date."""
    if record.implant:
        return Retention(keep_until=None, permanent=True, rule="IMPLANT_PERMANENT")
    floor = add_years(record.record_date, RETENTION_YEARS_MINIMUM)
    if record.expiry is None:
        return Retention(keep_until=floor, permanent=False, rule="NO_EXPIRY_5_YEARS")
    after_expiry = add_years(record.expiry, RETENTION_YEARS_AFTER_EXPIRY)
    if record.kind is RecordKind.QUALITY:
        return Retention(keep_until=max(after_expiry, floor), permanent=False,
                         rule="AT_LEAST_5_YEARS")
    return Retention(keep_until=after_expiry, permanent=False, rule="EXPIRY_PLUS_2_YEARS")
