"""A server-side SVG chart of a sensor's readings: the curve, the range band, the breaches.

No JavaScript and no charting library: the page embeds the SVG, the API serves it as
image/svg+xml. Breaches are shaded red (HIGH/LOW) or grey (NO_DATA) bands with a title.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from medwms.coldchain import calibration, queries
from medwms.coldchain.rules import Point
from medwms.core.clock import local_text, utc_now

WIDTH, HEIGHT = 900, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 40
MAX_POINTS = 2000
COLOURS = {"NO_DATA": "#999", "UNCALIBRATED": "#f90"}
XFn = Callable[[datetime], float]
YFn = Callable[[float], float]


@dataclass(frozen=True)
class Mark:
    """A breach to mark on the chart."""

    label: str
    kind: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class Chart:
    title: str
    start: datetime
    end: datetime
    points: Sequence[Point]
    low: int | None
    high: int | None
    marks: Sequence[Mark] = ()
    timezone: str = "Asia/Shanghai"


def thin(points: Sequence[Point], limit: int = MAX_POINTS) -> list[Point]:
    """At most `limit` points, keeping each bucket's minimum and maximum (peaks stay)."""
    if len(points) <= limit:
        return list(points)
    size = -(-len(points) // (limit // 2))
    kept: list[Point] = []
    for start in range(0, len(points), size):
        bucket = points[start:start + size]
        pair = sorted({min(bucket, key=lambda p: p.centi), max(bucket, key=lambda p: p.centi)})
        kept.extend(pair)
    return kept


def render_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document."""
    lo, hi = _y_range(chart)
    span = (chart.end - chart.start).total_seconds() or 1.0

    def x(at: datetime) -> float:
        return LEFT + (at - chart.start).total_seconds() / span * (WIDTH - LEFT - RIGHT)

    def y(centi: float) -> float:
        return TOP + (hi - centi) / (hi - lo) * (HEIGHT - TOP - BOTTOM)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="100%" role="img" aria-label="{escape(chart.title)}" class="cc-chart">',
             f"<title>{escape(chart.title)}</title>",
             f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>']
    parts += _band(chart, y)
    parts += _marks(chart, x)
    parts += _axes(chart, lo, hi, x, y)
    parts += _curve(chart, x, y)
    parts.append("</svg>")
    return "\n".join(parts)


def _y_range(chart: Chart) -> tuple[float, float]:
    values = [p.centi for p in chart.points] + [v for v in (chart.low, chart.high)
                                                if v is not None]
    lo, hi = (min(values), max(values)) if values else (0, 1000)
    pad = max((hi - lo) * 0.1, 100)
    return lo - pad, hi + pad


def _band(chart: Chart, y: YFn) -> list[str]:
    if chart.low is None and chart.high is None:
        return []
    top = y(chart.high) if chart.high is not None else TOP
    bottom = y(chart.low) if chart.low is not None else HEIGHT - BOTTOM
    return [f'<rect class="band" x="{LEFT}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT}" '
            f'height="{max(bottom - top, 0):.1f}" fill="#d9f2d9" stroke="#3a3" '
            f'stroke-dasharray="4 3"><title>range</title></rect>']


def _marks(chart: Chart, x: XFn) -> list[str]:
    out = []
    for mark in chart.marks:
        start = max(mark.started_at, chart.start)
        end = min(mark.ended_at or chart.end, chart.end)
        if end < start:
            continue
        colour = COLOURS.get(mark.kind, "#e33")
        left, width = x(start), max(x(end) - x(start), 2.0)
        out.append(f'<rect class="breach" data-kind="{escape(mark.kind)}" x="{left:.1f}" '
                   f'y="{TOP}" width="{width:.1f}" height="{HEIGHT - TOP - BOTTOM}" '
                   f'fill="{colour}" fill-opacity="0.25"><title>{escape(mark.label)}</title>'
                   f"</rect>")
    return out


def _axes(chart: Chart, lo: float, hi: float, x: XFn, y: YFn) -> list[str]:
    zone = ZoneInfo(chart.timezone)
    out = [f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
           f'y2="{HEIGHT - BOTTOM}" stroke="#333"/>',
           f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#333"/>',
           f'<text x="{LEFT}" y="16" font-size="13">{escape(chart.title)}</text>']
    step = max(round((hi - lo) / 6 / 100) * 100, 100)
    tick = (int(lo) // 100 + 1) * 100
    while tick < hi:
        out.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" font-size="11" '
                   f'text-anchor="end">{tick / 100:g}</text>')
        tick += step
    for i in range(5):
        at = chart.start + (chart.end - chart.start) * i / 4
        out.append(f'<text x="{x(at):.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
                   f'text-anchor="middle">{at.astimezone(zone):%m-%d %H:%M}</text>')
    out.append(f'<text x="12" y="{TOP + 6}" font-size="11">°C</text>')
    offset = local_text(chart.start, chart.timezone).rsplit(" ", 1)[1]
    out.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 4}" font-size="11" '
               f'text-anchor="end">{offset}</text>')  # the zone the axis times are in
    return out


def _curve(chart: Chart, x: XFn, y: YFn) -> list[str]:
    points = thin([p for p in chart.points if chart.start <= p.at <= chart.end])
    if not points:
        return [f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" '
                f'class="empty">no readings</text>']
    # Break the line where readings are missing for more than a tenth of the period.
    gap = max((chart.end - chart.start) / 10, timedelta(minutes=30))
    segments: list[list[Point]] = [[points[0]]]
    for before, after in itertools.pairwise(points):
        if after.at - before.at > gap:
            segments.append([])
        segments[-1].append(after)
    return [f'<polyline class="curve" fill="none" stroke="#1565c0" stroke-width="1.5" '
            f'points="{" ".join(f"{x(p.at):.1f},{y(p.centi):.1f}" for p in segment)}"/>'
            for segment in segments]


def sensor_chart(s: Session, code: str, *, start: datetime | None, end: datetime | None,
                 hours: int, timezone: str) -> str:
    """The SVG text of a sensor's chart over [start, end] (default: the last `hours`)."""
    end = end or utc_now()
    start = start or end - timedelta(hours=hours)
    sensor = queries.sensor_by_code(s, code)
    limits = queries.limits_of(s, {sensor.id})[sensor.id]
    marks = [Mark(f"{b.breach_no} {b.kind} {b.mode}", b.kind, b.started_at, b.ended_at)
             for b in queries.breaches_of_sensor(s, sensor.id, start, end)]
    points = queries.points(s, sensor.id, start, end)
    flags = calibration.flagger(s, [sensor.code], timezone)
    marks += uncalibrated_marks(points, lambda at: flags.uncalibrated(sensor.code, at))
    title = f"{sensor.code} {sensor.name}"
    if flags.uncalibrated(sensor.code, end):
        title += " — UNCALIBRATED 未校准"
    return render_svg(Chart(title=title, start=start, end=end, points=points, low=limits.low,
                            high=limits.high, marks=marks, timezone=timezone))


def uncalibrated_marks(points: Sequence[Point], flagged: Callable[[datetime], bool]) -> list[Mark]:
    """Orange bands over the stretches of readings taken out of calibration."""
    marks: list[Mark] = []
    for bad, run in itertools.groupby(points, key=lambda p: flagged(p.at)):
        if bad:
            stretch = list(run)
            marks.append(Mark("uncalibrated / 未校准", "UNCALIBRATED", stretch[0].at,
                              stretch[-1].at))
    return marks
