"""Reasons stored as text, read back as a code with fields and said in either language.

Some reasons are written into rows as English text (a receipt line's hold reason, a movement's
reason), and old rows must stay readable. A `Reason` is that text's structured form: a code,
an English template (what is stored, unchanged), a Chinese one and, where the stored form
reads like a code, the English pages' wording. `read` turns a stored
text back into its fields; `say` words a stored text in a language, with coded fields
("QUARANTINE") as words and a nested reason said too. A text no reason reads is shown as it
is: free text a person typed, or a row from before its reason was known.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medwms.core.words import word

_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Reason:
    """One kind of stored reason: its code, its English (stored) and Chinese templates, and
    how English pages word it when the stored form reads like a code ("HOLD: …")."""

    code: str
    en: str
    zh: str
    en_shown: str = ""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = _FIELD.split(self.en)
        body = "".join(re.escape(p) if n % 2 == 0 else f"(?P<{p}>.+?)"
                       for n, p in enumerate(parts))
        object.__setattr__(self, "pattern", re.compile(body + r"\Z", re.DOTALL))

    def text(self, **fields: Any) -> str:
        """The English text to store."""
        return self.en.format(**fields)

    def read(self, text: str) -> dict[str, str] | None:
        """The fields of `text` if this reason wrote it, else None."""
        found = self.pattern.match(text.strip())
        return found.groupdict() if found else None

    def words(self, fields: Mapping[str, Any], language: str) -> str:
        """The reason in `language`."""
        template = self.zh if language.lower().startswith("zh") else (self.en_shown or self.en)
        return template.format(**{k: word(k, v, language) for k, v in fields.items()})


def say(text: str, reasons: Sequence[Reason], language: str, *, depth: int = 2) -> str:
    """`text` in `language` when one of `reasons` reads it (nested reasons too), else as is."""
    for reason in reasons:
        fields = reason.read(text)
        if fields is not None:
            if depth > 0:
                fields = {k: say(v, reasons, language, depth=depth - 1)
                          for k, v in fields.items()}
            return reason.words(fields, language)
    return text
