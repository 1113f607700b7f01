"""The one UI catalogue: every string the templates and menus mark is translated."""

from __future__ import annotations

from importlib import resources

from babel.messages.extract import extract_from_dir

from medwms.web.i18n import translations

WEB = resources.files("medwms.web")


def marked_messages() -> set[str]:
    """Every msgid of the templates (`_()`) and of the Python modules (`N_()`)."""
    found = set()
    for _f, _l, msg, _c, _x in extract_from_dir(str(WEB / "templates"),
                                                method_map=[("**.html", "jinja2")]):
        found.add(msg if isinstance(msg, str) else msg[0])
    for _f, _l, msg, _c, _x in extract_from_dir(str(WEB), method_map=[("**.py", "python")],
                                                keywords={"N_": None}):
        found.add(msg if isinstance(msg, str) else msg[0])
    return found


def test_every_marked_message_has_a_chinese_translation():
    zh = translations("zh-CN")
    missing = sorted(m for m in marked_messages() if zh.gettext(m) == m and m != "GTIN")
    assert not missing


def test_status_words_read_as_words_in_both_languages():
    assert translations("zh-CN").gettext("AVAILABLE") == "合格可用"
    assert translations("en").gettext("QUARANTINE") == "Quarantine"
    assert translations("en").gettext("Stock") == "Stock"
