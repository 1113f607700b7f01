"""Every time a page shows is in the warehouse's time zone with the zone marked."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import resources

from medwms.web.render import environment

TEMPLATES = resources.files("medwms.web").joinpath("templates")
# An expression that prints a moment: a field named `…_at`, `at` or `date` (a shipment's or
# receipt's timestamp); calendar dates are named `…_date`, `expiry`, `deadline` and pass, and
# so do the page's words (`t.date` is the column heading "Date").
MOMENT_FIELD = re.compile(r"\{\{[^}]*?\b(?!t\.)\w+\.(\w+_at|at|date)\b[^}]*\}\}")


def template_files():
    stack = [TEMPLATES]
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith(".html"):
                yield entry


def test_every_template_prints_moments_through_the_local_filter():
    unzoned = [f"{path.name}: {match.group(0)}" for path in template_files()
               for match in MOMENT_FIELD.finditer(path.read_text(encoding="utf-8"))
               if "|local" not in match.group(0).replace(" ", "")]
    assert unzoned == []


def test_the_local_filter_marks_the_zone_of_a_time_and_of_its_iso_text():
    template = environment("en").from_string("{{ a|local }} / {{ b|local }} / {{ c|local }}")
    moment = datetime(2026, 12, 6, 6, 5, tzinfo=UTC)
    shown = template.render(timezone="Asia/Shanghai", a=moment, b=moment.isoformat(), c=None)
    assert shown == "2026-12-06 14:05 +08:00 / 2026-12-06 14:05 +08:00 / "
