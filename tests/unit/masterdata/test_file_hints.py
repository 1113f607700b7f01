"""How to fix a value: every column of every kind has its hint, read off the column's parser,
in Chinese and English."""

from __future__ import annotations

import pytest

from medwms.core.errors import Problem
from medwms.masterdata.fields import bilingual
from medwms.masterdata.kinds import KINDS
from medwms.masterdata.tables import LicenceKind, PartnerKind, RiskClass, Tracking, ZoneKind
from medwms.web.pages.masterdata_files import column_hint, shown_problems

COLUMNS = [(kind, column.name) for kind in KINDS.values() for column in kind.columns]


@pytest.mark.parametrize(("kind", "name"), COLUMNS, ids=[f"{k.name}.{n}" for k, n in COLUMNS])
def test_every_column_has_a_hint_in_both_languages(kind, name):
    english, chinese = column_hint(kind, name, "en"), column_hint(kind, name, "zh-CN")
    assert english and chinese and english != chinese


@pytest.mark.parametrize(("kind", "name", "values"), [
    ("items", "risk_class", RiskClass), ("items", "tracking", Tracking),
    ("partners", "kind", PartnerKind), ("partners", "licence_kind", LicenceKind),
    ("zones", "kind", ZoneKind)])
def test_a_choice_column_names_every_value_it_takes(kind, name, values):
    hint = column_hint(KINDS[kind], name, "en")
    assert hint.startswith(f"One of: {', '.join(v.value for v in values)}.")


def test_the_hint_follows_what_the_column_takes():
    items, locations = KINDS["items"], KINDS["locations"]
    assert column_hint(items, "registration_expiry", "en").startswith("A date written YYYY-MM-DD")
    assert column_hint(items, "implant", "zh-CN").startswith("true 或 false")
    assert column_hint(KINDS["packaging"], "gtin", "en").startswith("A GTIN of 8, 12, 13 or 14")
    assert column_hint(locations, "zone_code", "en").startswith("The code of an existing zone")
    assert "Required" in column_hint(items, "name_zh", "en")
    assert "The key" in column_hint(items, "code", "en")
    assert column_hint(items, "no_such_column", "en") == ""
    partners = KINDS["partners"]
    assert "CARRIER" in column_hint(partners, "kind", "en")
    assert "TRADING：医疗器械经营许可证" in column_hint(partners, "licence_kind", "zh-CN")
    assert column_hint(partners, "licence_scope", "en").startswith("Plain text")
    assert column_hint(partners, "licence_scope", "zh-CN").startswith("普通文本")
    assert column_hint(KINDS["packaging"], "active", "en").startswith("true or false")


def test_a_problem_is_shown_in_the_page_language_with_its_fix():
    problems = [Problem(bilingual("must be one of I, II, III", "应为以下之一：I, II, III"),
                        column="risk_class", row=3, value="IV"),
                Problem(bilingual("unknown column", "未知的列"), column="colour", row=1)]
    [choice, header] = shown_problems(KINDS["items"], problems, "zh-CN")
    assert (choice.row, choice.column, choice.value, choice.why) == (
        3, "risk_class", "IV", "应为以下之一：I, II, III")
    assert choice.fix.startswith("以下之一：I, II, III。")
    assert header.fix.startswith("第 1 行是列名")
