"""The one UI catalogue: gettext .po files compiled in memory at start-up (no build step)."""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("zh-CN", "en")
DEFAULT = "zh-CN"
_FOLDERS = {"zh-CN": "zh_CN", "en": "en"}


def normalise(language: str | None) -> str:
    """zh-CN or en for whatever a cookie, a header or a user setting says."""
    value = (language or "").strip().lower()
    if value.startswith("en"):
        return "en"
    return DEFAULT


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """The compiled catalogue of `language`, read once per process."""
    folder = _FOLDERS[normalise(language)]
    po = resources.files("medwms").joinpath("locale", folder, "LC_MESSAGES", "messages.po")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=folder)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(language: str, message: str) -> str:
    """`message` translated into `language`."""
    return translations(language).gettext(message)
