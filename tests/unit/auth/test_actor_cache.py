"""The cache of verified actors: a few seconds at most, never past the token's expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from medwms.auth.actors import ActorCache
from medwms.auth.rules import Actor
from medwms.auth.sessions import Verified
from medwms.auth.tokens import rights_changed, rights_generation
from medwms.config import Settings

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
RITA = Actor(user_id=7, username="rita", roles=frozenset({"receiver"}))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cache_of(seconds: float = 2.0, **kwargs: int) -> tuple[ActorCache, Clock]:
    clock = Clock()
    return ActorCache(seconds, clock=clock, **kwargs), clock


def test_the_default_is_two_seconds_and_five_is_the_most_allowed():
    assert Settings().auth_cache_seconds == 2.0
    assert Settings(auth_cache_seconds=5).auth_cache_seconds == 5
    try:
        Settings(auth_cache_seconds=6)
    except ValueError:
        return
    raise AssertionError("a cache of more than 5 s was accepted")


def test_a_verified_actor_is_kept_for_its_seconds_and_then_forgotten():
    cache, clock = cache_of(2.0)
    cache.put("t", Verified(RITA, None), now=NOW, generation=rights_generation())
    clock.now += 1.9
    assert cache.get("t") == RITA
    clock.now += 0.2
    assert cache.get("t") is None


def test_an_actor_is_never_kept_past_its_token_expiry():
    cache, clock = cache_of(2.0)
    cache.put("t", Verified(RITA, NOW + timedelta(seconds=0.5)), now=NOW,
              generation=rights_generation())
    clock.now += 0.6
    assert cache.get("t") is None
    cache.put("gone", Verified(RITA, NOW - timedelta(seconds=1)), now=NOW,
              generation=rights_generation())
    assert cache.get("gone") is None


def test_zero_seconds_keeps_nothing():
    cache, _ = cache_of(0)
    cache.put("t", Verified(RITA, None), now=NOW, generation=rights_generation())
    assert cache.get("t") is None


def test_a_rights_change_in_this_process_drops_every_kept_actor():
    cache, _ = cache_of(2.0)
    cache.put("t", Verified(RITA, None), now=NOW, generation=rights_generation())
    rights_changed()
    assert cache.get("t") is None


def test_an_actor_read_before_a_rights_change_is_not_kept():
    cache, _ = cache_of(2.0)
    before = rights_generation()
    rights_changed()  # committed while the first read was still under way
    cache.put("t", Verified(RITA, None), now=NOW, generation=before)
    assert cache.get("t") is None


def test_a_full_cache_makes_room_and_keeps_the_newest():
    cache, clock = cache_of(2.0, size=2)
    for token in ("a", "b"):
        cache.put(token, Verified(RITA, None), now=NOW, generation=rights_generation())
    clock.now += 3
    cache.put("c", Verified(RITA, None), now=NOW, generation=rights_generation())
    assert [cache.get(t) for t in ("a", "b", "c")] == [None, None, RITA]
