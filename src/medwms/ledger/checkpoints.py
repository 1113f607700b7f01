"""Signed checkpoints: the chains anchored outside the database.

After each sealing pass the sealer signs, for every chain it advanced, the statement
"chain C was sealed up to seq N ending in hash H, at time T" with an HMAC-SHA256 key that is
not stored in the database (`MEDWMS_SEAL_KEY`, or the key file `MEDWMS_SEAL_KEY_FILE`,
by default `<backup dir>/seal.key`). Each checkpoint goes into the `chain_checkpoint`
table and is appended to a JSON-lines file outside the database (`MEDWMS_CHECKPOINT_FILE`,
by default `<backup dir>/checkpoints.jsonl`), and optionally to a witness webhook.

Someone with write access to the database alone can rewrite a row and recompute every later
hash and the head, but cannot sign a checkpoint for the new hashes, nor change the file:
`verify` then finds the chain disagreeing with a signed checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from medwms.config import Settings

log = logging.getLogger(__name__)
VERSION = "medwms-checkpoint-v1"


@dataclass(frozen=True)
class Checkpoint:
    """One signed statement about a chain: sealed up to `seq`, ending in `hash`."""

    chain: str
    seq: int
    hash: str
    signed_at: datetime
    signature: str

    def as_json(self) -> str:
        return json.dumps({"chain": self.chain, "seq": self.seq, "hash": self.hash,
                           "signed_at": self.signed_at.isoformat(timespec="microseconds"),
                           "signature": self.signature}, separators=(",", ":"))

    @staticmethod
    def from_json(text: str) -> Checkpoint:
        data = json.loads(text)
        return Checkpoint(chain=str(data["chain"]), seq=int(data["seq"]),
                          hash=str(data["hash"]),
                          signed_at=datetime.fromisoformat(data["signed_at"]),
                          signature=str(data["signature"]))


def _message(chain: str, seq: int, digest: str, signed_at: datetime) -> bytes:
    stamp = signed_at.isoformat(timespec="microseconds")
    return f"{VERSION}|{chain}|{seq}|{digest}|{stamp}".encode()


@dataclass(frozen=True)
class Signer:
    """Signs and checks checkpoints with one secret key."""

    key: bytes

    def sign(self, chain: str, seq: int, digest: str, signed_at: datetime) -> Checkpoint:
        mac = hmac.new(self.key, _message(chain, seq, digest, signed_at), hashlib.sha256)
        return Checkpoint(chain, seq, digest, signed_at, mac.hexdigest())

    def genuine(self, checkpoint: Checkpoint) -> bool:
        expected = self.sign(checkpoint.chain, checkpoint.seq, checkpoint.hash,
                             checkpoint.signed_at).signature
        return hmac.compare_digest(expected, checkpoint.signature)


@dataclass(frozen=True)
class FileLine:
    number: int
    checkpoint: Checkpoint | None  # None: the line is not a readable checkpoint
    text: str


class CheckpointFile:
    """The append-only JSON-lines copy of every checkpoint, outside the database."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, checkpoints: Sequence[Checkpoint]) -> None:
        if not checkpoints:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write("".join(c.as_json() + "\n" for c in checkpoints))
            out.flush()
            os.fsync(out.fileno())

    def lines(self) -> list[FileLine]:
        if not self.path.exists():
            return []
        found = []
        for number, text in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not text.strip():
                continue
            try:
                found.append(FileLine(number, Checkpoint.from_json(text), text))
            except (ValueError, KeyError, TypeError):
                found.append(FileLine(number, None, text))
        return found

    def latest(self) -> dict[str, int]:
        """The highest checkpointed seq of each chain in the file."""
        best: dict[str, int] = {}
        for line in self.lines():
            if line.checkpoint is not None:
                c = line.checkpoint
                best[c.chain] = max(best.get(c.chain, 0), c.seq)
        return best


@dataclass(frozen=True)
class Anchor:
    """Where checkpoints are signed and kept outside the database."""

    signer: Signer
    file: CheckpointFile
    witness_url: str | None = None

    def publish(self, checkpoints: Sequence[Checkpoint]) -> None:
        """Append to the file (and tell the witness) after the sealing transaction committed."""
        self.file.append(checkpoints)
        if self.witness_url and checkpoints:
            _tell_witness(self.witness_url, checkpoints)


def _tell_witness(url: str, checkpoints: Iterable[Checkpoint]) -> None:
    body = [json.loads(c.as_json()) for c in checkpoints]
    try:
        httpx.post(url, json={"checkpoints": body}, timeout=2.0).raise_for_status()
    except httpx.HTTPError as error:  # the file and the table still hold them
        log.warning("checkpoint witness %s did not take %d checkpoints: %s",
                    url, len(body), error)


def _key_path(settings: Settings) -> Path:
    return Path(settings.seal_key_file or Path(settings.backup_dir) / "seal.key")


def checkpoint_path(settings: Settings) -> Path:
    """The checkpoint file of these settings."""
    return Path(settings.checkpoint_file or Path(settings.backup_dir) / "checkpoints.jsonl")


def load_anchor(settings: Settings, *, create_key: bool = False) -> Anchor | None:
    """The anchor of these settings; None when no key exists (and `create_key` is off).

    Only the sealer creates a missing key file (random, 32 bytes, readable by its owner only);
    `verify` never does, so a lost key shows as unverifiable checkpoints, not new ones.
    """
    key = _key(settings, create_key)
    if key is None:
        return None
    return Anchor(Signer(key), CheckpointFile(checkpoint_path(settings)),
                  settings.seal_witness_url)


def _key(settings: Settings, create: bool) -> bytes | None:
    if settings.seal_key:
        return settings.seal_key.encode()
    path = _key_path(settings)
    if path.exists():
        return path.read_text(encoding="utf-8").strip().encode()
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_hex(32) + "\n")
    log.warning("created the seal key %s: keep it (and back it up) outside the database", path)
    return path.read_text(encoding="utf-8").strip().encode()
