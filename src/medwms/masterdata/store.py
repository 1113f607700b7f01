"""Between records (dicts keyed by column names, references as codes) and table rows.

`Lookup.load` reads, in a fixed handful of queries whatever the size of a file, the rows a
command may change and the code ↔ id maps of the records they refer to.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from medwms.core.db import Base
from medwms.masterdata.kinds import Kind
from medwms.masterdata.rules import Context
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse, Zone

Key = tuple[str, ...]
MODELS: dict[str, type[Base]] = {
    "items": Item, "packaging": Packaging, "owners": Owner, "partners": Partner,
    "warehouses": Warehouse, "zones": Zone, "locations": Location,
}
REFERENCE_COLUMNS = frozenset({"item_code", "warehouse_code", "zone_code", "parent_code"})
NEEDS: dict[str, tuple[str, ...]] = {
    "packaging": ("items",), "zones": ("warehouses",), "partners": ("partners",),
    "locations": ("warehouses", "zones", "barcodes"),
}
IN_LIMIT = 500


@dataclass
class Lookup:
    """Existing rows of one kind by key, and code ↔ id maps of what they refer to."""

    existing: dict[Key, Any] = field(default_factory=dict)
    item_ids: dict[str, int] = field(default_factory=dict)
    warehouse_ids: dict[str, int] = field(default_factory=dict)
    zone_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    partner_ids: dict[str, int] = field(default_factory=dict)
    partner_kinds: dict[str, str] = field(default_factory=dict)
    barcode_locations: dict[str, str] = field(default_factory=dict)
    _inverses: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False)

    def codes(self, name: str) -> dict[Any, Any]:
        """The id → code map of the code → id map `name` (e.g. "item_ids")."""
        if name not in self._inverses:
            self._inverses[name] = {v: k for k, v in getattr(self, name).items()}
        return self._inverses[name]

    def context(self, kind: Kind, today: date) -> Context:
        """What the rules need to know, as plain values."""
        gtin_items = {}
        if kind.name == "packaging":
            codes = self.codes("item_ids")
            gtin_items = {p.gtin: codes.get(p.item_id, "") for p in self.existing.values()}
        return Context(today=today, existing=frozenset(self.existing), items=self.item_ids,
                       warehouses=self.warehouse_ids, zones=self.zone_ids,
                       partner_kinds=self.partner_kinds, gtin_items=gtin_items,
                       barcode_locations=self.barcode_locations)

    def remember(self, kind: Kind, row: Any) -> None:
        """Note a freshly written row, so later rows of the same file can refer to it."""
        if kind.name == "partners":
            self.partner_ids[row.code] = row.id
            self.partner_kinds[row.code] = row.kind
            self._inverses.pop("partner_ids", None)


def load(session: Session, kind: Kind, keys: Collection[Key] | None = None) -> Lookup:
    """Existing rows of `kind` (those with `keys`, or all) and the reference maps it needs."""
    lookup = references(session, kind)
    lookup.existing = _existing(session, kind, keys, lookup)
    return lookup


def references(session: Session, kind: Kind) -> Lookup:
    """The code ↔ id maps that records of `kind` refer to (one query per referred table)."""
    lookup = Lookup()
    for need in NEEDS.get(kind.name, ()):
        _LOADERS[need](session, lookup)
    return lookup


def _items(session: Session, lookup: Lookup) -> None:
    lookup.item_ids = dict(session.execute(select(Item.code, Item.id)).all())


def _warehouses(session: Session, lookup: Lookup) -> None:
    lookup.warehouse_ids = dict(session.execute(select(Warehouse.code, Warehouse.id))
                                .all())


def _zones(session: Session, lookup: Lookup) -> None:
    rows = session.execute(select(Warehouse.code, Zone.code, Zone.id)
                           .join(Warehouse, Zone.warehouse_id == Warehouse.id))
    lookup.zone_ids = {(w, z): i for w, z, i in rows}


def _partners(session: Session, lookup: Lookup) -> None:
    rows = session.execute(select(Partner.code, Partner.id, Partner.kind)).all()
    lookup.partner_ids = {code: id_ for code, id_, _ in rows}
    lookup.partner_kinds = {code: kind for code, _, kind in rows}


def _barcodes(session: Session, lookup: Lookup) -> None:
    lookup.barcode_locations = dict(session.execute(select(Location.barcode, Location.code))
                                    .all())


_LOADERS = {"items": _items, "warehouses": _warehouses, "zones": _zones,
            "partners": _partners, "barcodes": _barcodes}


def _existing(session: Session, kind: Kind, keys: Collection[Key] | None,
              lookup: Lookup) -> dict[Key, Any]:
    model = MODELS[kind.name]
    column = getattr(model, kind.key[-1])
    where: ColumnElement[bool] = true()
    if keys is not None and len(keys) <= IN_LIMIT:
        where = column.in_({k[-1] for k in keys})
    rows = session.scalars(select(model).where(where)).all()
    return {key_of_row(kind, row, lookup): row for row in rows}


def key_of_row(kind: Kind, row: Any, lookup: Lookup) -> Key:
    """The key of a table row, with references as codes."""
    if kind.name == "zones":
        return (lookup.codes("warehouse_ids").get(row.warehouse_id, ""), row.code)
    return (str(getattr(row, kind.key[0])),)


def to_record(kind: Kind, row: Any, lookup: Lookup) -> dict[str, Any]:
    """A table row as a record: the kind's columns, references as codes."""
    record = {name: getattr(row, name) for name in kind.column_names
              if name not in REFERENCE_COLUMNS}
    record.update(_reference_codes(kind, row, lookup))
    return {name: record[name] for name in kind.column_names}


