"""What a scan means: the `Scan` value every parser returns, and its warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

ISSUERS = ("GS1", "HIBCC", "MA", "INTERNAL")


@dataclass(frozen=True)
class ScanWarning:
    """Something a station shows in amber: the scan is accepted, but a person should look."""

    code: str
    message_en: str
    message_zh: str

    def message(self, language: str = "zh-CN") -> str:
        """The warning for a person, in `language` ("zh-CN" or "en")."""
        return self.message_zh if language.lower().startswith("zh") else self.message_en


@dataclass(frozen=True)
class Scan:
    """One parsed scan.

    `di` is the device identifier: the GTIN-14 for GS1, LIC+PCN+unit of measure for HIBC,
    the MA product identifier (`MA.156.M0.xxxxxx.xxxxxxxx`) for MA. `elements` are the
    ordered (key, value) pairs as read: GS1 AIs for GS1, field names for the others.
    `location` is the internal location code, or `GLN+extension` for a GS1 (414)+(254)
    label (`GLN` alone without 254). `link` is the HIBC link character (the primary's
    check character), used to pair a primary with a separate secondary symbol.
    """

    issuer: str
    raw: str
    symbology: str | None = None
    di: str | None = None
    gtin: str | None = None
    content_gtin: str | None = None
    lot: str | None = None
    serial: str | None = None
    expiry: date | None = None
    production_date: date | None = None
    quantity: int | None = None
    sscc: str | None = None
    location: str | None = None
    document: str | None = None
    link: str | None = None
    hibc_structure: str | None = None
    elements: tuple[tuple[str, str], ...] = ()
    warnings: tuple[ScanWarning, ...] = field(default=())

    def to_dict(self, language: str = "zh-CN") -> dict[str, Any]:
        """A JSON-ready view of the scan."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, date):
                value = value.isoformat()
            out[name] = value
        out["elements"] = [list(pair) for pair in self.elements]
        out["warnings"] = [{"code": w.code, "message": w.message(language)}
                           for w in self.warnings]
        return out
