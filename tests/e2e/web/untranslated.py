"""What a page shows untranslated: raw codes, catalogue msgids, English sentences in zh-CN.

`untranslated(page_or_text, lang)` returns every finding; `assert_translated(page, lang)`
fails listing them. A finding is one of:

- `code`: a raw enum or status value (`CLOSED`, `PICKED`, `IN_TRANSIT`), a permission code
  (`picking.verify`), a snake_case key (`consignees_listed`) or, in zh-CN, a signature meaning
  (`released`). Codes are collected from
  the code itself: every Enum of the medwms package, the upper-case msgids of the catalogue
  (the data words the templates translate) and the status sets kept as plain strings.
  A code glued into a larger code (`RCV-01`, `#D:SHP-…`, `LOTA1`) is not one.
- `msgid` (zh-CN): an English catalogue msgid shown verbatim. A one-word msgid counts only when
  it is a whole text node (a label, a cell, a button), so data such as the zone name
  "收货区 Receiving" is not a finding.
- `english` (zh-CN): an English sentence — two or more lower-case English words in one run of
  Latin text, the shape of a reason or an error text ("only 20 of 30 eligible …", "arrival
  12.5 °C outside …"), never of a name, model, GTIN or unit (names are capitalised; units and
  "tests" are left out).
- `value`: a Python or JavaScript empty value rendered as text (`None` in zh-CN, `undefined`,
  `null`, `NaN`, `True`/`False`), or empty brackets "()" where a name should be.

Works on a Playwright page (visible text nodes, placeholders, titles, option labels) or on a
plain string (each line a text node).
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

from medwms.web.i18n import translations

# Modules whose Enums hold statuses, kinds, reasons, actions, permissions.
ENUM_MODULES = (
    "medwms.auth.rules", "medwms.coldchain.rules", "medwms.counting.tables",
    "medwms.ledger.tables", "medwms.masterdata.tables", "medwms.orders.rules",
    "medwms.orders.tables", "medwms.picking.rules", "medwms.quality.tables",
    "medwms.receiving.tables", "medwms.verification.rules", "medwms.verification.service",
)
# Statuses and kinds kept as plain strings in the tables (see the column comments there).
PLAIN_CODES = frozenset({
    "OPEN", "CLOSED", "ACKNOWLEDGED",                 # breach, recall, wave
    "PACKING", "SHIPPED", "RECEIVED", "SHORT", "LOST",  # shipment, transfer
    "RELEASE", "REJECT",                              # breach disposition
    "ZONE", "LOCATION", "TRANSPORT",                  # sensor kinds
    "DAMAGED", "FOUND", "MISCOUNTED", "THEFT", "UNRECORDED_MOVE", "OTHER",  # count reasons
    "OVER", "SHORT_SHIP", "PENDING", "DONE", "MOCK",
})
# Upper-case words that are the same in every language: standards, formats, classes.
NOT_CODES = frozenset({
    "GTIN", "SSCC", "GS1", "HIBC", "UDI", "UDI-DI", "PDF", "XLSX", "CSV", "SVG", "ZPL", "PNG",
    "API", "FEFO", "OK", "ID", "QR", "EPCIS", "MQTT", "KPI", "ABC", "GLN", "GSP", "SN", "MRI",
    "EDTA", "CLIA", "IFCC", "ALT", "PGA", "PTCA", "HBsAg", "DR", "SR", "IV", "JL4", "JR4",
    "I", "II", "III", "A", "B", "C", "SELF", "OWN", "EN",
})
# Signature meanings are stored in English ("released"): in zh-CN they are raw codes.
MEANINGS = ("partially released", "recall closed", "released", "rejected", "approved")
# Lower-case words that are units or symbols, not English prose.
UNITS = frozenset({"mm", "cm", "ml", "kg", "mg", "min", "h", "s", "ms", "pcs", "km", "m",
                   "tests", "x"})
EMPTY_ZH = ("None",)
EMPTY_ANY = ("undefined", "null", "NaN", "True", "False")

_A = "A-Za-z0-9_"  # ASCII word characters: a code beside Chinese text is still a word
_CODE = re.compile(rf"(?<![{_A}\-/.#@])(?<!#[A-Z]:)([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)"
                   rf"(?![{_A}]|[-/.@][{_A}])")
_SNAKE = re.compile(rf"(?<![{_A}\-/.@])([a-z]+(?:_[a-z0-9]+)+)(?![{_A}@]|[-/.][{_A}])")
_LATIN_RUN = re.compile(r"[A-Za-z0-9'’.;:!?%°\-–/ ]+")  # split at brackets and commas
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


@dataclass(frozen=True)
class Finding:
    """One untranslated thing a page shows: its kind, the text, and the text node around it."""

    kind: str
    text: str
    where: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text!r} in {self.where[:120]!r}"


@cache
def enum_codes() -> frozenset[str]:
    """Every upper-case Enum value of the feature modules, permission codes apart."""
    found: set[str] = set()
    for name in ENUM_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, enum.Enum):
                found.update(str(member.value) for member in value)
    return frozenset(v for v in found if v and v == v.upper() and "." not in v)


@cache
def permission_codes() -> frozenset[str]:
    """The permission codes (`picking.verify`)."""
    from medwms.auth.rules import Perm

    return frozenset(p.value for p in Perm)


@cache
def catalogue_codes() -> frozenset[str]:
    """The catalogue's upper-case msgids: data words the templates translate."""
    ids = _msgids()
    return frozenset(m for m in ids if re.fullmatch(r"[A-Z][A-Z0-9_]{2,}", m))


