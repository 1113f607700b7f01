"""The untranslated-text finder itself: it catches what issue 15 saw, and nothing legitimate."""

from __future__ import annotations

import pytest

from tests.e2e.web.untranslated import assert_translated, untranslated

LEGITIMATE_ZH = """收货单 RCV-20261206-0001 · #D:SHP-20261206-0002 · #L:WH1-RCV-01
GTIN 06903571010012 · 批号 LOTA1 · 序列号 SN0001 · SSCC 369035710000000017
上海微创医疗器械(集团)有限公司 MicroPort · 药物洗脱冠脉支架系统 2.50×18mm
心肌肌钙蛋白I测定试剂盒(化学发光免疫分析法) · 2×50 tests · R1 4×40ml R2 2×20ml
Becton, Dickinson and Company 碧迪 · 双腔 DR MRI · Ⅲ类 III
冷库 2–8 °C Cold room · 待验区 Quarantine (yellow) · 收货区 Receiving
12.5 °C · 30 min · 2026-12-06 10:00 +08:00 · PDF · XLSX
盘点人: ann, bob · 复核员 Vera (vera) · 本公司 Our company (demo)
"""


def kinds_and_texts(text: str, lang: str) -> set[tuple[str, str]]:
    return {(f.kind, f.text) for f in untranslated(text, lang)}


def test_legitimate_chinese_text_has_no_findings():
    assert untranslated(LEGITIMATE_ZH, "zh-CN") == []


@pytest.mark.parametrize(("shown", "finding"), [
    ("状态：CLOSED", ("code", "CLOSED")),
    ("验收 PENDING", ("code", "PENDING")),
    ("DONE", ("code", "DONE")),
    ("订单 SO-1 · PICKED", ("code", "PICKED")),
    ("差异 REMOVED · 已处理", ("code", "REMOVED")),
    ("PARTIAL部分", ("code", "PARTIAL")),
    ("缺少权限 picking.verify", ("code", "picking.verify")),
    ("张三 (ivan) – 2026-12-06 10:00:00 +0800 – released", ("code", "released")),
    ("缺货：only 20 of 30 eligible: lot L2 expires 2027-01-01",
     ("english", "only 20 of 30 eligible: lot L2 expires 2027-01-01")),
    ("暂扣：arrival 12.5 °C outside 2–8 °C", ("english", "arrival 12.5 °C outside 2–8 °C")),
    ("count plan not found: CP-1", ("english", "count plan not found: CP-1")),
    ("供货单位 ()", ("value", "()")),
    ("到货通知 None", ("value", "None")),
    ("Lot page", ("msgid", "Lot page")),
    ("Receiving", ("msgid", "Receiving")),
    ("10:02 consignees_listed 3 / 120 ms", ("code", "consignees_listed")),
])
def test_untranslated_things_in_chinese_are_found(shown, finding):
    assert finding in kinds_and_texts(shown, "zh-CN")


def test_english_mode_finds_raw_codes_and_empty_values_but_not_english():
    found = kinds_and_texts("Status: CLOSED · Lot page · None\nundefined\n"
                            "Closed: no differences against the notice.", "en")
    assert found == {("code", "CLOSED"), ("value", "undefined")}


def test_assert_translated_lists_every_finding():
    with pytest.raises(AssertionError) as failed:
        assert_translated("CLOSED\n缺少 stock.read", "zh-CN")
    assert "CLOSED" in str(failed.value) and "stock.read" in str(failed.value)
