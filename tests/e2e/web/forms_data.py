"""Master data and stock for the entry-form tests: two warehouses (one with a cold room), a
licensed supplier, a device sold in cartons of 10 with stock in storage, and users with and
without the permissions the forms need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from medwms.auth.rules import SYSTEM
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse, Zone
from tests.e2e.web.live import login
from tests.support.builders import gtin, qualified
from tests.support.users import PASSWORD, make_user

DESK = {"width": 1280, "height": 900}
HANDHELD = {"width": 360, "height": 740}
UNIT_GTIN = gtin("0690123600001")
CARTON_GTIN = gtin("1690123600008")
EXPIRY = date.today() + timedelta(days=700)
STOCK = {"LOTT1": 10, "LOTR1": 6, "LOTR2": 4}  # lot → units available in WH1-A-01


@dataclass(frozen=True)
class Forms:
    """What the tests need to know about the prepared world."""

    storage: str
    cold_room: str


def _zone(s: Session, wh: Warehouse, code: str, kind: str, low: int, high: int,
          *locations: str) -> Zone:
    zone = Zone(warehouse_id=wh.id, code=code, name={"RCV": "收货区", "A": "常温库",
                                                     "D": "发货区", "CR": "冷库"}[code],
                kind=kind, temp_min=Decimal(low), temp_max=Decimal(high))
    s.add(zone)
    s.flush()
    s.add_all(Location(warehouse_id=wh.id, zone_id=zone.id, code=code_, barcode=f"#L:{code_}",
                       x=Decimal(n), pick_seq=n, capacity=1000)
              for n, code_ in enumerate(locations, start=1))
    s.flush()
    return zone


def _site(s: Session) -> None:
    first, second = Warehouse(code="WH1", name="上海中心仓"), Warehouse(code="WH2", name="北京仓")
    s.add_all([first, second, Owner(code="SELF", name="本公司")])
    s.flush()
    _zone(s, first, "RCV", "RECEIVING", 10, 30, "WH1-DOCK-01")
    _zone(s, first, "A", "STORAGE", 10, 30, "WH1-A-01", "WH1-A-02")
    _zone(s, first, "D", "SHIPPING", 10, 30, "WH1-SHIP-01")
    _zone(s, first, "CR", "STORAGE", 2, 8, "WH1-CR-01")
    _zone(s, second, "RCV", "RECEIVING", 10, 30, "WH2-DOCK-01")
    _zone(s, second, "A", "STORAGE", 10, 30, "WH2-A-01")


def _device(s: Session) -> Item:
    now = datetime.now(UTC)
    s.add(Partner(code="SUP1", name="迈瑞供应链", kind="SUPPLIER",
                  licence_no="沪食药监械经营20190001",
                  licence_expiry=date.today() + timedelta(days=900), updated_at=now))
    item = Item(code="STENT", name_zh="冠脉支架", name_en="Coronary stent", model="3.0x18",
                manufacturer="MedTech", registration_no="国械注准20193130001",
                registration_expiry=date.today() + timedelta(days=900), tracking="LOT",
                temp_min=Decimal(10), temp_max=Decimal(30), min_remaining_days=180,
                updated_at=now)
    s.add(item)
    s.flush()
    s.add_all([Packaging(gtin=UNIT_GTIN, item_id=item.id, level="unit", quantity=1),
               Packaging(gtin=CARTON_GTIN, item_id=item.id, level="case", quantity=10)])
    s.flush()
    return item


def _stock(s: Session, item: Item) -> None:
    owner = s.query(Owner).filter_by(code="SELF").one()
    place = s.query(Location).filter_by(code="WH1-A-01").one()
    for lot_no, quantity in STOCK.items():
        lot = Lot(item_id=item.id, lot_no=lot_no, expiry=EXPIRY)
        s.add(lot)
        s.flush()
        post(s, actor=SYSTEM, doc_type="RCV", doc_no="RCV-FORMS", lines=[Line(
            kind="RECEIVE", owner_id=owner.id, item_id=item.id, lot_id=lot.id,
            quantity=quantity, to_location_id=place.id, to_status="AVAILABLE")])


def prepare(db: Database) -> Forms:
    """A manager who may use every form, a receiver and a verifier who may not, and the site."""
    make_user(db, "mona", "manager", display_name="主管 Mona")
    make_user(db, "rita", "receiver", display_name="收货员 Rita")
    make_user(db, "vera", "verifier", display_name="复核员 Vera")
    with db.unit_of_work() as uow:
        _site(uow.session)
        _stock(uow.session, _device(uow.session))
        qualified(uow.session)
        uow.commit()
    return Forms(storage="WH1-A-01", cold_room="WH1/CR")


def carton(lot: str, expiry: date, serial: str) -> str:
    """What a scanner types for a carton's GS1 DataMatrix: ]d2, AIs, GS after the lot."""
    return f"]d201{CARTON_GTIN}17{expiry:%y%m%d}10{lot}\x1d21{serial}"


def signed_in(browser: Any, url: str, username: str, viewport: dict[str, int],
              lang: str) -> tuple[Any, Any]:
    """A browser context and page signed in as `username`, the UI in `lang`."""
    context = browser.new_context(viewport=viewport, locale=lang)
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, url, username, PASSWORD)
    page.goto(f"{url}/lang/{lang}?next=/")
    return context, page
