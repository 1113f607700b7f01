"""Permission checks, called by every service before it does anything.

Three questions: does the actor hold the permission (`require`); is the warehouse the command
touches in the actor's scope (`require(..., warehouse_id=)`, `require_scope`); and may the
actor see a document at all (`out_of_sight`: a document of a warehouse outside the scope reads
as not found). A company-wide command asks `require_every_warehouse`.

Reads filter by the scope in one place: a table says which column places its rows in a
warehouse (`in_warehouse`), and a session opened with `reading_as(db, actor)` adds the clause
to every ORM SELECT of those tables, so a list shows only the actor's warehouses and a single
document of another warehouse is simply not found. `scope_filter` is that clause, for a
query written by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, event, false, or_, select, true
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from medwms.auth.rules import Actor, Perm
from medwms.core.db import Database
from medwms.core.errors import EveryWarehouseNeeded, PermissionDenied, WarehouseOutOfScope

_SCOPE = "medwms_scope"  # the key of a scoped reading's actor in Session.info
_PLACED: dict[type, Callable[[Actor], ColumnElement[bool]]] = {}  # model -> its clause


def require(actor: Actor, permission: Perm, *, warehouse_id: int | None = None,
            warehouse: str = "") -> None:
    """Raise PermissionDenied unless `actor` holds `permission`, and WarehouseOutOfScope if
    `warehouse_id` (named `warehouse` in the message) is outside the actor's warehouses."""
    if not actor.can(permission):
        raise PermissionDenied(user=actor.username, permission=permission.value)
    require_scope(actor, warehouse_id, warehouse=warehouse)


def require_scope(actor: Actor, warehouse_id: int | None, *, warehouse: str = "") -> None:
    """Raise WarehouseOutOfScope unless warehouse `warehouse_id` is in the actor's scope."""
    if not actor.covers(warehouse_id):
        raise WarehouseOutOfScope(user=actor.username,
                                  warehouse=warehouse or f"#{warehouse_id}")


def require_every_warehouse(actor: Actor, permission: Perm) -> None:
    """Raise PermissionDenied unless `actor` holds `permission`, and EveryWarehouseNeeded
    unless their scope is every warehouse: the command is company-wide."""
    require(actor, permission)
    if actor.warehouses is not None:
        raise EveryWarehouseNeeded(user=actor.username, permission=permission.value)


def out_of_sight(actor: Actor, *warehouse_ids: int | None) -> bool:
    """Whether a document placed in `warehouse_ids` (a transfer: both its ends) is hidden
    from `actor`: none of them is in the scope. Its service then raises the not-found error
    an unknown number gets, for a read and for a write alike. A None (an order that is no
    transfer has no receiving end) places it nowhere; a document placed nowhere is seen."""
    placed = [warehouse_id for warehouse_id in warehouse_ids if warehouse_id is not None]
    return bool(placed) and not any(actor.covers(warehouse_id) for warehouse_id in placed)


def scope_filter(actor: Actor, warehouse_column: Any) -> ColumnElement[bool]:
    """A WHERE clause keeping rows whose `warehouse_column` is in the actor's scope."""
    if actor.warehouses is None:
        return true()
    if not actor.warehouses:
        return false()
    return warehouse_column.in_(sorted(actor.warehouses))  # type: ignore[no-any-return]


def in_warehouse(*columns: Any, unplaced_visible: bool = False) -> None:
    """Declare that a model's rows belong to the warehouse(s) in `columns`: a row is seen when
    any of them is in scope (with `unplaced_visible`, also when the first one is NULL)."""

    def clause(actor: Actor) -> ColumnElement[bool]:
        clauses = [scope_filter(actor, column) for column in columns]
        if unplaced_visible:
            clauses.append(columns[0].is_(None))
        return or_(*clauses)

    _PLACED[columns[0].class_] = clause


def placed_through(foreign_key: Any, parent: type) -> None:
    """Declare that a model's rows are seen when the `parent` row `foreign_key` names is (an
    excursion with its sensor, a pick with its wave)."""
    key = next(iter(foreign_key.property.columns))
    target = next(iter(key.foreign_keys)).column

    def clause(actor: Actor) -> ColumnElement[bool]:
        return foreign_key.in_(  # type: ignore[no-any-return]
            select(target).where(_PLACED[parent](actor)).scalar_subquery())

    _PLACED[foreign_key.class_] = clause


def placed_models() -> tuple[type, ...]:
    """The models whose scoped readings are filtered by warehouse."""
    return tuple(_PLACED)


@contextmanager
def reading_as(db: Database, actor: Actor) -> Iterator[Session]:
    """`db.reading()`, seen through `actor`'s scope: every SELECT of a placed model keeps to
    the actor's warehouses (an actor of every warehouse reads everything)."""
    with db.reading() as session, seeing_as(session, actor):
        yield session


@contextmanager
def seeing_as(session: Session, actor: Actor) -> Iterator[Session]:
    """Within the block, `session`'s SELECTs keep to `actor`'s scope: a command looks up its
    document as the actor sees it, so another warehouse's is not found."""
    before = session.info.get(_SCOPE)
    session.info[_SCOPE] = actor
    try:
        yield session
    finally:
        if before is None:
            session.info.pop(_SCOPE, None)
        else:
            session.info[_SCOPE] = before


def scoped(session: Session) -> bool:
    """Whether `session`'s ORM SELECTs keep to an actor's scope of some warehouses only: a
    statement sent past the ORM (`Connection.execute`) would see every warehouse."""
    actor = session.info.get(_SCOPE)
    return actor is not None and actor.warehouses is not None


@event.listens_for(Session, "do_orm_execute")
def _keep_to_scope(state: ORMExecuteState) -> None:
    if not scoped(state.session) or not state.is_select:
        return
    actor = state.session.info[_SCOPE]
    # The clauses name the tables themselves, so an aliased() join of a placed table is not
    # filtered: the queries alias a table only for rows joined to a row that is (the source
    # and target locations of a movement, a sensor's zone, a plan's first task).
    state.statement = state.statement.options(*(
        with_loader_criteria(model, clause(actor)) for model, clause in _PLACED.items()))
