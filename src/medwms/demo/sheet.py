"""The demo barcode sheet: what a person with a scanner (or a phone screen) needs to walk
the demo's day, read from the database as it is now.

Sections: the day's document numbers (`#D:`), the units on the advance notice, the stock
allocated to the wave, the lots the open order can take, what lies in the counted zone, the
recalled lot, and every location label. A lot's symbol names the largest pack that divides
the quantity to scan, and how many times to scan it; a serial is one symbol per unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.barcode.labels import DeviceLabel, DocumentLabel, LocationLabel
from medwms.barcode.render_data import UdiData, internal_document_text, internal_location_text
from medwms.barcode.symbols import SymbolData, SymbolKind
from medwms.demo.numbers import DemoDocuments, documents
from medwms.ledger import queries as ledger
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Location, Packaging, Warehouse, Zone
from medwms.orders import queries as orders
from medwms.recall import queries as recalls
from medwms.receiving import queries as receiving
from medwms.shipping.queries import storage_text

SheetLabel = DeviceLabel | LocationLabel | DocumentLabel
COUNTED = ("BJ1", "QA")
SECTIONS = ("documents", "notice", "wave", "open_order", "count", "recall", "locations")
DOCUMENT_KINDS = {  # what the printed label says a document is
    "notice": "到货通知 Advance notice", "wave": "拣货波次 Wave", "order": "出库单 Order",
    "open_order": "出库单（待分配） Order to allocate", "count_plan": "盘点计划 Count plan",
    "shipped_order": "出库单（已发货） Shipped order", "shipment": "发货单 Shipment",
    "mock_recall": "模拟召回 Mock recall"}


@dataclass(frozen=True)
class Code:
    """One barcode of the sheet: its label, how often to scan it (0: as needed), where the
    units lie, and for a document what it is (notice, wave, order …)."""

    label: SheetLabel
    scans: int = 0
    where: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    codes: tuple[Code, ...]


@dataclass(frozen=True)
class Sheet:
    """The demo's documents and the barcodes to walk its day, section by section."""

    documents: DemoDocuments
    sections: tuple[Section, ...]

    @property
    def codes(self) -> list[Code]:
        """Every code of every section, in order."""
        return [code for section in self.sections for code in section.codes]


def symbol_of(label: SheetLabel) -> tuple[SymbolKind, SymbolData]:
    """The symbol a sheet label carries: GS1 DataMatrix for a unit, Code 128 otherwise."""
    if isinstance(label, DeviceLabel):
        return SymbolKind.GS1_DATAMATRIX, label.udi
    if isinstance(label, LocationLabel):
        return SymbolKind.CODE128, internal_location_text(label.code)
    return SymbolKind.CODE128, internal_document_text(label.number)


def demo_sheet(session: Session) -> Sheet:
    """The sheet of the demo as it is in the database now."""
    found = documents(session)
    items = _Items(session)
    built = {"documents": _documents(found), "notice": _notice(session, items, found),
             "wave": _allocated(session, items, found.wave_orders),
             "open_order": _open_order(session, items, found),
             "count": _counted(session, items), "recall": _recalled(session, items, found),
             "locations": _locations(session)}
    return Sheet(found, tuple(Section(key, tuple(built[key])) for key in SECTIONS))


