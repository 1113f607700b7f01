"""Pure cold-chain decisions: is a reading valid, which excursions a series makes, MKT.

A *run* is a stretch of consecutive readings on one side of the range (HIGH above the
maximum, LOW below the minimum; the limits themselves are inside). A run starts at its first
outside reading and ends at the first reading back inside (or on the other side); until
then it is ongoing and lasts up to its last outside reading. Time between readings is
presumed outside while the run lasts — the conservative reading of a sparse series.

Breaches (excursions that matter):
- SINGLE: one run longer than `single_minutes` (exactly that long is not a breach);
- CUMULATIVE: more than `cumulative_minutes` outside, on one side, within any rolling
  window of `window_minutes` (runs already counted as SINGLE are left out);
- NO_DATA: two consecutive readings further apart than `interval_minutes`, or a sensor
  silent for longer than that (`is_silent`): no data is not "ok". The interval is the
  sensor's own, capped at the regulated one (30 min in storage, 5 min in transport:
  `allowed_interval`); after a reading out of range the next must follow within
  `excursion_interval_minutes` (2 min), else the gap is SPARSE ("sampling too sparse during
  an excursion").
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

CELSIUS_MIN = -100.0
CELSIUS_MAX = 100.0
FUTURE_TOLERANCE = timedelta(minutes=5)
OLDEST = timedelta(days=366)
STORAGE_INTERVAL = 30  # minutes: the longest regulated gap between readings in storage
TRANSPORT_INTERVAL = 5  # … in transport
EXCURSION_INTERVAL = 2  # … while out of range
ACTIVATION_K = 83144.0 / 8.3144  # ΔH/R for MKT: 83.144 kJ/mol over 8.3144 J/(mol·K)
KELVIN = 273.15


class Kind(StrEnum):
    HIGH = "HIGH"
    LOW = "LOW"
    NO_DATA = "NO_DATA"


class Mode(StrEnum):
    SINGLE = "SINGLE"
    CUMULATIVE = "CUMULATIVE"
    GAP = "GAP"
    SPARSE = "SPARSE"


@dataclass(frozen=True, order=True)
class Point:
    """One reading: when (aware UTC) and hundredths of a degree Celsius."""

    at: datetime
    centi: int


@dataclass(frozen=True)
class Limits:
    """A sensor's range (centi-°C, None = no limit on that side) and its thresholds."""

    low: int | None
    high: int | None
    single_minutes: int = 10
    cumulative_minutes: int = 60
    window_minutes: int = 24 * 60
    interval_minutes: int = 5
    excursion_interval_minutes: int | None = None  # None: no tighter interval out of range


@dataclass(frozen=True)
class Run:
    """Consecutive readings on one side of the range."""

    kind: Kind
    started_at: datetime
    last_at: datetime
    ended_at: datetime | None
    min_centi: int
    max_centi: int

    @property
    def end(self) -> datetime:
        """Where the run stops counting: back in range, else its last outside reading."""
        return self.ended_at or self.last_at

    @property
    def length(self) -> timedelta:
        return self.end - self.started_at


@dataclass(frozen=True)
class Excursion:
    """A breach found in a series; `ended_at` None while it is still going on."""

    kind: Kind
    mode: Mode
    started_at: datetime
    ended_at: datetime | None
    min_centi: int | None
    max_centi: int | None
    minutes_outside: int

    def overlaps(self, start: datetime, end: datetime | None) -> bool:
        """True when this excursion and [start, end] (end None = open) share a moment."""
        mine = self.ended_at or datetime.max.replace(tzinfo=UTC)
        theirs = end or datetime.max.replace(tzinfo=UTC)
        return self.started_at <= theirs and start <= mine


class RejectedInput(ValueError):
    """A reading refused at the door; the message is the reason stored and counted."""


@dataclass(frozen=True)
class CheckedReading:
    at: datetime
    centi: int
    humidity_permille: int | None


def check_reading(time: object, celsius: object, humidity: object, *, now: datetime,
                  local: tzinfo = UTC) -> CheckedReading:
    """A valid reading from raw values, or RejectedInput naming what is wrong."""
    at = parse_time(time, local)
    if at > now + FUTURE_TOLERANCE:
        raise RejectedInput(f"timestamp {at.isoformat()} is more than 5 minutes in the future")
    if at < now - OLDEST:
        raise RejectedInput(f"timestamp {at.isoformat()} is more than a year old")
    value = _number(celsius, "celsius")
    if not CELSIUS_MIN <= value <= CELSIUS_MAX:
        raise RejectedInput(f"temperature {value:g} °C is outside −100…+100 °C")
    permille = None
    if humidity is not None and humidity != "":
        rh = _number(humidity, "humidity")
        if not 0 <= rh <= 100:
            raise RejectedInput(f"humidity {rh:g} % is outside 0…100 %")
        permille = round(rh * 10)
    return CheckedReading(at, round(value * 100), permille)


