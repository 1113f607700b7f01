"""The SVG chart and the MQTT message parser, without a database or broker."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from medwms.coldchain.chart import Chart, Mark, render_svg, thin
from medwms.coldchain.ingest import RawReading, Refused
from medwms.coldchain.listener import parse_message
from medwms.coldchain.rules import Point

T0 = datetime(2026, 11, 25, tzinfo=UTC)


def test_the_chart_is_valid_svg_with_band_curve_and_breach():
    points = [Point(T0 + timedelta(minutes=i), 500 + (400 if 30 < i < 50 else 0))
              for i in range(120)]
    svg = render_svg(Chart("CR1 <fridge>", T0, T0 + timedelta(hours=2), points, 200, 800,
                           [Mark("CCH-1 HIGH", "HIGH", T0 + timedelta(minutes=31),
                                 T0 + timedelta(minutes=50))]))
    root = ET.fromstring(svg)
    classes = [el.get("class") for el in root.iter()]
    assert classes.count("band") == 1 and classes.count("breach") == 1
    assert "curve" in classes and "CR1 &lt;fridge&gt;" in svg


def test_an_empty_chart_says_so():
    svg = render_svg(Chart("x", T0, T0 + timedelta(hours=1), [], None, None))
    assert "no readings" in svg and ET.fromstring(svg) is not None


def test_thinning_keeps_the_peaks():
    points = [Point(T0 + timedelta(seconds=i), 500) for i in range(10_000)]
    points[5000] = Point(points[5000].at, 2000)
    kept = thin(points, 200)
    assert len(kept) <= 200 and max(p.centi for p in kept) == 2000


def test_messages_become_readings_or_refusals():
    [good] = parse_message("medwms/sensors/CR1-T1", b'{"time": "2026-11-25T00:00:00Z", '
                                                    b'"celsius": 4.2, "humidity": 50}')
    assert isinstance(good, RawReading) and (good.sensor, good.celsius) == ("CR1-T1", 4.2)
    [bad] = parse_message("medwms/sensors/CR1-T1", b"{nope")
    assert isinstance(bad, Refused) and bad.reason == "malformed JSON"
    many = parse_message("medwms/sensors/X", b'[{"time": 1, "celsius": 1}, 5]')
    assert [type(m) for m in many] == [RawReading, Refused]
    [no_sensor] = parse_message("medwms/sensors", b"{}")
    assert isinstance(no_sensor, Refused)
