"""The folder the attachments' files live in, outside the database and the web root.

A file is named by the SHA-256 of its content (`ab/abcdef…`), written once through a
temporary file and a rename, and checked against its name whenever it is read back. The same
scan uploaded twice is one file. A file written for a command that then rolled back stays,
unreferenced and harmless; nothing here ever deletes one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from medwms.attachments.errors import AttachmentDamaged

DEFAULT_LIMIT = 10 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentStore:
    """Where files are kept, and how big one may be."""

    root: Path
    max_bytes: int = DEFAULT_LIMIT

    def put(self, data: bytes) -> str:
        """Keep `data`; its SHA-256 (hex), which names it."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: str, *, attachment_id: int) -> bytes:
        """The kept bytes of `digest`, checked against it."""
        try:
            data = self._path(digest).read_bytes()
        except OSError:
            raise AttachmentDamaged(attachment_id=attachment_id, sha256=digest) from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise AttachmentDamaged(attachment_id=attachment_id, sha256=digest)
        return data

    def _path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest


def store_of(root: str, max_bytes: int = DEFAULT_LIMIT) -> AttachmentStore:
    """The store at `root` (a settings value: `attachments_dir`, `max_attachment_bytes`)."""
    return AttachmentStore(Path(root), max_bytes)
