"""Sign-in throttling and lockout as the service applies them, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from medwms.auth import signin
from medwms.auth.errors import (
    AccountLocked,
    AddressLocked,
    LoginDelayed,
    LoginFailed,
    LoginThrottled,
)
from medwms.auth.rules import SYSTEM
from medwms.core.db import Database
from medwms.core.errors import PermissionDenied
from tests.support.logins import (
    audit_actions,
    login_settings,
    throttle_rows,
    time_passes,
    user_row,
)
from tests.support.users import PASSWORD, actor_of, make_user

WRONG = "not-the-password"


def attempt(db, settings, username="alice", password=WRONG, address=None) -> str:
    """The code a try is answered with ("OK" for a token)."""
    try:
        signin.login(db, settings=settings, username=username, password=password,
                     address=address)
    except (LoginFailed, LoginThrottled) as error:
        return error.code
    return "OK"


def test_after_the_free_failures_the_next_try_waits_and_then_may_go(db):
    settings = login_settings(db, login_delay_seconds=20)
    make_user(db, "alice")
    assert [attempt(db, settings) for _ in range(3)] == ["LOGIN_FAILED"] * 3
    with pytest.raises(LoginDelayed) as delayed:
        signin.login(db, settings=settings, username="alice", password=PASSWORD)
    assert 10 < delayed.value.fields["retry_after"] <= 20
    assert f"{delayed.value.fields['retry_after']} 秒" in delayed.value.message("zh-CN")
    time_passes(db, 21)
    assert attempt(db, settings, password=PASSWORD) == "OK"
    assert user_row(db, "alice").failed_logins == 0


def test_five_failures_lock_the_account_and_the_right_password_is_refused_too(db):
    settings = login_settings(db, login_delay_seconds=0.001, login_delay_max_seconds=0.001)
    make_user(db, "alice")
    codes = []
    for _ in range(5):
        codes.append(attempt(db, settings))
        time_passes(db, 1)
    assert codes == ["LOGIN_FAILED"] * 4 + ["ACCOUNT_LOCKED"]
    with pytest.raises(AccountLocked) as locked:
        signin.login(db, settings=settings, username="alice", password=PASSWORD)
    assert 14 * 60 <= locked.value.fields["retry_after"] <= 15 * 60
    assert "+08:00" in locked.value.message("zh-CN") and "5 次" in locked.value.message("zh-CN")
    assert "locked until" in locked.value.message("en")
    assert audit_actions(db, "alice").count("user.lock") == 1
    assert user_row(db, "alice").failed_logins == 5


def test_a_lockout_ends_by_itself(db):
    settings = login_settings(db, login_free_failures=5)
    make_user(db, "alice")
    for _ in range(5):
        attempt(db, settings)
    time_passes(db, 15 * 60 + 1)
    assert attempt(db, settings, password=PASSWORD) == "OK"
    assert user_row(db, "alice").locked_until is None


def test_an_administrator_unlocks_a_username_and_it_is_audited(db):
    settings = login_settings(db, login_free_failures=5)
    make_user(db, "alice")
    picker = actor_of(make_user(db, "pete", "picker"))
    for _ in range(5):
        attempt(db, settings)
    with pytest.raises(PermissionDenied):
        signin.unlock_user(db, actor=picker, username="alice")
    view = signin.unlock_user(db, actor=SYSTEM, username="alice", reason="called the desk")
    assert (view.failed_logins, view.locked_until) == (0, None)
    assert attempt(db, settings, password=PASSWORD) == "OK"
    assert audit_actions(db, "alice")[-3:] == ["user.lock", "user.unlock", "login"]


def test_an_unknown_username_is_answered_exactly_like_a_known_one(db):
    settings = login_settings(db, login_free_failures=5)
    make_user(db, "alice")
    known = [attempt(db, settings, "alice") for _ in range(7)]
    unknown = [attempt(db, settings, "ghost") for _ in range(7)]
    assert known == unknown == ["LOGIN_FAILED"] * 4 + ["ACCOUNT_LOCKED"] * 3
    assert throttle_rows(db) == [("username", "ghost", 5)]  # alice counts on her own row
    assert audit_actions(db, "ghost").count("user.lock") == 1


def test_failures_are_counted_in_the_database_so_every_process_sees_them(db):
    settings = login_settings(db, login_free_failures=5)
    make_user(db, "alice")
    other = Database(db.url)  # another server process: its own engine and pool
    try:
        for server in (db, other, db, other):
            attempt(server, settings)
        assert attempt(other, settings) == "ACCOUNT_LOCKED"
        assert attempt(db, settings, password=PASSWORD) == "ACCOUNT_LOCKED"
    finally:
        other.dispose()


def test_many_usernames_from_one_address_lock_the_address(db):
    settings = login_settings(db, login_address_free_failures=50, login_address_max_failures=6)
    make_user(db, "alice")
    codes = [attempt(db, settings, f"user{n}", address="192.0.2.7") for n in range(6)]
    assert codes == ["LOGIN_FAILED"] * 5 + ["ADDRESS_LOCKED"]
    with pytest.raises(AddressLocked) as locked:
        signin.login(db, settings=settings, username="alice", password=PASSWORD,
                     address="192.0.2.7")
    assert "192.0.2.7" in locked.value.message("en")
    assert attempt(db, settings, password=PASSWORD, address="192.0.2.8") == "OK"
    assert signin.unlock_address(db, actor=SYSTEM, address="192.0.2.7", reason="our NAT")
    assert attempt(db, settings, password=PASSWORD, address="192.0.2.7") == "OK"
    assert audit_actions(db, "192.0.2.7") == ["address.lock", "address.unlock"]


def test_an_address_after_its_free_failures_waits_too(db):
    settings = login_settings(db, login_address_free_failures=2, login_delay_seconds=20)
    make_user(db, "alice")
    for n in range(3):
        attempt(db, settings, f"user{n}", address="2001:db8::1")
    assert attempt(db, settings, password=PASSWORD, address="2001:db8::2") == "LOGIN_DELAYED"


def test_a_successful_sign_in_does_not_clear_the_address_count(db):
    settings = login_settings(db)
    make_user(db, "alice")
    attempt(db, settings, "bob", address="192.0.2.7")
    assert attempt(db, settings, password=PASSWORD, address="192.0.2.7") == "OK"
    assert ("address", "192.0.2.7", 1) in throttle_rows(db)


def test_the_rows_of_addresses_and_unknown_names_are_capped_and_pruned(db):
    settings = login_settings(db, login_throttle_rows=10)
    for n in range(14):
        attempt(db, settings, f"nobody{n}")
    rows = throttle_rows(db)
    assert len(rows) == 10
    assert ("username", "nobody13", 1) in rows and ("username", "nobody0", 1) not in rows
    time_passes(db, 16 * 60)
    attempt(db, settings, "latecomer")
    assert throttle_rows(db) == [("username", "latecomer", 1)]


def test_concurrent_guesses_take_turns_and_never_pass_the_count(db):
    settings = login_settings(db, login_free_failures=10)
    make_user(db, "alice")
    barrier = threading.Barrier(8)
    codes: list[str] = []

    def guess() -> None:
        barrier.wait()
        try:
            codes.append(attempt(db, settings))
        except Exception as error:  # a deadlock or lock error would land here
            codes.append(repr(error))

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == ["ACCOUNT_LOCKED"] * 4 + ["LOGIN_FAILED"] * 4
    assert audit_actions(db, "alice").count("login.failed") == 5
    assert user_row(db, "alice").failed_logins == 5
