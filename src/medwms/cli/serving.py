"""The app factory `medwms serve` gives uvicorn: one per server process, each with a sealer,
a purger of expired Idempotency-Keys, the expiry job (stock past its expiry day locked) and the
cold-chain alarm escalation job.

Every process runs a sealer loop; the sealing pass's advisory lock lets exactly one of them
seal at a time (PostgreSQL), and another takes over when that process stops.
"""

from __future__ import annotations

from fastapi import FastAPI

from medwms.api.app import create_app, settle_heap
from medwms.api.idempotency import KeyPurger
from medwms.cli.common import sealing_anchor
from medwms.coldchain.escalator import AlarmEscalator
from medwms.config import load_settings
from medwms.ledger.sealer import BackgroundSealer
from medwms.quality.expiry_job import ExpiryLocker


def app() -> FastAPI:
    """The configured app, with this process's sealer, key purger, expiry job and alarm
    escalator started."""
    config = load_settings()
    application = create_app(config)
    sealer = BackgroundSealer(application.state.db, sealing_anchor(config),
                              interval=config.seal_interval_ms / 1000, batch=config.seal_batch)
    sealer.start()
    application.state.sealer = sealer
    runtime = application.state.runtime
    purger = KeyPurger(application.state.db, hours=lambda: runtime.current().idempotency_hours,
                       interval=config.idempotency_purge_minutes * 60)
    purger.start()
    application.state.key_purger = purger
    locker = ExpiryLocker(application.state.db, interval=config.expiry_job_minutes * 60)
    locker.start()
    application.state.expiry_locker = locker
    escalator = AlarmEscalator(application.state.db,
                               after_minutes=lambda: runtime.current().alarm_escalation_minutes,
                               interval=config.alarm_escalation_check_seconds)
    escalator.start()
    application.state.alarm_escalator = escalator
    settle_heap()
    return application
