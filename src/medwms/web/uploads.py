"""Files a person uploads to check first and apply after: kept on the server between the
preview and the apply, named by the SHA-256 of their content, for one user, for an hour.

The preview page carries only the digest (the token); the apply reads the same bytes back and
checks they still hash to it, so what is applied is exactly what was previewed. Nothing goes
to the database: a file that was never applied leaves no trace there. The files sit in the
system's temporary directory, in a folder per instance (secret key and database), so the
processes of one server share them; one that can't find the file asks for it again.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from medwms.config import Settings

KEPT_SECONDS = 3600
TOKEN = re.compile(r"[0-9a-f]{64}")

# A page route that takes a file declares `openapi_extra=UPLOAD_FORM`: its body is
# multipart/form-data. The request-size limit (api/limits.py) reads it off the route — pages
# are hidden from the OpenAPI schema — and gives a signed-in visitor's upload the upload limit
# (`max_upload_bytes`) instead of the request limit.
UPLOAD_FORM: dict[str, Any] = {"requestBody": {"content": {
    "multipart/form-data": {"schema": {"type": "object"}}}}}


def folder(settings: Settings) -> Path:
    """This instance's folder of uploaded files (made when first needed, private to us)."""
    instance = hashlib.sha256(f"{settings.secret_key}\n{settings.database_url}".encode())
    path = Path(tempfile.gettempdir()) / "medwms-uploads" / instance.hexdigest()[:24]
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _path(settings: Settings, username: str, token: str) -> Path:
    user = hashlib.sha256(username.encode()).hexdigest()[:16]
    return folder(settings) / f"{user}-{token}"


def keep(settings: Settings, username: str, data: bytes) -> str:
    """Keep `data` for `username`; its token (the SHA-256 of the content, in hex)."""
    _forget_old(folder(settings))
    token = hashlib.sha256(data).hexdigest()
    target = _path(settings, username, token)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    Path(temporary).replace(target)  # whole or not at all, even if two tabs upload at once
    return token


def take(settings: Settings, username: str, token: str) -> bytes | None:
    """The kept file, removed as it is read: of two requests applying the same upload at once
    (a double click), one gets it and the other None, so a file is applied once."""
    if not TOKEN.fullmatch(token):
        return None
    path = _path(settings, username, token)
    claimed = path.with_name(f".taken-{os.getpid()}-{time.monotonic_ns()}-{path.name}")
    try:
        path.rename(claimed)  # atomic: only one request can move it away
    except FileNotFoundError:
        return None
    try:
        fresh = time.time() - claimed.stat().st_mtime <= KEPT_SECONDS
        data = claimed.read_bytes() if fresh else None
    finally:
        claimed.unlink(missing_ok=True)
    return data if data is not None and hashlib.sha256(data).hexdigest() == token else None


def _forget_old(path: Path) -> None:
    cutoff = time.time() - KEPT_SECONDS
    for old in path.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except FileNotFoundError:
            continue
