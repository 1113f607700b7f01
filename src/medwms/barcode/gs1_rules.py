"""GS1's rules for combining AIs, read from the GS1 Barcode Syntax Dictionary shipped beside us.

`gs1_syntax_dictionary.txt` is release 2026-01-27 of the GS1 Barcode Syntax Dictionary
(https://github.com/gs1/gs1-syntax-dictionary, tag 2026-01-27, Apache-2.0, GS1 AISBL), copied
unchanged so the rules are GS1's data, not ours retyped. Per AI it gives:

    flag "*"     a predefined length: no separator (FNC1/GS) needed after it; every other AI
                 must be followed by one or end the data (General Specifications 7.8)
    flag "?"     allowed as a GS1 Digital Link data attribute (in the query string)
    req=A,B+C    mandatory association (General Specifications 4.14.2): one of the groups must
                 be present, every AI of that group; an AI with several req= must meet each
    ex=A,31nn    invalid pair (General Specifications 4.14.1): none of these may be present;
                 `n` stands for any digit, and an AI never excludes itself

Repeated AIs are the third rule GS1's own Barcode Syntax Engine applies with these two
(validateAIrepeats): the same AI twice with the same value is accepted — reads of several
symbols on one label may be joined — and with different values refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

DICTIONARY_FILE = "gs1_syntax_dictionary.txt"
DICTIONARY_RELEASE = "2026-01-27"
_FLAGS = re.compile(r"[^0-9A-Za-z]+")

Group = tuple[str, ...]  # AIs (or patterns) that must all be present
Requirement = tuple[Group, ...]  # groups, one of which is enough


@dataclass(frozen=True)
class AIRules:
    """What the dictionary says about one AI."""

    ai: str
    title: str
    separator_required: bool
    dl_attribute: bool
    requires: tuple[Requirement, ...]
    excludes: tuple[str, ...]


def matches(pattern: str, ai: str) -> bool:
    """True when `ai` is `pattern`, where an `n` in the pattern stands for any digit."""
    return len(pattern) == len(ai) and all(
        p == c or (p == "n" and c.isdigit()) for p, c in zip(pattern, ai, strict=True))


def present(pattern: str, ais: Sequence[str], *, besides: str) -> str | None:
    """The first AI of `ais` other than `besides` that `pattern` names, if any."""
    return next((ai for ai in ais if ai != besides and matches(pattern, ai)), None)


def unmet(requirement: Requirement, ais: Sequence[str], *, besides: str) -> bool:
    """True when no group of `requirement` is wholly present among `ais`."""
    return not any(all(present(member, ais, besides=besides) for member in group)
                   for group in requirement)


def _ais(spec: str) -> Iterator[str]:
    """`3100-3105` → 3100 … 3105; `01` → 01."""
    first, _, last = spec.partition("-")
    for number in range(int(first), int(last or first) + 1):
        yield str(number).zfill(len(first))


def _entry(line: str) -> list[AIRules]:
    body, _, title = line.partition("#")
    tokens = body.split()
    flags = tokens[1] if len(tokens) > 1 and _FLAGS.fullmatch(tokens[1]) else ""
    attributes = [t.split("=", 1) for t in tokens if "=" in t]
    requires = tuple(tuple(tuple(group.split("+")) for group in value.split(","))
                     for key, value in attributes if key == "req")
    excludes = tuple(p for key, value in attributes if key == "ex" for p in value.split(","))
    return [AIRules(ai, title.strip(), "*" not in flags, "?" in flags, requires, excludes)
            for ai in _ais(tokens[0])]


def load(text: str) -> dict[str, AIRules]:
    """Every AI entry of a syntax dictionary, by AI."""
    rules: dict[str, AIRules] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            rules.update((rule.ai, rule) for rule in _entry(line))
    return rules


def dictionary_text() -> str:
    """The shipped dictionary, as GS1 published it."""
    return (resources.files("medwms.barcode") / DICTIONARY_FILE).read_text(encoding="utf-8")


RULES: dict[str, AIRules] = load(dictionary_text())
