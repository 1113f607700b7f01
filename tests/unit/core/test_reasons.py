"""Stored reasons: written in English, read back as code + fields, said in either language."""

from __future__ import annotations

from decimal import Decimal

from medwms.core.reasons import Reason, say
from medwms.quality.rules import signature_words
from medwms.receiving.rules import ARRIVAL_OUTSIDE, HELD, temperature_hold
from medwms.shipping.reasons import RETURNED, RETURNED_FLAGGED
from medwms.shipping.rules import return_flag
from medwms.verification.service import RESOLVED
from medwms.web.reasons import STORED, reason_words

OLD_ROW = "HOLD: arrival 12.5 °C outside 2.0–8.0 °C"  # as receipts wrote it before


def test_a_hold_reason_is_written_as_before_and_said_in_chinese():
    hold = temperature_hold(Decimal("12.5"), Decimal(2), Decimal(8))
    assert HELD.text(reason=hold) == OLD_ROW
    assert ARRIVAL_OUTSIDE.read(hold) == {"temperature": "12.5", "low": "2.0", "high": "8.0"}
    assert reason_words(OLD_ROW, "zh-CN") == "暂扣：到货温度 12.5 °C，超出 2.0–8.0 °C"
    assert reason_words(OLD_ROW, "en") == "On hold: arrival 12.5 °C outside 2.0–8.0 °C"


def test_a_text_no_reason_wrote_is_shown_as_it_is():
    assert reason_words("包装破损，客户退回", "zh-CN") == "包装破损，客户退回"
    assert say("", STORED, "zh-CN") == ""


def test_a_resolution_names_its_action_in_words():
    stored = RESOLVED.text(action="REMOVED", reason="多扫了一件")
    assert say(stored, (RESOLVED,), "zh-CN") == "已移出：多扫了一件"
    assert say(stored, (RESOLVED,), "en") == "removed: 多扫了一件"


def test_a_flagged_return_is_read_with_its_flag_and_the_flag_is_said_too():
    flag = return_flag(0, 0, 1, serialised=False)
    assert flag is not None
    stored = RETURNED_FLAGGED.text(reason="包装破损", flag=flag.en)
    assert reason_words(stored, "zh-CN") == "客户退货：包装破损（已标记：该批号从未发往此客户）"
    assert reason_words(RETURNED.text(reason="过期"), "en") == "Customer return: 过期"


def test_the_signature_meaning_is_said_in_the_language():
    printed = "验收员 Ivan (ivan) – 2026-12-06 10:00:00 +0800 – released"
    assert signature_words(printed, "zh-CN").endswith("– 合格放行")
    assert signature_words(printed, "en") == printed
    assert signature_words("", "zh-CN") == ""


def test_every_stored_reason_says_the_same_fields_in_both_languages():
    for reason in STORED:
        fields = set(reason.pattern.groupindex)
        for template in (reason.zh, reason.en_shown or reason.en):
            assert {f for f in Reason(reason.code, template, "").pattern.groupindex} == fields
