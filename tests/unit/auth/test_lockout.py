"""Sign-in throttling rules: free failures, doubling waits, the lockout, and starting again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medwms.auth.lockout import (
    Failures,
    Policy,
    Wait,
    address_key,
    delay_after,
    failed,
    newly_locked,
    wait,
)

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
POLICY = Policy(free_failures=2, max_failures=5, delay=timedelta(seconds=1),
                max_delay=timedelta(seconds=30), lockout=timedelta(minutes=15),
                window=timedelta(minutes=15))


def fail(times: int, *, policy: Policy = POLICY, at: datetime = NOW) -> Failures:
    failures = Failures()
    for _ in range(times):
        failures = failed(failures, policy, at)
    return failures


def test_the_free_failures_cost_no_wait():
    assert wait(fail(2), POLICY, NOW) is None


def test_each_failure_after_the_free_ones_doubles_the_wait_up_to_the_cap():
    assert [delay_after(n, POLICY).total_seconds() for n in range(1, 11)] == [
        0, 0, 1, 2, 4, 8, 16, 30, 30, 30]


def test_after_a_failure_past_the_free_ones_the_next_try_waits_then_may_go():
    after = fail(3)
    assert wait(after, POLICY, NOW) == Wait(until=NOW + timedelta(seconds=1), locked=False)
    assert wait(after, POLICY, NOW + timedelta(seconds=1)) is None


def test_the_failure_that_reaches_the_most_allowed_locks_for_the_lockout():
    before, after = fail(4), fail(5)
    assert before.locked_until is None
    assert after.locked_until == NOW + timedelta(minutes=15)
    assert newly_locked(before, after, NOW)
    found = wait(after, POLICY, NOW + timedelta(minutes=14))
    assert found is not None and found.locked
    assert found.seconds(NOW + timedelta(minutes=14)) == 60


def test_a_lockout_that_ran_out_starts_the_count_again():
    later = NOW + timedelta(minutes=15, seconds=1)
    assert wait(fail(5), POLICY, later) is None
    assert failed(fail(5), POLICY, later) == Failures(count=1, last_at=later)


def test_a_pause_longer_than_the_window_starts_the_count_again():
    later = NOW + timedelta(minutes=16)
    assert failed(fail(4), POLICY, later).count == 1


def test_a_failure_during_a_lock_is_not_a_new_lock():
    locked = fail(5)
    again = failed(locked, POLICY, NOW + timedelta(seconds=5))
    assert not newly_locked(locked, again, NOW + timedelta(seconds=5))


def test_wait_seconds_round_up_and_are_never_zero():
    assert Wait(until=NOW + timedelta(milliseconds=1), locked=False).seconds(NOW) == 1
    assert Wait(until=NOW + timedelta(seconds=2.2), locked=False).seconds(NOW) == 3


@given(st.integers(min_value=0, max_value=12), st.integers(min_value=1, max_value=12),
       st.integers(min_value=0, max_value=60))
def test_after_n_failures_in_a_row_there_is_a_wait_past_the_free_and_a_lock_at_the_most(
        free, most, n):
    policy = Policy(free_failures=free, max_failures=most, delay=timedelta(seconds=1),
                    max_delay=timedelta(seconds=30), lockout=timedelta(minutes=15),
                    window=timedelta(minutes=15))
    failures = Failures()
    for i in range(n):  # a failure every second: never a pause longer than the window
        moment = NOW + timedelta(seconds=i)
        failures = failed(failures, policy, moment)
        if failures.locked_until is not None:
            break
    found = wait(failures, policy, NOW + timedelta(seconds=failures.count - 1))
    assert failures.count == min(n, most)
    assert (found is not None and found.locked) == (failures.count >= most)
    assert (found is not None) == (failures.count >= most or failures.count > free)


@pytest.mark.parametrize(("host", "key"), [
    ("192.0.2.7", "192.0.2.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
    ("::ffff:192.0.2.7", "192.0.2.7"),
    ("[2001:db8::1]", "2001:db8::/64"),
    ("testclient", "testclient"),
    ("", None),
    (None, None),
])
def test_an_address_is_counted_by_ipv4_or_by_its_ipv6_64(host, key):
    assert address_key(host) == key
