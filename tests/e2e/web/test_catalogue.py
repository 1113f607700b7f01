"""The one UI catalogue: every string the templates and menus mark is translated."""

from __future__ import annotations

import re
from importlib import resources

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from medwms.web.i18n import translations

WEB = resources.files("medwms.web")
KEYWORDS = {"N_": None, "NP_": ((1, "c"), 2)}


def marked_entries() -> set[tuple[str | None, str]]:
    """Every (context, msgid) of the templates (`_()`, `pgettext()`) and of the Python modules
    (`N_()`, `NP_()`)."""
    found = set()
    for _f, _l, msg, _c, context in extract_from_dir(str(WEB / "templates"),
                                                     method_map=[("**.html", "jinja2")]):
        found.add((context, msg if isinstance(msg, str) else msg[0]))
    for _f, _l, msg, _c, context in extract_from_dir(str(WEB), method_map=[("**.py", "python")],
                                                     keywords=KEYWORDS):
        found.add((context, msg if isinstance(msg, str) else msg[0]))
    return found


def marked_messages() -> set[str]:
    """Every msgid marked in the templates and the Python modules (any context)."""
    return {msg for _context, msg in marked_entries()}


def test_every_marked_message_has_a_chinese_translation():
    zh = translations("zh-CN")
    missing = sorted((context or "", m) for context, m in marked_entries()
                     if (zh.pgettext(context, m) if context else zh.gettext(m)) == m
                     and m != "GTIN")
    assert not missing


def test_status_words_read_as_words_in_both_languages():
    assert translations("zh-CN").gettext("AVAILABLE") == "合格可用"
    assert translations("en").gettext("QUARANTINE") == "Quarantine"
    assert translations("en").gettext("Stock") == "Stock"


def test_an_order_status_is_not_a_quality_word():
    zh = translations("zh-CN")
    assert zh.pgettext("order status", "PARTIAL") == "部分分配"
    assert zh.gettext("PARTIAL") == "部分合格"  # the inspection conclusion
    assert translations("en").pgettext("order status", "PARTIAL") == "Partly allocated"


def catalogue_entries(language: str) -> list[tuple[int, str, str, int]]:
    """(line, msgctxt, msgid, how many msgstr follow it) of each entry of a catalogue, read
    line by line as msgfmt reads it (Babel's reader lets the last duplicate win)."""
    path = resources.files("medwms.locale").joinpath(language).joinpath(
        "LC_MESSAGES").joinpath("messages.po")
    entries: list[tuple[int, str, str, int]] = []
    context, field = "", ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith('"') and field == "msgid":  # a msgid written over several lines
            first, context_, msgid, strings = entries[-1]
            entries[-1] = (first, context_, msgid + line, strings)
        elif line.startswith('"') and field == "msgctxt":
            context += line
        elif line.startswith(("msgctxt ", "msgid ", "msgstr")):
            field = line.split(" ", 1)[0].split("[", 1)[0]
            if field == "msgctxt":
                context = line
            elif field == "msgid":
                entries.append((number, context, line, 0))
                context = ""
            elif entries:
                first, context_, msgid, strings = entries[-1]
                entries[-1] = (first, context_, msgid, strings + 1)
    return entries


def test_each_catalogue_holds_each_message_once_with_one_translation():
    for language in ("zh_CN", "en"):
        entries = catalogue_entries(language)
        seen: dict[tuple[str, str], int] = {}
        twice = [(line, msgid, seen[(context, msgid)]) for line, context, msgid, _ in entries
                 if seen.setdefault((context, msgid), line) != line]
        assert not twice, f"{language}: defined again at (line, msgid, first line): {twice}"
        wrong = [(line, msgid, strings) for line, _, msgid, strings in entries if strings != 1]
        assert not wrong, f"{language}: not one msgstr at (line, msgid, msgstr lines): {wrong}"


def test_each_translation_keeps_the_placeholders_of_its_message():
    # A template's gettext always %-formats (Jinja's newstyle gettext): a bare "%" in a
    # translation breaks the page, a lost %(name)s the sentence.
    placeholders = re.compile(r"%(?:\([a-z_]+\))?[sd]|%%|%")
    for language in ("zh_CN", "en"):
        path = resources.files("medwms.locale").joinpath(language).joinpath(
            "LC_MESSAGES").joinpath("messages.po")
        with path.open("rb") as handle:
            catalog = read_po(handle)
        wrong = [(message.context, message.id, message.string) for message in catalog
                 if message.id and message.string
                 and sorted(placeholders.findall(str(message.id)))
                 != sorted(placeholders.findall(str(message.string)))]
        assert not wrong, f"{language}: placeholders differ in {wrong}"
