"""Two admins disabling each other at the same moment: one wins, one admin remains."""

from __future__ import annotations

import threading

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
