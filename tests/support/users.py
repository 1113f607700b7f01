"""Small builders of users for tests: a user with roles and a known password."""

from __future__ import annotations

from medwms.auth import queries, service
from medwms.auth.queries import UserView
from medwms.auth.rules import SYSTEM, Actor
from medwms.core.db import Database

PASSWORD = "correct-horse-9"


def make_user(db: Database, username: str = "alice", *roles: str,
              password: str = PASSWORD, display_name: str = "") -> UserView:
    """A user made by the system actor (roles default to picker)."""
    return service.create_user(db, actor=SYSTEM, username=username,
                               display_name=display_name or username.title(),
                               password=password, roles=roles or ("picker",))


def actor_of(user: UserView, db: Database | None = None) -> Actor:
    """The actor a signed-in `user` would be (with their warehouse scope, read from `db`)."""
    warehouses = None
    if db is not None:
        with db.reading() as session:
            warehouses = queries.warehouses_of(session, user.id)
    return Actor(user_id=user.id, username=user.username, roles=frozenset(user.roles),
                 warehouses=warehouses)