class _Items:
    """Items by code with their packaging levels, read once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.found: dict[str, tuple[Item, list[tuple[str, int]]]] = {}

    def get(self, code: str) -> tuple[Item, list[tuple[str, int]]]:
        if code not in self.found:
            item = self.session.scalars(select(Item).where(Item.code == code)).one()
            packs = [(g, q) for g, q in self.session.execute(
                select(Packaging.gtin, Packaging.quantity).where(Packaging.item_id == item.id)
                .order_by(Packaging.quantity))]
            self.found[code] = (item, packs)
        return self.found[code]

    def label(self, code: str, *, lot: str | None, serial: str | None, expiry: date | None,
              quantity: int = 1, produced: date | None = None) -> tuple[DeviceLabel, int]:
        """A unit label of the largest pack dividing `quantity`, and how many to scan."""
        item, packs = self.get(code)
        gtin, per_pack = next(((g, q) for g, q in reversed(packs) if quantity % q == 0),
                              packs[0])
        udi = UdiData(gtin, lot=lot, serial=serial, expiry=expiry, production_date=produced)
        return DeviceLabel(udi, item.name_zh, item.name_en, item.model,
                           storage_text(item)), quantity // per_pack


def _documents(found: DemoDocuments) -> list[Code]:
    named = [(found.notice, "notice"), (found.wave, "wave"),
             *((n, "order") for n in found.wave_orders), (found.open_order, "open_order"),
             (found.count_plan, "count_plan"), (found.shipped_order, "shipped_order"),
             (found.shipment, "shipment"), (found.mock_recall, "mock_recall")]
    return [Code(DocumentLabel(number, DOCUMENT_KINDS[kind]), kind=kind)
            for number, kind in named if number]


def _notice(session: Session, items: _Items, found: DemoDocuments) -> list[Code]:
    if found.notice is None:
        return []
    codes = []
    for line in receiving.get_notice(session, found.notice).lines:
        expiry, made = _day(line.expiry), _day(line.production_date)
        serials: list[str | None] = list(line.serials) or [None]
        for serial in serials:
            quantity = 1 if serial else line.quantity
            label, scans = items.label(line.item, lot=line.lot, serial=serial, expiry=expiry,
                                       quantity=quantity, produced=made)
            codes.append(Code(label, scans))
    return codes


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def order_codes(session: Session, order_no: str) -> list[Code]:
    """The unit barcodes of what order `order_no` has allocated, with their locations."""
    return _allocated(session, _Items(session), [order_no])


def _allocated(session: Session, items: _Items, numbers: Iterable[str]) -> list[Code]:
    codes = []
    for number in numbers:
        for line in orders.order_view(session, number).lines:
            for a in line.allocations:
                label, scans = items.label(line.item, lot=a.lot, serial=a.serial,
                                           expiry=a.expiry, quantity=a.quantity)
                codes.append(Code(label, scans, a.location))
    return codes


def _open_order(session: Session, items: _Items, found: DemoDocuments) -> list[Code]:
    if found.open_order is None:
        return []
    codes = []
    for line in orders.order_view(session, found.open_order).lines:
        rows = ledger.stock(session, ledger.StockFilter(item=line.item, warehouse="SH1",
                                                        status="AVAILABLE"))
        for row in rows:
            label, _ = items.label(line.item, lot=row.lot, serial=row.serial,
                                   expiry=row.expiry, quantity=line.quantity)
            codes.append(Code(label, 0, row.location))
    return codes


def _counted(session: Session, items: _Items) -> list[Code]:
    warehouse, zone = COUNTED
    rows = ledger.stock(session, ledger.StockFilter(warehouse=warehouse, zone=zone))
    return [Code(items.label(row.item, lot=row.lot, serial=row.serial, expiry=row.expiry)[0],
                 0, row.location) for row in rows]


def _recalled(session: Session, items: _Items, found: DemoDocuments) -> list[Code]:
    if found.mock_recall is None:
        return []
    view = recalls.recall_view(session, found.mock_recall)
    codes = []
    for lot in view.scope.get("lots", []):
        expiry = session.scalar(select(Lot.expiry).join(Item, Item.id == Lot.item_id).where(
            Item.code == view.item, Lot.lot_no == lot))
        codes.append(Code(items.label(view.item, lot=lot, serial=None, expiry=expiry)[0]))
    return codes


def _locations(session: Session) -> list[Code]:
    rows = session.execute(select(Location.code, Zone.name).join(
        Zone, Zone.id == Location.zone_id).join(Warehouse, Warehouse.id == Location.warehouse_id)
        .order_by(Warehouse.code.desc(), Zone.id, Location.pick_seq, Location.code))
    return [Code(LocationLabel(code, zone=zone[:40])) for code, zone in rows]