def parse_time(value: object, local: tzinfo = UTC) -> datetime:
    """ISO-8601 text (naive = `local` time) or epoch seconds, as aware UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise RejectedInput(f"time {value!r} is not a timestamp")
        moment = datetime.fromtimestamp(value, UTC)
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
        except ValueError as error:
            raise RejectedInput(f"time {value!r} is not an ISO-8601 timestamp") from error
    else:
        raise RejectedInput(f"time {value!r} is missing or not a timestamp")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local)
    return moment.astimezone(UTC)


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or value is None:
        raise RejectedInput(f"{name} {value!r} is not a number")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise RejectedInput(f"{name} {value!r} is not a number") from error
    if not math.isfinite(number):
        raise RejectedInput(f"{name} {value!r} is not a number")
    return number


def side(centi: int, limits: Limits) -> Kind | None:
    """HIGH above the maximum, LOW below the minimum, None inside (limits included)."""
    if limits.high is not None and centi > limits.high:
        return Kind.HIGH
    if limits.low is not None and centi < limits.low:
        return Kind.LOW
    return None


def in_order(points: Iterable[Point]) -> list[Point]:
    """The points sorted by time, one per moment (the first given wins)."""
    seen: dict[datetime, Point] = {}
    for point in points:
        seen.setdefault(point.at, point)
    return sorted(seen.values())


def runs(points: Iterable[Point], limits: Limits) -> list[Run]:
    """The runs of a series, in time order (the series may come in any order)."""
    found: list[Run] = []
    current: Run | None = None
    for point in in_order(points):
        kind = side(point.centi, limits)
        if current is not None and kind != current.kind:
            found.append(replace(current, ended_at=point.at))
            current = None
        if kind is None:
            continue
        if current is None:
            current = Run(kind, point.at, point.at, None, point.centi, point.centi)
        else:
            current = replace(current, last_at=point.at,
                              min_centi=min(current.min_centi, point.centi),
                              max_centi=max(current.max_centi, point.centi))
    if current is not None:
        found.append(current)
    return found


def excursions(points: Sequence[Point], limits: Limits) -> list[Excursion]:
    """Every breach in the series: single, cumulative and data gaps, by start time."""
    all_runs = runs(points, limits)
    single = timedelta(minutes=limits.single_minutes)
    singles = [run for run in all_runs if run.length > single]
    found = [_from_runs([run], Mode.SINGLE) for run in singles]
    for kind in (Kind.HIGH, Kind.LOW):
        short = [run for run in all_runs if run.kind == kind and run not in singles]
        found.extend(cumulative(short, limits))
    found.extend(gaps(points, limits.interval_minutes, limits=limits))
    return sorted(found, key=lambda e: (e.started_at, e.kind, e.mode))


def cumulative(short_runs: Sequence[Run], limits: Limits) -> list[Excursion]:
    """Groups of runs whose total in a rolling window exceeds `cumulative_minutes`.

    The rolling total only grows while a run lasts, so its peaks are at run ends: each
    run end is checked with the window ending there. Consecutive exceeding ends form one
    breach, from the first run counted in its window to the last run of the group.
    """
    window = timedelta(minutes=limits.window_minutes)
    allowed = timedelta(minutes=limits.cumulative_minutes)
    found: list[Excursion] = []
    group: list[Run] = []
    for index, run in enumerate(short_runs):
        start = run.end - window
        inside = [r for r in short_runs[:index + 1] if r.end > start]
        total = sum((min(r.end, run.end) - max(r.started_at, start) for r in inside),
                    timedelta())
        if total > allowed:
            group = group + [r for r in inside if r not in group]
        elif group:
            found.append(_from_runs(group, Mode.CUMULATIVE))
            group = []
    if group:
        found.append(_from_runs(group, Mode.CUMULATIVE))
    return found


def _from_runs(group: Sequence[Run], mode: Mode) -> Excursion:
    total = sum((run.length for run in group), timedelta())
    last = group[-1]
    return Excursion(kind=group[0].kind, mode=mode, started_at=group[0].started_at,
                     ended_at=last.ended_at, min_centi=min(r.min_centi for r in group),
                     max_centi=max(r.max_centi for r in group),
                     minutes_outside=math.ceil(total.total_seconds() / 60))


def gaps(points: Sequence[Point], interval_minutes: int, *,
         limits: Limits | None = None) -> list[Excursion]:
    """NO_DATA excursions: readings further apart than the interval (GAP), or than the
    excursion interval after a reading out of range (SPARSE)."""
    found = []
    for before, after in itertools.pairwise(in_order(points)):
        mode, allowed = Mode.GAP, interval_minutes
        tight = limits.excursion_interval_minutes if limits is not None else None
        if tight is not None and limits is not None and side(before.centi, limits) is not None:
            mode, allowed = Mode.SPARSE, min(allowed, tight)
        if after.at - before.at > timedelta(minutes=allowed):
            found.append(Excursion(Kind.NO_DATA, mode, before.at, after.at, None, None,
                                   math.ceil((after.at - before.at).total_seconds() / 60)))
    return found


def allowed_interval(configured_minutes: int, *, transport: bool) -> int:
    """The sensor's interval, capped at the regulated one (30 storage, 5 transport)."""
    return min(configured_minutes, TRANSPORT_INTERVAL if transport else STORAGE_INTERVAL)


