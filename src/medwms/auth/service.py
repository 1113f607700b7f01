"""Users, passwords, tokens (being written)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from medwms.auth.rules import Actor
from medwms.config import Settings
from medwms.core.errors import NotAuthenticated


def actor_from_token(session: Session, settings: Settings, token: str) -> Actor:
    """The actor behind a bearer token."""
    raise NotAuthenticated()
