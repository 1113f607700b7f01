"""The expiry job in the background of `medwms serve`: at start-up and then every N minutes,
so a server that runs past midnight locks the next day's expiries without anyone acting.

Every server process may run one: the job is idempotent and locks stock in the ledger's key
order, so two runs at once lock each unit once (the second finds it EXPIRED already).
"""

from __future__ import annotations

import logging
import threading

from medwms.auth.rules import SYSTEM
from medwms.core.db import Database
from medwms.quality.expiry import lock_expired

log = logging.getLogger("medwms.quality.expiry")


class ExpiryLocker:
    """Runs `lock_expired` as the system actor at start and every `interval` seconds."""

    def __init__(self, db: Database, *, interval: float = 3600.0) -> None:
        self.db, self.interval = db, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="medwms-expiry", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def run_once(self) -> int:
        """One pass: the number of units it locked."""
        run = lock_expired(self.db, actor=SYSTEM)
        if run.locked:
            log.info("expiry job %s locked %d unit(s) in %d balance(s)", run.doc_no,
                     run.quantity, len(run.locked))
        return run.quantity

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # a failed pass rolled back whole: try again next time
                log.exception("expiry job failed; retrying")
            self._stop.wait(self.interval)
