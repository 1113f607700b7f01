"""What an upload may be: its type told by its first bytes, never by its name."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

from medwms.attachments.errors import (
    AttachmentEmpty,
    AttachmentTooLarge,
    AttachmentTypeRefused,
    AttachmentTypeRefusedCsv,
)


class MediaType(StrEnum):
    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    CSV = "text/csv"  # a temperature logger's export; only where the caller allows it


_MAGIC = ((b"%PDF-", MediaType.PDF), (b"\xff\xd8\xff", MediaType.JPEG),
          (b"\x89PNG\r\n\x1a\n", MediaType.PNG))


def sniff(data: bytes) -> MediaType | None:
    """The media type the content's signature shows, or None for anything else."""
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    return None


def is_csv_text(data: bytes) -> bool:
    """True for UTF-8 text without NUL bytes whose first line has a field separator.

    Markup (a first character `<`) is never taken for CSV, whatever its separators.
    """
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    first = text.lstrip().split("\n", 1)[0]
    return bool(first) and not first.startswith("<") and any(sep in first for sep in ",;\t")


def accepted_type(*, filename: str, data: bytes, limit: int,
                  allow_csv: bool = False) -> MediaType:
    """The type of an acceptable upload; refuses an empty, oversized or unknown file.

    With `allow_csv`, UTF-8 comma/semicolon/tab-separated text is accepted as text/csv.
    """
    if not data:
        raise AttachmentEmpty(filename=filename)
    if len(data) > limit:
        raise AttachmentTooLarge(filename=filename, size=len(data), limit=limit)
    media_type = sniff(data)
    if media_type is None and allow_csv and is_csv_text(data):
        return MediaType.CSV
    if media_type is None:
        if allow_csv:
            raise AttachmentTypeRefusedCsv(filename=filename)
        raise AttachmentTypeRefused(filename=filename)
    return media_type


def safe_filename(filename: str) -> str:
    """The name kept and offered on download: its last path part, printable, at most 120."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return name.strip()[-120:] or "attachment"


def download_headers(filename: str) -> dict[str, str]:
    """Headers that make a browser save the file (never show it in place) under its name."""
    ascii_name = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "._-" else "_"
                         for ch in filename) or "attachment"
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                                   f"filename*=UTF-8''{quote(filename, safe='')}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store"}
