"""Passwords: argon2id hashes and the password policy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medwms.auth.errors import WeakPassword
from medwms.auth.passwords import (
    MIN_LENGTH,
    check_policy,
    common_passwords,
    hash_password,
    meets_policy,
    needs_rehash,
    password_matches,
    policy_problems,
)
from medwms.auth.rules import Role
from medwms.demo.catalogue import demo_password
from tests.support.users import PASSWORD


def test_a_hash_is_argon2id_and_verifies_only_its_password():
    hashed = hash_password("correct-horse-9")
    assert hashed.startswith("$argon2id$")
    assert password_matches(hashed, "correct-horse-9")
    assert not password_matches(hashed, "correct-horse-8")
    assert not needs_rehash(hashed)


def test_the_same_password_hashes_differently_each_time():
    assert hash_password("same-password") != hash_password("same-password")


def test_a_broken_hash_never_matches():
    assert not password_matches("not-a-hash", "anything")
    assert needs_rehash("not-a-hash")


@settings(max_examples=5, deadline=None)
@given(st.text(min_size=MIN_LENGTH, max_size=40))
def test_any_long_enough_password_round_trips(password):
    assert password_matches(hash_password(password), password)


def test_a_short_password_is_refused_in_both_languages():
    with pytest.raises(WeakPassword) as refused:
        check_policy("short-pw1")
    assert refused.value.code == "WEAK_PASSWORD"
    assert "shorter than 10 characters" in refused.value.message("en")
    assert "少于 10 个字符" in refused.value.message("zh-CN")
    assert "至少需要 10 个字符" in refused.value.message("zh-CN")
    assert refused.value.problems[0].column == "password"


def test_ten_characters_are_enough():
    assert MIN_LENGTH == 10
    check_policy("k7-vireo-x", username="alice")


@pytest.mark.parametrize("blank", ["", "          ", "\t\t\t\t\t\t\t\t\t\t\t"])
def test_a_blank_password_is_refused_as_blank(blank):
    with pytest.raises(WeakPassword) as refused:
        check_policy(blank)
    assert "blank or only spaces" in refused.value.message("en")
    assert "为空或只有空格" in refused.value.message("zh-CN")


@pytest.mark.parametrize("password", ["Receiver01", "RECEIVER01", " receiver01 "])
def test_the_username_as_password_is_refused_whatever_the_case(password):
    with pytest.raises(WeakPassword) as refused:
        check_policy(password, username="receiver01")
    assert any("the username" in p.message for p in refused.value.problems)


@pytest.mark.parametrize("password", ["receiver2026!", "2026-Receiver", "my-receiver-1"])
def test_the_username_with_a_little_added_is_refused(password):
    with pytest.raises(WeakPassword) as refused:
        check_policy(password, username="receiver")
    assert "是用户名，或只在用户名上添加了不足 10 个字符" in refused.value.message("zh-CN")


def test_the_username_with_ten_characters_of_its_own_is_allowed():
    check_policy("receiver-demo-2026", username="receiver")


@pytest.mark.parametrize("password", ["password123", "Password123", "qwertyuiop", "1234567890",
                                      "iloveyou12"])
def test_a_common_password_is_refused_in_both_languages(password):
    with pytest.raises(WeakPassword) as refused:
        check_policy(password, username="alice")
    assert [p.message for p in refused.value.problems] == [
        "a common password (in the list of the 20,000 most common)"]
    assert "常见密码" in refused.value.message("zh-CN")


def test_the_common_list_is_the_shipped_twenty_thousand_in_lower_case():
    listed = common_passwords()
    assert 19_000 < len(listed) <= 20_000
    assert all(p == p.lower() for p in listed)


def test_every_broken_rule_is_named_at_once():
    problems = policy_problems("rtz-042", username="rtz-042")
    assert [p.message for p in problems] == [
        "shorter than 10 characters",
        "the username, or the username with fewer than 10 characters added"]
    assert all(p.message_zh for p in problems)


def test_meets_policy_is_the_policy_as_a_yes_or_no():
    assert meets_policy("correct-horse-9", username="alice")
    assert not meets_policy("alice12345", username="alice")


def test_the_demo_passwords_and_the_test_fixtures_meet_the_policy():
    for role in Role:
        assert meets_policy(demo_password(role), username=role.value), role
    assert meets_policy(PASSWORD, username="alice")
