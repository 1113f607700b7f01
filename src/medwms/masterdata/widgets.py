"""How an entry form shows each column of a kind: text, a longer text, number, date, a tick box
or a choice.

Pure: no database. The web door lays its forms out from these and the kinds' columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from medwms.masterdata.kinds import Kind
from medwms.masterdata.tables import LicenceKind, PartnerKind, RiskClass, Tracking, ZoneKind


@dataclass(frozen=True)
class Widget:
    """One field: its input type, the choices of a select, the step of a number, and the
    kind whose codes it names (a warehouse select, an item code)."""

    input: str = "text"
    options: tuple[str, ...] = ()
    step: str = ""
    refers: str = ""


TICK = Widget("checkbox")
DAY = Widget("date")
TENTH, WHOLE = Widget("number", step="0.1"), Widget("number", step="1")
WIDGETS: dict[str, Widget] = {
    "implant": TICK, "active": TICK, "separate_release": TICK, "blocked": TICK,
    "registration_expiry": DAY, "licence_expiry": DAY,
    "risk_class": Widget("select", tuple(RiskClass)),
    "tracking": Widget("select", tuple(Tracking)),
    "licence_kind": Widget("select", tuple(LicenceKind)),
    "licence_scope": Widget("textarea"),
    "temp_min": TENTH, "temp_max": TENTH, "humidity_max": TENTH,
    "shelf_life_days": WHOLE, "min_remaining_days": WHOLE, "near_expiry_days": WHOLE,
    "quantity": WHOLE,
    "pick_seq": WHOLE, "capacity": WHOLE,
    "unit_cost": Widget("number", step="0.0001"),
    "x": Widget("number", step="0.01"), "y": Widget("number", step="0.01"),
    "warehouse_code": Widget("select", refers="warehouses"),
    "zone_code": Widget("text", refers="zones"),
    "item_code": Widget("text", refers="items"),
    "parent_code": Widget("text", refers="partners"),
}
KIND_CHOICES = {"partners": Widget("select", tuple(PartnerKind)),
                "zones": Widget("select", tuple(ZoneKind))}
# Taken out of use and put back by their own commands (with a reason), not by the edit form.
IN_USE_COLUMNS = frozenset({"active", "blocked"})


def widget(kind: Kind, column: str) -> Widget:
    """How the form of `kind` shows `column`."""
    if column == "kind":
        return KIND_CHOICES[kind.name]
    return WIDGETS.get(column, Widget())


def form_columns(kind: Kind) -> tuple[str, ...]:
    """The columns the create and edit forms of `kind` show."""
    return tuple(name for name in kind.column_names if name not in IN_USE_COLUMNS)


def in_use_column(kind: Kind) -> str | None:
    """The column that says whether a record is in use ("active", or "blocked" for
    locations), or None for kinds that are always in use."""
    if not kind.can_deactivate:
        return None
    return next((name for name in kind.column_names if name in IN_USE_COLUMNS), None)
