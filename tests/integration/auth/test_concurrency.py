"""Two admins disabling each other at the same moment: one wins, one admin remains."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from medwms.auth import service
from medwms.auth.errors import LastAdmin
from medwms.auth.tables import User
from tests.support.users import actor_of, make_user


def test_two_admins_disabling_each_other_leave_one_admin(db):
    one = actor_of(make_user(db, "one", "admin"))
    two = actor_of(make_user(db, "two", "admin"))
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def disable(actor, target):
        barrier.wait()
        try:
            service.disable_user(db, actor=actor, username=target)
            outcomes[target] = "disabled"
        except LastAdmin:
            outcomes[target] = "refused"
        except Exception as error:  # a deadlock or lock error would land here
            outcomes[target] = repr(error)

    threads = [threading.Thread(target=disable, args=(one, "two")),
               threading.Thread(target=disable, args=(two, "one"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["disabled", "refused"]
    with db.reading() as s:
        assert len(s.scalars(select(User).where(User.active.is_(True))).all()) == 1


def test_two_admins_editing_each_other_at_once_both_succeed(db, monkeypatch):
    """Each command locks its target's row, then appends an audit record naming its actor —
    the other command's target. The audit insert's key-share lock on the actor's row must not
    wait for the other command's row lock (FOR NO KEY UPDATE, not FOR UPDATE): it deadlocked."""
    if db.dialect != "postgresql":
        pytest.skip("row lock modes are PostgreSQL's (SQLite serialises writers whole)")
    one = actor_of(make_user(db, "one", "admin"))
    two = actor_of(make_user(db, "two", "admin"))
    both_locked = threading.Barrier(2, timeout=10)
    audit = service.record_audit

    def audit_when_both_hold_their_row(*args, **kwargs):
        both_locked.wait()  # each command holds its target's row now
        return audit(*args, **kwargs)

    monkeypatch.setattr(service, "record_audit", audit_when_both_hold_their_row)
    outcomes: dict[str, str] = {}

    def rename(actor, target):
        try:
            service.update_user(db, actor=actor, username=target, display_name=f"{target} 2")
            outcomes[target] = "renamed"
        except Exception as error:  # a deadlock lands here
            outcomes[target] = repr(error)

    threads = [threading.Thread(target=rename, args=(one, "two")),
               threading.Thread(target=rename, args=(two, "one"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == {"one": "renamed", "two": "renamed"}
    with db.reading() as s:
        names = sorted(s.scalars(select(User.display_name)).all())
    assert names == ["one 2", "two 2"]
