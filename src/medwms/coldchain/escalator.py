"""The escalation job of `medwms serve`: every `interval` seconds, escalate the alarms nobody
acknowledged in time (a daemon thread; a failed pass changed nothing and is retried)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from medwms.coldchain.alarms import escalate
from medwms.core.db import Database

log = logging.getLogger(__name__)


class AlarmEscalator:
    """Runs `alarms.escalate` at start and then every `interval` seconds until stopped.

    `after_minutes` is a number, or a function asked at each pass (the server hands it the
    runtime setting, so a change on the settings page takes effect at the next pass)."""

    def __init__(self, db: Database, *, after_minutes: int | Callable[[], int],
                 interval: float = 60.0) -> None:
        self.db, self.interval = db, interval
        self._after = after_minutes if callable(after_minutes) else (lambda: after_minutes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="medwms-alarm-escalation",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def run_once(self) -> list[str]:
        """One pass; the escalated breach numbers."""
        done = escalate(self.db, after_minutes=self._after())
        if done:
            log.warning("cold-chain alarms escalated: %s", ", ".join(done))
        return done

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the pass rolled back whole; try again next time
                log.exception("alarm escalation failed; retrying")
            self._stop.wait(self.interval)
