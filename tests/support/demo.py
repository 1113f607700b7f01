"""The moment the demo tests load the demo at: now, so nothing in it may be dated later."""

from __future__ import annotations

from medwms.core.clock import local_date, utc_now

NOW = utc_now()
TODAY = local_date(NOW)
