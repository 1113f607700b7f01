"""Pure equipment decisions: which check a kind needs, whether it is in date, what is wrong.

A piece of equipment is *in date* on a day when a PASS check of the kind it needs was done on
or before that day, its next due date is that day or later, and no FAIL check came after it
(a failed calibration or validation takes it out of use at once). A sensor needs a yearly
CALIBRATION; cold rooms, fridges, cold boxes and vehicles need a VALIDATION.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

MAX_CALIBRATION_DAYS = 366  # calibrated at least once a year (a leap year's day included)
MIN_SENSORS_PER_ROOM = 2
ENTITY = "equipment_check"  # what a certificate scan is attached to


class Kind(StrEnum):
    SENSOR = "SENSOR"
    COLD_ROOM = "COLD_ROOM"
    FRIDGE = "FRIDGE"
    COLD_BOX = "COLD_BOX"
    VEHICLE = "VEHICLE"


class CheckKind(StrEnum):
    CALIBRATION = "CALIBRATION"
    VALIDATION = "VALIDATION"


class Result(StrEnum):
    PASS = "PASS"  # noqa: S105 — a check result, not a secret
    FAIL = "FAIL"


ZONE_KINDS = (Kind.COLD_ROOM, Kind.FRIDGE)


@dataclass(frozen=True)
class Check:
    """One recorded check, as the rules need it."""

    check_kind: str
    performed_on: date
    result: str
    next_due: date | None


@dataclass(frozen=True)
class Validity:
    """Whether equipment may be used on a day, until when, and why not."""

    in_date: bool
    due: date | None
    reason: str  # OK, NEVER_CHECKED, LAPSED, FAILED


@dataclass(frozen=True)
class CheckSpec:
    """A check as a person records it."""

    check_kind: str
    performed_on: date
    certificate_no: str
    body: str
    result: str
    next_due: date | None
    note: str = ""


def needed_check(kind: str) -> CheckKind:
    """The check a kind of equipment needs: sensors are calibrated, the rest validated."""
    return CheckKind.CALIBRATION if kind == Kind.SENSOR else CheckKind.VALIDATION


def validity(checks: Sequence[Check], *, kind: str, on: date) -> Validity:
    """Whether equipment of `kind` with these checks is in date on `on`."""
    wanted = needed_check(kind)
    done = sorted((c for c in checks if c.check_kind == wanted and c.performed_on <= on),
                  key=lambda c: c.performed_on)
    if not done:
        return Validity(False, None, "NEVER_CHECKED")
    last = done[-1]
    if last.result != Result.PASS:
        return Validity(False, None, "FAILED")
    if last.next_due is None or last.next_due < on:
        return Validity(False, last.next_due, "LAPSED")
    return Validity(True, last.next_due, "OK")


def due_soon(valid: Validity, *, on: date, warn_days: int) -> bool:
    """In date, but due within `warn_days` days of `on`."""
    return valid.in_date and valid.due is not None and valid.due <= on + timedelta(days=warn_days)


def check_problems(spec: CheckSpec, *, kind: str, today: date) -> list[tuple[str, str, str]]:
    """What is wrong with a check record: (field, English, Chinese) for each problem."""
    found = []
    if spec.check_kind != needed_check(kind):
        found.append(("check_kind", f"{kind} needs a {needed_check(kind)} record",
                      f"{kind} 需要{'校准' if kind == Kind.SENSOR else '验证'}记录"))
    if spec.performed_on > today:
        found.append(("performed_on", f"{spec.performed_on} is in the future",
                      f"{spec.performed_on} 是将来的日期"))
    for name in ("certificate_no", "body"):
        if not getattr(spec, name).strip():
            found.append((name, "is required", "必填"))
    if spec.result not in (Result.PASS, Result.FAIL):
        found.append(("result", f"{spec.result!r} is not PASS or FAIL", "结论须为合格或不合格"))
    found.extend(_due_problems(spec))
    return found


def _due_problems(spec: CheckSpec) -> list[tuple[str, str, str]]:
    if spec.result != Result.PASS:
        return []
    if spec.next_due is None or spec.next_due <= spec.performed_on:
        return [("next_due", "a passed check needs a next due date after the check",
                 "合格的记录须有晚于检查日期的下次到期日")]
    limit = spec.performed_on + timedelta(days=MAX_CALIBRATION_DAYS)
    if spec.check_kind == CheckKind.CALIBRATION and spec.next_due > limit:
        return [("next_due", f"a sensor is calibrated at least once a year: due by {limit}",
                 f"探头至少每年校准一次：最迟 {limit} 到期")]
    return []


def too_few_sensors(active_sensors: int) -> bool:
    """A cold room or vehicle needs at least two active sensors."""
    return active_sensors < MIN_SENSORS_PER_ROOM
