"""The role-based menu: an item is shown when the user holds its permission."""

from __future__ import annotations

from dataclasses import dataclass

from medwms.auth.rules import Actor, Perm


def N_(message: str) -> str:  # noqa: N802 — the gettext convention for "translate later"
    """Mark `message` for the catalogue; the template translates it when rendering."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802 — pgettext's "translate later"
    """Mark `message` for the catalogue under `context` (templates use pgettext(context, …))."""
    return message


@dataclass(frozen=True)
class MenuItem:
    """One entry of the menu: a label (catalogue msgid), a link and who may see it."""

    label: str
    href: str
    permission: Perm
    group: str


MENU: tuple[MenuItem, ...] = (
    MenuItem(N_("Receiving"), "/stations/receiving", Perm.RECEIVE, N_("Stations")),
    MenuItem(N_("Inspection"), "/stations/inspection", Perm.INSPECT, N_("Stations")),
    MenuItem(N_("Putaway"), "/stations/putaway", Perm.STOCK_MOVE, N_("Stations")),
    MenuItem(N_("Picking"), "/stations/picking", Perm.PICK, N_("Stations")),
    MenuItem(N_("Verification"), "/stations/verification", Perm.VERIFY, N_("Stations")),
    MenuItem(N_("Shipping"), "/stations/shipping", Perm.SHIP, N_("Stations")),
    MenuItem(N_("Transfer receiving"), "/stations/transfers", Perm.RECEIVE, N_("Stations")),
    MenuItem(N_("Customer returns"), "/stations/returns", Perm.RECEIVE, N_("Stations")),
    MenuItem(N_("Counting"), "/stations/counting", Perm.COUNT, N_("Stations")),
    MenuItem(N_("Scan check"), "/stations/scan", Perm.STOCK_READ, N_("Stations")),
    MenuItem(N_("Stock"), "/stock", Perm.STOCK_READ, N_("Records")),
    MenuItem(N_("Advance notices"), "/notices", Perm.RECEIVE, N_("Records")),
    MenuItem(N_("Receipts"), "/receipts", Perm.RECEIVE, N_("Records")),
    MenuItem(N_("Orders"), "/orders", Perm.STOCK_READ, N_("Records")),
    MenuItem(N_("Awaiting inspection"), "/inspections", Perm.INSPECT, N_("Records")),
    MenuItem(N_("Count plans"), "/counting", Perm.STOCK_ADJUST, N_("Records")),
    MenuItem(N_("Temperature board"), "/coldchain", Perm.STOCK_READ, N_("Records")),
    MenuItem(N_("Temperature breaches"), "/coldchain/breaches", Perm.INSPECT, N_("Records")),
    MenuItem(N_("Trace"), "/trace", Perm.STOCK_READ, N_("Records")),
    MenuItem(N_("Recalls"), "/recalls", Perm.RECALL_MANAGE, N_("Records")),
    MenuItem(N_("Audit log"), "/audit", Perm.AUDIT_READ, N_("Records")),
    MenuItem(N_("Verification runs"), "/audit/verify", Perm.AUDIT_READ, N_("Records")),
    MenuItem(N_("Qualification files"), "/quality/qualification", Perm.QUALITY_RECORD,
             N_("Quality")),
    MenuItem(N_("Expiring credentials"), "/quality/qualification/expiring", Perm.QUALITY_RECORD,
             N_("Quality")),
    MenuItem(N_("Complaints and adverse events"), "/quality/complaints", Perm.QUALITY_RECORD,
             N_("Quality")),
    MenuItem(N_("Near-expiry stock"), "/quality/near-expiry", Perm.STOCK_READ, N_("Quality")),
    MenuItem(N_("Expired stock to move"), "/quality/expired", Perm.STOCK_READ, N_("Quality")),
    MenuItem(N_("Quality holds and decisions"), "/quality/holds", Perm.QUALITY_RECORD,
             N_("Quality")),
    MenuItem(N_("Destruction records"), "/quality/destructions", Perm.QUALITY_RECORD,
             N_("Quality")),
    MenuItem(N_("In-stock maintenance checks"), "/quality/checks", Perm.QUALITY_RECORD,
             N_("Quality")),
    MenuItem(N_("My alarms"), "/alarms", Perm.STOCK_READ, N_("Quality")),
    MenuItem(N_("Equipment register"), "/quality/equipment", Perm.COLDCHAIN_MANAGE,
             N_("Quality")),
    MenuItem(N_("Alarm recipients"), "/quality/alarm-recipients", Perm.COLDCHAIN_MANAGE,
             N_("Quality")),
    MenuItem(N_("Review blocks"), "/quality/review-blocks", Perm.QUALITY_RECORD, N_("Quality")),
    MenuItem(N_("Manual temperature readings"), "/quality/manual-readings", Perm.STOCK_READ,
             N_("Quality")),
    MenuItem(N_("Overdue manual readings"), "/quality/manual-readings/overdue",
             Perm.STOCK_READ, N_("Quality")),
    MenuItem(N_("Users"), "/users", Perm.USERS_MANAGE, N_("Administration")),
    MenuItem(N_("Roles and permissions"), "/roles", Perm.USERS_MANAGE, N_("Administration")),
    MenuItem(N_("Runtime settings"), "/settings", Perm.SETTINGS_MANAGE, N_("Administration")),
    MenuItem(N_("Archive"), "/archive", Perm.SETTINGS_MANAGE, N_("Administration")),
    *(MenuItem(label, f"/masterdata/{kind}", Perm.MASTERDATA_WRITE, N_("Master data"))
      for kind, label in (("items", N_("Items")), ("packaging", N_("Packaging levels")),
                          ("partners", N_("Partners")), ("owners", N_("Stock owners")),
                          ("warehouses", N_("Warehouses")), ("zones", N_("Zones")),
                          ("locations", N_("Locations")))),
    MenuItem(N_("Import and export"), "/masterdata/files", Perm.MASTERDATA_WRITE,
             N_("Master data")),
)


def menu_for(actor: Actor) -> list[MenuItem]:
    """The items `actor` may use, in menu order."""
    return [item for item in MENU if actor.can(item.permission)]
