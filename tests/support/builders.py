"""Small builders of master data for tests: a warehouse with zones and locations, items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from medwms.barcode.checkdigit import gs1_check_digit
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Warehouse, Zone
from medwms.qualification.service import file_existing

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def gtin(body13: str) -> str:
    """A valid GTIN-14 from 13 digits."""
    return body13 + str(gs1_check_digit(body13))


@dataclass
class Site:
    warehouse: Warehouse
    owner: Owner
    locations: list[Location]


def make_site(session: Session, code: str = "WH1", *, locations: int = 3,
              owner: Owner | None = None) -> Site:
    """A warehouse with one storage zone and `locations` bins, plus the SELF owner."""
    warehouse = Warehouse(code=code, name=f"Warehouse {code}")
    session.add(warehouse)
    session.flush()
    zone = Zone(warehouse_id=warehouse.id, code="S", name="Storage", kind="STORAGE")
    session.add(zone)
    session.flush()
    bins = [Location(warehouse_id=warehouse.id, zone_id=zone.id, code=f"{code}-A-{i:02d}",
                     barcode=f"#L:{code}-A-{i:02d}", x=Decimal(i), y=Decimal(0), pick_seq=i)
            for i in range(1, locations + 1)]
    session.add_all(bins)
    if owner is None:
        owner = session.query(Owner).filter_by(code="SELF").one_or_none()
    if owner is None:
        owner = Owner(code="SELF", name="Our company")
        session.add(owner)
    session.flush()
    return Site(warehouse, owner, bins)


def qualified(session: Session) -> int:
    """Approved qualification files for every supplier, customer and item the test made
    (test data stands for parties and products quality approved long ago)."""
    session.flush()
    return file_existing(session, now=NOW, note="test data")


def make_item(session: Session, code: str = "ITEM1", *, tracking: str = "LOT",
              gtin_body: str | None = None, pack: int = 1) -> Item:
    item = Item(code=code, name_zh=f"器械{code}", name_en=f"Device {code}", tracking=tracking,
                updated_at=NOW)
    session.add(item)
    session.flush()
    if gtin_body:
        session.add(Packaging(gtin=gtin(gtin_body), item_id=item.id, quantity=pack))
        session.flush()
    qualified(session)
    return item


def make_lot(session: Session, item: Item, lot_no: str = "L1",
             expiry: date | None = date(2028, 6, 30)) -> Lot:
    lot = Lot(item_id=item.id, lot_no=lot_no, expiry=expiry)
    session.add(lot)
    session.flush()
    return lot


def make_serial(session: Session, item: Item, serial: str, lot: Lot | None = None) -> SerialUnit:
    unit = SerialUnit(item_id=item.id, serial=serial, lot_id=lot.id if lot else None)
    session.add(unit)
    session.flush()
    return unit