def _reference_codes(kind: Kind, row: Any, lookup: Lookup) -> dict[str, Any]:
    if kind.name == "packaging":
        return {"item_code": lookup.codes("item_ids").get(row.item_id)}
    if kind.name == "partners":
        return {"parent_code": lookup.codes("partner_ids").get(row.parent_id)}
    if kind.name not in ("zones", "locations"):
        return {}
    codes = {"warehouse_code": lookup.codes("warehouse_ids").get(row.warehouse_id)}
    if kind.name == "locations":
        codes["zone_code"] = lookup.codes("zone_ids").get(row.zone_id, ("", ""))[1]
    return codes


def apply(kind: Kind, row: Any, values: dict[str, Any], lookup: Lookup, now: datetime) -> None:
    """Write a record's values onto a table row, resolving codes to ids."""
    for name, value in values.items():
        if name not in REFERENCE_COLUMNS:
            setattr(row, name, value)
    for attribute, id_ in _reference_ids(kind, values, lookup).items():
        setattr(row, attribute, id_)
    if hasattr(row, "updated_at"):
        row.updated_at = now


def _reference_ids(kind: Kind, values: dict[str, Any], lookup: Lookup) -> dict[str, Any]:
    if kind.name == "packaging":
        return {"item_id": lookup.item_ids[values["item_code"]]}
    if kind.name == "partners":
        parent = values.get("parent_code")
        return {"parent_id": lookup.partner_ids[parent] if parent else None}
    if kind.name == "zones":
        return {"warehouse_id": lookup.warehouse_ids[values["warehouse_code"]]}
    if kind.name == "locations":
        warehouse = values["warehouse_code"]
        return {"warehouse_id": lookup.warehouse_ids[warehouse],
                "zone_id": lookup.zone_ids[(warehouse, values["zone_code"])]}
    return {}


def new_row(kind: Kind) -> Any:
    """An empty table row of `kind`."""
    return MODELS[kind.name]()


def rows_in_order(kind: Kind, records: Iterable[Any]) -> list[Any]:
    """Records sorted by key, for export."""
    return sorted(records, key=lambda r: tuple(str(r.get(n) or "") for n in kind.key))
