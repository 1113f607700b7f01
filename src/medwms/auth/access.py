"""Who may call a route: anyone, any signed-in user, or whoever holds one of some permissions.

Every route of the API and of the web pages declares its access on its decorator
(`api.deps.needs / signed_in / public` and their page twins in `web.deps`), so the route
table itself says who may call what, and a test walks it against ROLE_PERMISSIONS. The door
refuses an actor without the permission before it reads the request body; the services
check again (defence in depth), and add the warehouse the command touches (guard.require).

A user's roles apply to the warehouses of their scope alike, so "holds the permission in some
warehouse" is `actor.can`: the scope is the services' question, once they know the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from medwms.auth.rules import Actor, Perm, Role
from medwms.core.errors import PermissionDenied


class Audience(StrEnum):
    PUBLIC = "public"  # no sign-in: the login page and token, health, docs, static files
    SIGNED_IN = "signed-in"  # any signed-in user: themself, their password, their session
    PERMISSION = "permission"  # a signed-in user holding one of `perms` (or of `roles`)


@dataclass(frozen=True)
class Access:
    """A route's declared access. `perms` are alternatives: holding any one of them admits;
    `roles` admit their holders whatever they hold (an integrator handles their own tokens)."""

    audience: Audience
    perms: frozenset[Perm] = frozenset()
    roles: frozenset[Role] = frozenset()

    def admits(self, actor: Actor) -> bool:
        """Whether the door lets `actor` (already signed in) through to the route."""
        if self.audience is not Audience.PERMISSION:
            return True
        return any(actor.can(perm) for perm in self.perms) \
            or any(role.value in actor.roles for role in self.roles)

    def check(self, actor: Actor) -> None:
        """Raise PermissionDenied unless the door lets `actor` through."""
        if not self.admits(actor):
            raise PermissionDenied(user=actor.username, permission=self.permission_text)

    @property
    def permission_text(self) -> str:
        """The permissions, as the words of PermissionDenied show them ("a / b")."""
        return " / ".join(sorted(perm.value for perm in self.perms))


PUBLIC = Access(Audience.PUBLIC)
SIGNED_IN = Access(Audience.SIGNED_IN)


def needing(*perms: Perm, roles: Iterable[Role] = ()) -> Access:
    """The access of a route for holders of any of `perms` (or of `roles`)."""
    if not perms:
        raise ValueError("a permission route names at least one permission")
    return Access(Audience.PERMISSION, frozenset(perms), frozenset(roles))
