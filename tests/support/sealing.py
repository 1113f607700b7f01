"""Sealing in tests: an anchor (key + checkpoint file) in a temporary folder, and
"seal, then verify" as one call."""

from __future__ import annotations

from pathlib import Path

from medwms.core.db import Database
from medwms.ledger.checkpoints import Anchor, CheckpointFile, Signer
from medwms.ledger.sealer import Sealed, seal
from medwms.ledger.verify import VerifyReport, verify

TEST_KEY = b"test-seal-key-0123456789abcdef0123456789"


def anchor_in(folder: Path, key: bytes = TEST_KEY) -> Anchor:
    """A signer with a fixed test key and a checkpoint file in `folder`."""
    return Anchor(Signer(key), CheckpointFile(folder / "checkpoints.jsonl"))


def seal_all(db: Database, anchor: Anchor) -> Sealed:
    """Seal every unsealed row now."""
    return seal(db, anchor)


def sealed_report(db: Database, anchor: Anchor) -> VerifyReport:
    """Seal what is unsealed, then verify against the anchor's checkpoints."""
    seal(db, anchor)
    return checked(db, anchor)


def checked(db: Database, anchor: Anchor) -> VerifyReport:
    """Verify against the anchor's checkpoints, sealing nothing."""
    with db.reading() as s:
        return verify(s, anchor=anchor)
