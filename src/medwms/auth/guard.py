"""Permission checks, called by every service before it does anything."""

from __future__ import annotations

from medwms.auth.rules import Actor, Perm
from medwms.core.errors import PermissionDenied


def require(actor: Actor, permission: Perm) -> None:
    """Raise PermissionDenied unless `actor` holds `permission`."""
    if not actor.can(permission):
        raise PermissionDenied(user=actor.username, permission=permission.value)
