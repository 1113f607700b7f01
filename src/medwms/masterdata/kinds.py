"""The kinds of master data and their columns: what import reads, export writes, the API takes.

A record is a plain dict keyed by these column names; references to other records are
codes (`item_code`, `warehouse_code`, …), never database ids. Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from medwms.masterdata import fields as f
from medwms.masterdata.tables import LicenceKind, PartnerKind, RiskClass, Tracking, ZoneKind

TEMPERATURE = f.decimal(1, Decimal(-273), Decimal(200))
NEAR_EXPIRY_MAX = 3650  # ten years: an item's own near-expiry warning days (G19)


@dataclass(frozen=True)
class Column:
    """One column: its name, how a value is parsed, whether it is required, its default."""

    name: str
    parse: f.Parser
    required: bool = False
    default: Any = None


@dataclass(frozen=True)
class Kind:
    """A kind of master data: its name in URLs and files, columns and key columns."""

    name: str
    entity: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("code",)
    can_deactivate: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def key_of(self, record: dict[str, Any]) -> tuple[str, ...]:
        """The key values of a parsed record."""
        return tuple(str(record.get(name, "")) for name in self.key)


def key_text(key: tuple[str, ...]) -> str:
    """A key as one string (zones are `WAREHOUSE:ZONE`), used in URLs and the audit log."""
    return ":".join(key)


def _col(name: str, parse: f.Parser, *, required: bool = False, default: Any = None) -> Column:
    return Column(name, parse, required, default)


ITEMS = Kind("items", "item", (
    _col("code", f.code(40), required=True),
    _col("name_zh", f.text(200), required=True),
    _col("name_en", f.text(200), default=""),
    _col("model", f.text(200), default=""),
    _col("manufacturer", f.text(200), default=""),
    _col("registration_no", f.text(100), default=""),
    _col("registration_expiry", f.iso_date),
    _col("risk_class", f.choice(*RiskClass), required=True),
    _col("tracking", f.choice(*Tracking), required=True),
    _col("temp_min", TEMPERATURE),
    _col("temp_max", TEMPERATURE),
    _col("humidity_max", f.decimal(1, Decimal(0), Decimal(100))),
    _col("shelf_life_days", f.integer(1)),
    _col("min_remaining_days", f.integer(0), default=0),
    _col("implant", f.boolean, default=False),
    _col("unit_cost", f.decimal(4, Decimal(0), Decimal("9999999999"))),
    _col("active", f.boolean, default=True),
    _col("near_expiry_days", f.integer(0, NEAR_EXPIRY_MAX)),
))

PACKAGING = Kind("packaging", "packaging", (
    _col("gtin", f.gtin, required=True),
    _col("item_code", f.code(40), required=True),
    _col("level", f.text(20), default="unit"),
    _col("quantity", f.integer(1), required=True),
    _col("active", f.boolean, default=True),
), key=("gtin",))

OWNERS = Kind("owners", "owner", (
    _col("code", f.code(40), required=True),
    _col("name", f.text(200), required=True),
), can_deactivate=False)

PARTNERS = Kind("partners", "partner", (
    _col("code", f.code(40), required=True),
    _col("name", f.text(200), required=True),
    _col("name_en", f.text(200), default=""),
    _col("kind", f.choice(*PartnerKind), required=True),
    _col("parent_code", f.code(40)),
    _col("licence_no", f.text(100), default=""),
    _col("licence_expiry", f.iso_date),
    _col("licence_kind", f.choice(*LicenceKind)),
    _col("licence_scope", f.text(500), default=""),
    _col("min_remaining_days", f.integer(0), default=0),
    _col("address", f.text(300), default=""),
    _col("contact", f.text(100), default=""),
    _col("active", f.boolean, default=True),
))

WAREHOUSES = Kind("warehouses", "warehouse", (
    _col("code", f.code(20), required=True),
    _col("name", f.text(200), required=True),
    _col("gln", f.gln),
    _col("timezone", f.timezone, default="Asia/Shanghai"),
    _col("separate_release", f.boolean, default=True),
), can_deactivate=False)

ZONES = Kind("zones", "zone", (
    _col("warehouse_code", f.code(20), required=True),
    _col("code", f.code(20), required=True),
    _col("name", f.text(200), default=""),
    _col("kind", f.choice(*ZoneKind), required=True),
    _col("temp_min", TEMPERATURE),
    _col("temp_max", TEMPERATURE),
), key=("warehouse_code", "code"), can_deactivate=False)

LOCATIONS = Kind("locations", "location", (
    _col("code", f.code(40), required=True),
    _col("warehouse_code", f.code(20), required=True),
    _col("zone_code", f.code(20), required=True),
    _col("barcode", f.text(80)),
    _col("aisle", f.text(10), default=""),
    _col("bay", f.text(10), default=""),
    _col("level", f.text(10), default=""),
    _col("x", f.decimal(2, Decimal(-999999), Decimal(999999)), default=Decimal(0)),
    _col("y", f.decimal(2, Decimal(-999999), Decimal(999999)), default=Decimal(0)),
    _col("pick_seq", f.integer(0), default=0),
    _col("capacity", f.integer(0)),
    _col("blocked", f.boolean, default=False),
))

KINDS: dict[str, Kind] = {k.name: k for k in
                          (ITEMS, PACKAGING, OWNERS, PARTNERS, WAREHOUSES, ZONES, LOCATIONS)}
