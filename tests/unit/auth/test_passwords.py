"""Passwords: argon2id hashes and the password policy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medwms.auth.errors import WeakPassword
from medwms.auth.passwords import (
    MIN_LENGTH,
    check_policy,
    hash_password,
    needs_rehash,
    password_matches,
)


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
        check_policy("short")
    assert refused.value.code == "WEAK_PASSWORD"
    assert "8" in refused.value.message("en")
    assert "至少需要 8 个字符" in refused.value.message("zh-CN")
    assert refused.value.problems[0].column == "password"


def test_the_username_as_password_is_refused():
    with pytest.raises(WeakPassword):
        check_policy("Receiver01", username="receiver01")


def test_eight_characters_are_enough():
    check_policy("12345678", username="alice")
