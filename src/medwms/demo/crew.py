"""The demo's people as actors: each role's demo user acts in that role's own name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.passwords import password_matches
from medwms.auth.rules import Actor, Role
from medwms.auth.tables import User
from medwms.core.db import Database
from medwms.demo.catalogue import demo_password


@dataclass(frozen=True)
class Crew:
    """The demo users who work the demo's day, and whether the quality manager can still sign."""

    receiver: Actor
    picker: Actor
    verifier: Actor
    shipper: Actor
    manager: Actor
    quality: Actor
    quality_signs: bool  # the quality manager's demo password still works (a signature needs it)


def actor_of(session: Session, role: Role) -> Actor:
    """The demo user of `role` as an actor holding that one role."""
    user = session.scalars(select(User).where(User.username == role.value)).one()
    return Actor(user_id=user.id, username=user.username, roles=frozenset({role}))


def crew(db: Database) -> Crew:
    """The demo's receiver, picker, verifier, shipper, manager and quality manager."""
    with db.reading() as session:
        return Crew(receiver=actor_of(session, Role.RECEIVER),
                    picker=actor_of(session, Role.PICKER),
                    verifier=actor_of(session, Role.VERIFIER),
                    shipper=actor_of(session, Role.SHIPPER),
                    manager=actor_of(session, Role.MANAGER),
                    quality=actor_of(session, Role.QUALITY_MANAGER),
                    quality_signs=_signs(session, Role.QUALITY_MANAGER))


def _signs(session: Session, role: Role) -> bool:
    """Whether the demo user of `role` still has the published demo password."""
    user = session.scalars(select(User).where(User.username == role.value)).one()
    return password_matches(user.password_hash, demo_password(role))
