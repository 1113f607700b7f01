"""What the entry forms offer to choose from: master data as (code, label) pairs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.masterdata.tables import Item, Packaging, Partner, PartnerKind, Warehouse, Zone


@dataclass(frozen=True)
class Product:
    """One GTIN of an item, as a form's product list shows it."""

    gtin: str
    item: str
    name: str
    level: str
    quantity: int


def item_name(item: Item, lang: str) -> str:
    """The item's name in the UI language (the Chinese name when there is no English one)."""
    return item.name_en if lang == "en" and item.name_en else item.name_zh


def warehouses(s: Session) -> list[tuple[str, str]]:
    """Every warehouse: (code, name)."""
    return [(code, name) for code, name in s.execute(
        select(Warehouse.code, Warehouse.name).order_by(Warehouse.code))]


def suppliers(s: Session) -> list[tuple[str, str]]:
    """Active suppliers: (code, name)."""
    return [(code, name) for code, name in s.execute(
        select(Partner.code, Partner.name).where(Partner.kind == PartnerKind.SUPPLIER,
                                                 Partner.active.is_(True))
        .order_by(Partner.code))]


def carriers(s: Session) -> list[tuple[str, str]]:
    """Active carriers (物流承运商): (code, name)."""
    return [(code, name) for code, name in s.execute(
        select(Partner.code, Partner.name).where(Partner.kind == PartnerKind.CARRIER,
                                                 Partner.active.is_(True))
        .order_by(Partner.code))]


def products(s: Session, lang: str, *, in_use_only: bool = False) -> list[Product]:
    """Every GTIN with its item (only those in use: `in_use_only`), by item code and pack
    size."""
    query = select(Packaging, Item).join(Item, Item.id == Packaging.item_id)
    if in_use_only:
        query = query.where(Packaging.active.is_(True))
    rows = s.execute(query.order_by(Item.code, Packaging.quantity, Packaging.gtin))
    return [Product(pack.gtin, item.code, item_name(item, lang), pack.level, pack.quantity)
            for pack, item in rows]


def items(s: Session, lang: str) -> list[tuple[str, str]]:
    """Every item: (code, name in the UI language)."""
    return [(item.code, item_name(item, lang))
            for item in s.scalars(select(Item).order_by(Item.code))]


def zones(s: Session) -> list[tuple[str, str]]:
    """Every zone as ("WH1/CR", "WH1/CR · 冷库")."""
    rows = s.execute(select(Warehouse.code, Zone.code, Zone.name)
                     .join(Warehouse, Warehouse.id == Zone.warehouse_id)
                     .order_by(Warehouse.code, Zone.code))
    return [(f"{wh}/{code}", f"{wh}/{code} · {name}" if name else f"{wh}/{code}")
            for wh, code, name in rows]


def receiving_choices(s: Session, lang: str = "zh-CN") -> dict[str, list[tuple[str, str]]]:
    """Warehouses and active suppliers (code, name in `lang`) for the "receive against a PO"
    form."""
    warehouses = s.execute(select(Warehouse.code, Warehouse.name).order_by(Warehouse.code))
    suppliers = s.execute(select(Partner.code, Partner.name, Partner.name_en).where(
        Partner.kind == PartnerKind.SUPPLIER, Partner.active.is_(True)).order_by(Partner.code))
    return {"warehouses": [(code, name) for code, name in warehouses],
            "suppliers": [(code, en if lang == "en" and en else name)
                          for code, name, en in suppliers]}
