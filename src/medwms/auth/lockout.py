"""Sign-in throttling: how long the next try must wait after failed ones. Pure decisions.

One rule serves a username and a client address, each with its own `Policy`: the first
`free_failures` failures in a row cost nothing; each further one makes the next try wait,
the wait doubling from `delay` up to `max_delay`; at `max_failures` the name (or address) is
locked for `lockout`. Failures count "in a row": a pause longer than `window` since the last
one, a lockout that ran out, a successful sign-in or an administrator's unlock starts the
count again. The service keeps the counts in the database (so every server process sees
them) and passes them in here with "now".
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_DOUBLINGS = 30  # 2**30 times any delay is past any sensible cap; keeps the power small


@dataclass(frozen=True)
class Policy:
    """How many failures are free, how the wait grows, when and how long it locks."""

    free_failures: int
    max_failures: int
    delay: timedelta
    max_delay: timedelta
    lockout: timedelta
    window: timedelta


@dataclass(frozen=True)
class Failures:
    """The failed sign-ins of one username or address: how many in a row, the last one, and
    the end of its lockout (if locked)."""

    count: int = 0
    last_at: datetime | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class Wait:
    """The next try must wait until `until`; `locked`: a lockout, not a growing delay."""

    until: datetime
    locked: bool

    def seconds(self, now: datetime) -> int:
        """Whole seconds from `now` until the wait is over (at least 1), for Retry-After."""
        return max(1, math.ceil((self.until - now).total_seconds()))


def current(failures: Failures, policy: Policy, now: datetime) -> Failures:
    """The failures still counting at `now`: a lockout that ran out, or a pause longer than
    the window, starts the count again."""
    if failures.locked_until is not None:
        return failures if failures.locked_until > now else Failures()
    if failures.last_at is not None and now - failures.last_at > policy.window:
        return Failures()
    return failures


def delay_after(count: int, policy: Policy) -> timedelta:
    """The wait after `count` failures in a row (zero while they are free)."""
    extra = count - policy.free_failures
    if extra <= 0:
        return timedelta(0)
    return min(policy.delay * (1 << min(extra - 1, MAX_DOUBLINGS)), policy.max_delay)


def wait(failures: Failures, policy: Policy, now: datetime) -> Wait | None:
    """How long a new try must wait at `now`, if it must."""
    counted = current(failures, policy, now)
    if counted.locked_until is not None:
        return Wait(until=counted.locked_until, locked=True)
    if counted.last_at is None:
        return None
    until = counted.last_at + delay_after(counted.count, policy)
    return Wait(until=until, locked=False) if until > now else None


def failed(failures: Failures, policy: Policy, now: datetime) -> Failures:
    """The failures after one more at `now`; locked for the lockout once they reach the most
    allowed."""
    counted = current(failures, policy, now)
    count = counted.count + 1
    locked_until = now + policy.lockout if count >= policy.max_failures else None
    return Failures(count=count, last_at=now, locked_until=locked_until)


def newly_locked(before: Failures, after: Failures, now: datetime) -> bool:
    """Whether this failure is the one that locked (so the lock is audited once)."""
    return after.locked_until is not None and not (
        before.locked_until is not None and before.locked_until > now)


def address_key(host: str | None) -> str | None:
    """The key a client address is counted under: IPv4 as it is, IPv6 by its /64 (one site
    usually holds a whole /64), an IPv4-mapped IPv6 address as its IPv4; None when unknown."""
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