def is_silent(last_reading_at: datetime | None, now: datetime, interval_minutes: int) -> bool:
    """A sensor that has reported, but not for longer than its interval."""
    return last_reading_at is not None and now - last_reading_at > timedelta(
        minutes=interval_minutes)


def mkt(celsius: Iterable[float]) -> float | None:
    """Mean kinetic temperature (°C) of equally spaced readings; None without readings.

    MKT = (ΔH/R) / −ln( Σ exp(−ΔH / (R·Tᵢ)) / n ), with ΔH = 83.144 kJ/mol, R = 8.3144.
    """
    values = [c + KELVIN for c in celsius]
    if not values:
        return None
    mean = sum(math.exp(-ACTIVATION_K / t) for t in values) / len(values)
    return ACTIVATION_K / -math.log(mean) - KELVIN


@dataclass(frozen=True)
class Board:
    """What a zone's tile shows: green in range, yellow near a limit or silent, red out."""

    colour: str
    reason: str


def board_colour(centi: int | None, limits: Limits, *, silent: bool, open_breach: bool,
                 margin_centi: int = 50) -> Board:
    """The board colour of a sensor's latest reading (yellow within 0.5 °C of a limit)."""
    if open_breach or (centi is not None and side(centi, limits) is not None):
        return Board("red", "breach" if open_breach else "out of range")
    if silent or centi is None:
        return Board("yellow", "no data")
    near_high = limits.high is not None and centi > limits.high - margin_centi
    near_low = limits.low is not None and centi < limits.low + margin_centi
    if near_high or near_low:
        return Board("yellow", "near a limit")
    return Board("green", "in range")


def every(start: datetime, end: datetime, minutes: int) -> list[datetime]:
    """The regulated recording moments in [start, end): every `minutes` from `start`."""
    step = timedelta(minutes=minutes)
    moments, moment = [], start
    while moment < end:
        moments.append(moment)
        moment += step
    return moments


def sample(points: Sequence[Point], moments: Sequence[datetime],
           within: timedelta) -> list[Point | None]:
    """For each moment, the latest reading at or before it, if not older than `within`."""
    ordered = in_order(points)
    chosen: list[Point | None] = []
    index = 0
    latest: Point | None = None
    for moment in moments:
        while index < len(ordered) and ordered[index].at <= moment:
            latest = ordered[index]
            index += 1
        fresh = latest is not None and moment - latest.at <= within
        chosen.append(latest if fresh else None)
    return chosen


def needs_evaluation(new: Sequence[Point], limits: Limits, *, previous: Point | None,
                     open_breach: bool) -> bool:
    """Whether new readings could change any breach (else the rules need not run).

    In-range readings that follow an in-range reading, in time order and without a gap,
    while no breach is open, cannot start, extend or end anything.
    """
    if open_breach or any(side(p.centi, limits) is not None for p in new):
        return True
    if previous is None:
        return bool(gaps(new, limits.interval_minutes, limits=limits))
    if side(previous.centi, limits) is not None or any(p.at <= previous.at for p in new):
        return True
    return bool(gaps([previous, *new], limits.interval_minutes, limits=limits))


MIN_RECIPIENTS = 2  # an alarm reaches at least two named people at once


def recipient_problems(first: Sequence[str],
                       escalation: Sequence[str]) -> list[tuple[str, str]]:
    """What is wrong with an area's recipient lists, in English and Chinese."""
    found = []
    count = len(set(first))
    if count < MIN_RECIPIENTS:
        found.append((f"{count} alarm recipient(s): at least {MIN_RECIPIENTS} named people "
                      "are needed", f"报警接收人 {count} 人：至少需要 {MIN_RECIPIENTS} 名指定人员"))
    if count != len(first) or len(set(escalation)) != len(escalation):
        found.append(("a person is named twice in one list", "同一名单中有人重复"))
    return found


def escalation_due(opened_at: datetime, now: datetime, *, minutes: int, acknowledged: bool,
                   escalated: bool) -> bool:
    """An alarm nobody acknowledged within `minutes` of opening, not yet escalated."""
    return (not acknowledged and not escalated
            and now - opened_at >= timedelta(minutes=minutes))
