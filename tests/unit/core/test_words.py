"""Refusals name statuses, permissions and things in words, in both languages."""

from __future__ import annotations

import pytest

from medwms.auth.rules import Perm
from medwms.core.errors import NotFound, PermissionDenied, Problem, ValidationError
from medwms.core.words import PERMISSIONS, STATUSES, word
from medwms.ledger.tables import Status
from medwms.orders.errors import OrderNotAllocatable
from medwms.orders.tables import OrderStatus
from medwms.quality.tables import InspectionStatus
from medwms.receiving.tables import ReceiptStatus
from medwms.verification.service import Action, VerificationStatus
from medwms.web.i18n import translations


def test_a_permission_refusal_says_what_the_user_may_not_do():
    refused = PermissionDenied(user="pete", permission=Perm.VERIFY.value)
    assert refused.message("zh-CN") == "用户 pete 没有权限出库复核。"
    assert refused.message("en") == "User pete may not verify outbound orders."
    assert refused.fields["permission"] == "picking.verify"  # the code stays for the API


def test_every_permission_has_words_in_both_languages():
    assert set(PERMISSIONS) == {p.value for p in Perm}


@pytest.mark.parametrize("codes", [Status, OrderStatus, VerificationStatus, Action,
                                   InspectionStatus, ReceiptStatus])
def test_every_status_has_words(codes):
    assert {c.value for c in codes} <= set(STATUSES)


def test_the_stock_status_words_are_the_pages_words():
    zh = translations("zh-CN")
    assert all(STATUSES[s.value][0] == zh.gettext(s.value) for s in Status)


def test_a_missing_count_plan_is_named_in_chinese():
    missing = NotFound(what="count plan", key="CNT-1")
    assert missing.message("zh-CN") == "未找到盘点计划 CNT-1。"
    assert missing.message("en") == "count plan CNT-1 was not found."


def test_an_order_status_in_a_refusal_is_a_word():
    refused = OrderNotAllocatable(order_no="OUT-1", status="PICKED")
    assert refused.message("zh-CN") == "出库单 OUT-1 状态为 已拣货，现在不能分配库存。"
    assert "is picked" in refused.message("en")


def test_an_unknown_value_is_shown_as_it_is():
    assert word("status", "SOMETHING_NEW", "zh-CN") == "SOMETHING_NEW"
    assert word("what", "GTIN", "zh-CN") == "GTIN"
    assert word("note", "PICKED", "zh-CN") == "PICKED"  # not a coded field


def test_a_problem_with_chinese_reads_in_chinese_and_the_summary_follows_the_language():
    refused = ValidationError([Problem("unknown item", column="item", row=2, value="X-1",
                                       message_zh="未知的物料")])
    assert refused.message("zh-CN") == "输入无效：第 2 行，item 列（X-1）：未知的物料"
    assert refused.message("en") == "Invalid input: row 2, column item: value 'X-1' unknown item"
    assert refused.to_dict("zh-CN")["problems"][0]["message"] == "未知的物料"
    assert str(refused.problems[0]) == "row 2, column item: value 'X-1' unknown item"
