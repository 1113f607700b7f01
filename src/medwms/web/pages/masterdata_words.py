"""The words of the master-data pages: each kind's name, each column's label, each choice's
word, as catalogue msgids (the templates translate them)."""

from __future__ import annotations

from medwms.web.menu import N_

KIND_WORDS: dict[str, tuple[str, str]] = {  # kind → (the list's title, one record)
    "items": (N_("Items"), N_("Product")),
    "packaging": (N_("Packaging levels"), N_("Packaging level")),
    "owners": (N_("Stock owners"), N_("Stock owner")),
    "partners": (N_("Partners"), N_("Partner")),
    "warehouses": (N_("Warehouses"), N_("Warehouse")),
    "zones": (N_("Zones"), N_("Zone")),
    "locations": (N_("Locations"), N_("Location")),
}
COLUMN_WORDS: dict[str, str] = {
    "code": N_("Code"), "name": N_("Name"), "name_zh": N_("Name (Chinese)"),
    "name_en": N_("Name (English)"), "model": N_("Model / specification"),
    "manufacturer": N_("Manufacturer"), "registration_no": N_("Registration certificate no."),
    "registration_expiry": N_("Registration valid until"), "risk_class": N_("Device class"),
    "tracking": N_("Tracking"), "temp_min": N_("Lowest storage temperature (°C)"),
    "temp_max": N_("Highest storage temperature (°C)"),
    "humidity_max": N_("Highest relative humidity"), "shelf_life_days": N_("Shelf life (days)"),
    "min_remaining_days": N_("Minimum remaining shelf life (days)"),
    "near_expiry_days": N_("Near-expiry warning (days; empty = the setting)"),
    "implant": N_("Implant"), "unit_cost": N_("Standard unit cost"), "active": N_("In use"),
    "gtin": N_("GTIN (UDI-DI)"), "item_code": N_("Item code"), "level": N_("Packaging level"),
    "quantity": N_("Base units per pack"), "kind": N_("Type"),
    "parent_code": N_("Parent customer"), "licence_no": N_("Licence no."),
    "licence_expiry": N_("Licence valid until"), "licence_kind": N_("Licence type"),
    "licence_scope": N_("Licence scope"), "address": N_("Address"),
    "contact": N_("Contact"), "gln": N_("GLN"), "timezone": N_("Time zone"),
    "separate_release": N_("Receiver may not release (GSP)"),
    "warehouse_code": N_("Warehouse"), "zone_code": N_("Zone"), "barcode": N_("Barcode"),
    "aisle": N_("Aisle"), "bay": N_("Bay"), "x": N_("Position x (m)"),
    "y": N_("Position y (m)"), "pick_seq": N_("Pick sequence"),
    "capacity": N_("Capacity (units)"), "blocked": N_("Blocked"),
}
KIND_COLUMN_WORDS: dict[tuple[str, str], str] = {
    ("locations", "level"): N_("Shelf level"),
    ("partners", "min_remaining_days"): N_("Minimum remaining shelf life (days)"),
    ("partners", "kind"): N_("Partner type"), ("zones", "kind"): N_("Zone type"),
}
CHOICE_WORDS: dict[str, str] = {
    "SUPPLIER": N_("Supplier"), "CUSTOMER": N_("Customer"),
    "DEPARTMENT": N_("Clinical department"), "CARRIER": N_("Logistics carrier"),
    "TRADING": N_("Medical device trading licence"),
    "TRADING_FILING": N_("Medical device trading filing certificate"),
    "MANUFACTURING": N_("Medical device manufacturing licence"),
    "MEDICAL_PRACTICE": N_("Medical institution practice licence"),
    "RECEIVING": N_("Receiving"), "QUARANTINE": N_("Quarantine"), "STORAGE": N_("Storage"),
    "REJECTED": N_("Nonconforming"), "RETURNS": N_("Returns"), "SHIPPING": N_("Shipping"),
    "LOT": N_("By lot"), "SERIAL": N_("By serial"), "LOT_SERIAL": N_("By lot and serial"),
    "I": N_("Class I"), "II": N_("Class II"), "III": N_("Class III"),
    "FROZEN": N_("Frozen (≤ 0 °C)"), "REFRIGERATED": N_("Refrigerated (2–8 °C)"),
    "COOL": N_("Cool (≤ 20 °C)"), "AMBIENT": N_("Ambient"),
}
STATUS_WORDS = {"active": N_("In use"), "inactive": N_("Out of use"), "all": N_("All")}
ACTION_WORDS = {"create": N_("Created"), "update": N_("Changed"),
                "deactivate": N_("Taken out of use"), "reactivate": N_("Back in use"),
                "import": N_("Imported")}
CREDENTIAL_WORDS = {"missing": N_("No licence on file"), "expired": N_("Expired"),
                    "expiring": N_("Expires within 30 days"), "valid": N_("Valid")}
CREDENTIAL_COLOURS = {"missing": "red", "expired": "red", "expiring": "yellow",
                      "valid": "green"}
LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "items": ("code", "name_zh", "model", "registration_no", "risk_class", "tracking"),
    "packaging": ("gtin", "item_code", "level", "quantity"),  # + its status
    "owners": ("code", "name"),
    "partners": ("code", "name", "kind", "licence_no", "licence_expiry"),
    "warehouses": ("code", "name", "gln", "timezone"),
    "zones": ("warehouse_code", "code", "name", "kind", "temp_min", "temp_max"),
    "locations": ("code", "warehouse_code", "zone_code", "aisle", "bay", "level", "pick_seq"),
}


def column_word(kind: str, column: str) -> str:
    """The label msgid of `column` on the pages of `kind`."""
    return KIND_COLUMN_WORDS.get((kind, column)) or COLUMN_WORDS.get(column, column)
