"""Builders for the receiving handover: a signed handover with its kept papers.

Closing a receipt needs its handover (the delivery note kept, the deliverer's signature and
the receiver's e-signature), so tests that close receipts sign one first with `hand_over`.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from medwms.attachments.service import Upload
from medwms.attachments.store import AttachmentStore
from medwms.auth.rules import Actor
from medwms.auth.tables import User
from medwms.core.db import Database
from medwms.receiving import handover, rules
from medwms.receiving.handover_queries import HandoverView
from tests.support.users import PASSWORD, actor_of, make_user

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"signature strokes"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00waybill"
LOGGER_CSV = b"time,temperature\n2026-11-25 06:00,4.2\n2026-11-25 07:55,5.1\n"
RECEIVER_NAME = "hana"


def scratch_store() -> AttachmentStore:
    """A store in the system's temporary directory (files are content-addressed)."""
    return AttachmentStore(Path(tempfile.gettempdir()) / "medwms-test-attachments")


def signing_receiver(db: Database) -> Actor:
    """A receiver with a password, made once per test database."""
    with db.reading() as s:
        known = s.scalar(select(User.id).where(User.username == RECEIVER_NAME))
    if known is None:
        return actor_of(make_user(db, RECEIVER_NAME, "receiver", display_name="Hana Li"))
    return Actor(user_id=known, username=RECEIVER_NAME, roles=frozenset({"receiver"}))


def papers(*, cold: bool = False) -> list[tuple[str, Upload]]:
    """The delivery note and waybill (and for cold goods the logger's CSV export)."""
    kept = [(rules.DELIVERY_NOTE, Upload("随货同行单.pdf", PDF)),
            (rules.WAYBILL, Upload("waybill.jpg", JPEG))]
    if cold:
        kept.append((rules.TEMPERATURE_RECORD, Upload("logger.csv", LOGGER_CSV)))
    return kept


def hand_over(db: Database, receipt_no: str, *, actor: Actor | None = None,
              password: str = PASSWORD, cold: bool = False,
              store: AttachmentStore | None = None,
              now: datetime | None = None) -> HandoverView:
    """Sign the handover of `receipt_no`: papers kept, a drawn deliverer signature, the
    receiver's e-signature (a receiver with a password is made when `actor` is None)."""
    return handover.record_handover(
        db, store=store or scratch_store(), actor=actor or signing_receiver(db),
        receipt_no=receipt_no, deliverer_name="Wang Wei (SF Express)",
        deliverer_signature=Upload("signature.png", PNG), signed_by="DRAWN",
        papers=papers(cold=cold), password=password, now=now)
