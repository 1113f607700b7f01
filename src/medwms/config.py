"""Settings: one validated object, built at start-up by a door and passed inward.

No code below the doors reads the environment; it receives a `Settings`.
"""

from __future__ import annotations

import ipaddress
from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "change-me-in-production-medwms-secret"  # noqa: S105 - refused off loopback
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Every setting of medwms, read from `MEDWMS_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="MEDWMS_", extra="ignore")

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path.cwd() / 'medwms.db'}",
        description="SQLAlchemy URL; SQLite file medwms.db in the working directory by default",
    )
    secret_key: str = Field(
        default=DEVELOPMENT_SECRET,
        description="Signs bearer tokens; set a long random value in production",
    )
    language: Literal["zh-CN", "en"] = "zh-CN"
    host: str = "127.0.0.1"
    port: int = 8000
    timezone: str = "Asia/Shanghai"
    token_minutes: int = Field(
        default=12 * 60, ge=0,
        description="Lifetime of a bearer login token from POST /api/v1/auth/token (fixed, "
                    "never longer than session_absolute_minutes); the browser session has "
                    "its own idle and absolute limits")
    session_idle_minutes: int = Field(
        default=30, ge=1,
        description="A browser session unused this long ends: each page or API call made with "
                    "the session cookie moves its end this far ahead")
    session_absolute_minutes: int = Field(
        default=12 * 60, ge=1,
        description="A browser session (and any login token) ends this long after the password "
                    "was typed, however busy it is: then the user signs in again")
    login_max_failures: int = Field(
        default=5, ge=1,
        description="Failed sign-ins in a row for one username (known or not) before it is "
                    "locked for login_lockout_minutes")
    login_lockout_minutes: int = Field(
        default=15, ge=1,
        description="How long a locked username or client address stays locked, unless an "
                    "administrator unlocks it (medwms users unlock)")
    login_free_failures: int = Field(
        default=2, ge=0,
        description="Failed sign-ins for one username answered without a wait; after each "
                    "further one the next try must wait, the wait doubling each time")
    login_delay_seconds: float = Field(
        default=1.0, gt=0,
        description="The first wait after the free failures; it doubles with each failure")
    login_delay_max_seconds: float = Field(
        default=30.0, gt=0, description="The longest wait between two tries before a lockout")
    login_failure_window_minutes: int = Field(
        default=15, ge=1,
        description="Failures are counted in a row: one that comes longer than this after the "
                    "previous one starts the count again")
    login_address_free_failures: int = Field(
        default=10, ge=0,
        description="Failed sign-ins from one client address (IPv6: its /64) answered without "
                    "a wait; several people may share one address behind a NAT")
    login_address_max_failures: int = Field(
        default=50, ge=1,
        description="Failed sign-ins from one client address before the address is locked for "
                    "login_lockout_minutes (every username, even with the right password)")
    login_throttle_rows: int = Field(
        default=10_000, ge=10,
        description="Most rows kept for client addresses and unknown usernames; the oldest "
                    "are pruned, so a flood of names or addresses cannot fill the database")
    api_token_max_days: int = Field(
        default=365, ge=1, le=3650,
        description="Longest lifetime of an API token; every token has an expiry")
    auth_cache_seconds: float = Field(
        default=2.0, ge=0, le=5,
        description="How long a process trusts a verified bearer token without reading the "
                    "user again (0: every request reads); a disabled user, a withdrawn role, "
                    "a changed password or a revoked API token takes effect within this",
    )
    scanner_gs_substitutes: tuple[str, ...] = ("<GS>", "␝", "{GS}", "^]")
    pick_serial_substitution: bool = Field(
        default=True, description="A picker may take another serial of an allocated serial's "
                                  "lot (recorded on the pick and in the ledger) unless the order "
                                  "names the serial; false: the allocated serial only")
    cjk_font_path: str | None = Field(
        default=None, description="TrueType CJK font to embed in PDFs (else a CID font)"
    )
    backup_dir: str = "backups"
    idempotency_hours: int = Field(
        default=48, description="How long an Idempotency-Key's answer is kept for replay")
    idempotency_purge_minutes: float = Field(
        default=60.0, description="How often the server deletes the keys older than that")
    seal_key: str | None = Field(
        default=None, description="HMAC key that signs chain checkpoints (keep it out of the "
                                  "database); else the key file")
    seal_key_file: str | None = Field(
        default=None, description="File holding the checkpoint key; default <backup_dir>/seal.key, "
                                  "created by the first sealer")
    checkpoint_file: str | None = Field(
        default=None, description="JSON-lines copy of every signed checkpoint, outside the "
                                  "database; default <backup_dir>/checkpoints.jsonl")
    seal_witness_url: str | None = Field(
        default=None, description="Optional webhook that receives every checkpoint (a witness)")
    seal_interval_ms: int = Field(default=200, description="How often the sealer looks for rows")
    seal_batch: int = Field(default=500, description="Rows sealed per sealing transaction "
                                                   "(the longest a pass holds SQLite's writer)")
    unsealed_max_age_seconds: float = Field(
        default=60.0, description="verify calls an older unsealed row a problem")
    max_request_bytes: int = Field(
        default=1024 * 1024, ge=1024,
        description="Largest request body accepted (1 MiB): a larger one is refused with 413 "
                    "before it is read, before authentication")
    max_upload_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024,
        description="Largest body of a file upload (multipart/form-data to an import route: "
                    "spreadsheets, notices, readings), 20 MiB")
    attachments_dir: str = Field(
        default="attachments",
        description="Folder of the kept scans and photos (delivery notes, licences, "
                    "certificates), outside the web root; back it up with the database")
    max_attachment_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024,
        description="Largest scan or photo kept with a record (PDF, JPEG or PNG), 10 MiB")
    hsts_seconds: int = Field(
        default=365 * 24 * 3600, ge=0,
        description="max-age of Strict-Transport-Security, sent only on requests that came "
                    "over HTTPS (0: never sent)")
    trusted_proxies: tuple[str, ...] = Field(
        default=("127.0.0.1", "::1"),
        description="Addresses or networks (CIDR) of the reverse proxies whose "
                    "X-Forwarded-Proto is believed (a request from one saying https gets "
                    "Strict-Transport-Security); `medwms serve` gives uvicorn the same list")

    # --- expiry ---
    expiry_job_minutes: int = Field(
        default=60, ge=1,
        description="How often `medwms serve` runs the expiry job (at start-up, then every "
                    "so many minutes): stock past its expiry day is locked as EXPIRED")
    near_expiry_days: int = Field(
        default=180, ge=0,
        description="Near-expiry warning (近效期预警): stock expiring within so many days is "
                    "listed on the near-expiry page")
    stock_check_days: int = Field(
        default=30, ge=1,
        description="Default interval in days of the in-stock maintenance check (养护) of a "
                    "zone that has no plan of its own")

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            ipaddress.ip_network(entry, strict=False)  # a ValueError names the bad entry
        return value

    # --- coldduty ---
    alarm_escalation_minutes: int = Field(
        default=15, ge=1,
        description="Minutes a cold-chain alarm may stay unacknowledged before its area's "
                    "escalation list (else the quality managers) is notified")
    alarm_escalation_check_seconds: int = Field(
        default=60, ge=5,
        description="Seconds between the escalation job's passes in `medwms serve`")
    equipment_due_warning_days: int = Field(
        default=30, ge=0,
        description="Days before a calibration or validation falls due that the equipment "
                    "register shows it as due soon")
    # --- qualify ---
    credential_warning_days: int = Field(
        default=30, ge=0, le=366,
        description="Days before a licence, certificate or authorisation letter lapses that "
                    "it is listed as expiring (首营 credentials warning list)")
    # --- manual ---
    manual_morning_end: time = Field(
        default=time(12, 0),
        description="Local time (warehouse time zone) by which the morning manual temperature "
                    "reading of an area without automatic monitoring is due")
    manual_afternoon_end: time = Field(
        default=time(18, 0),
        description="Local time by which the afternoon manual reading is due (the afternoon "
                    "slot starts at the morning end); later readings fill neither slot")
    manual_overdue_days: int = Field(
        default=7, ge=1, le=92,
        description="Days back the overdue list and the cold-chain warnings show missed "
                    "manual readings")


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