@cache
def codes() -> frozenset[str]:
    """Everything that is a raw code when a page shows it as a word."""
    return (enum_codes() | catalogue_codes() | PLAIN_CODES) - NOT_CODES


@cache
def _msgids() -> frozenset[str]:
    po = resources.files("medwms").joinpath("locale", "zh_CN", "LC_MESSAGES", "messages.po")
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    return frozenset(m.id for m in catalogue if isinstance(m.id, str) and m.id)


@cache
def _english_msgids() -> tuple[tuple[str, re.Pattern[str], bool], ...]:
    """(msgid, pattern, one word) of every English msgid: in the catalogue or marked in the
    templates and web modules (a marked msgid missing from the catalogue shows verbatim)."""
    from tests.e2e.web.test_catalogue import marked_messages

    zh = translations("zh-CN")
    same = {m for m in _msgids() if zh.gettext(m) == m}  # deliberately the same: "GTIN"
    found = []
    for msgid in sorted((_msgids() | marked_messages()) - same - catalogue_codes()):
        plain = _PLACEHOLDER.sub("", msgid)
        if not re.search(r"[a-z]{2,}", plain):
            continue
        words = _PLACEHOLDER.split(msgid)
        body = r".+?".join(re.escape(part) for part in words)
        pattern = re.compile(r"(?<![A-Za-z])" + body + r"(?![A-Za-z])")
        found.append((msgid, pattern, len(_WORD.findall(plain)) == 1))
    return tuple(found)


def untranslated(source: Any, lang: str) -> list[Finding]:
    """Every untranslated thing `source` (a Playwright page, or its text) shows in `lang`."""
    nodes = text_nodes(source)
    zh = lang != "en"
    findings: list[Finding] = []
    for node in nodes:
        findings += _codes_in(node, zh=zh)
        findings += _empty_values_in(node, zh=zh)
        if zh:
            findings += _msgids_in(node)
            findings += _english_in(node)
    return _unique(findings)


def assert_translated(source: Any, lang: str) -> None:
    """Fail, listing every finding, when `source` shows anything untranslated in `lang`."""
    findings = untranslated(source, lang)
    where = getattr(source, "url", "the text")
    assert not findings, f"untranslated in {lang} on {where}:\n" + "\n".join(map(str, findings))


def text_nodes(source: Any) -> list[str]:
    """The visible text nodes of a page (with placeholders, titles and option labels)."""
    if isinstance(source, str):
        return [line.strip() for line in source.splitlines() if line.strip()]
    texts: list[str] = source.evaluate(_VISIBLE_TEXT_JS)
    return [t for t in (" ".join(text.split()) for text in texts) if t]


_VISIBLE_TEXT_JS = """() => {
  const shown = el => !!el && !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== 'hidden';
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || ['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(el.tagName)) continue;
    if (el.tagName === 'OPTION' ? shown(el.closest('select')) : shown(el)) out.push(n.data);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')) {
    if (!shown(el)) continue;
    for (const a of ['placeholder', 'title', 'aria-label', 'alt'])
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  for (const el of document.querySelectorAll('input[type=submit], input[type=button]'))
    if (shown(el) && el.value) out.push(el.value);
  return out;
}"""


def _codes_in(node: str, *, zh: bool) -> list[Finding]:
    found = [Finding("code", m.group(1), node) for m in _CODE.finditer(node)
             if m.group(1) in codes()]
    found += [Finding("code", m.group(1), node) for m in _SNAKE.finditer(node)]
    for perm in permission_codes():
        if re.search(rf"(?<![{_A}.])" + re.escape(perm) + rf"(?![{_A}])", node):
            found.append(Finding("code", perm, node))
    if zh:
        lowered = node
        for meaning in MEANINGS:
            pattern = r"(?<![A-Za-z])" + re.escape(meaning) + r"(?![A-Za-z])"
            if re.search(pattern, lowered):
                found.append(Finding("code", meaning, node))
                lowered = re.sub(pattern, " ", lowered)
    return found


def _empty_values_in(node: str, *, zh: bool) -> list[Finding]:
    words = EMPTY_ANY + (EMPTY_ZH if zh else ())
    found = [Finding("value", word, node) for word in words
             if re.search(rf"(?<![{_A}.])" + word + rf"(?![{_A}])", node)]
    if re.search(r"[(（]\s*[)）]", node):
        found.append(Finding("value", "()", node))
    return found


def _msgids_in(node: str) -> list[Finding]:
    found = []
    bare = node.strip(" :：·,.;")
    for msgid, pattern, one_word in _english_msgids():
        if (bare == msgid) if one_word else bool(pattern.search(node)):
            found.append(Finding("msgid", msgid, node))
    return found


def _english_in(node: str) -> list[Finding]:
    found = []
    for perm in permission_codes():  # reported as a code already
        node = node.replace(perm, " ")
    for run in _LATIN_RUN.findall(node):
        prose = [w for w in _WORD.findall(run) if w.islower() and len(w) > 1 and w not in UNITS]
        if len(prose) >= 2:
            found.append(Finding("english", run.strip(), node))
    return found


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for f in findings:
        if (f.kind, f.text) not in seen:
            seen.add((f.kind, f.text))
            unique.append(f)
    return unique
