"""Master data for the inbound browser test: a warehouse with a dock and storage, a supplier
with a valid licence, a device sold in cartons of 10, a receiver and an inspector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from medwms.auth.rules import SYSTEM
from medwms.core.db import Database
from medwms.masterdata.tables import (
    Item,
    Location,
    Owner,
    Packaging,
    Partner,
    Warehouse,
    Zone,
)
from medwms.receiving.notices import NoticeLineIn, create_notice
from tests.support.builders import gtin, qualified
from tests.support.users import make_user

CARTON_GTIN = gtin("1690123400001")
UNIT_GTIN = gtin("0690123400004")
GOOD_EXPIRY = date.today() + timedelta(days=700)
SHORT_EXPIRY = date.today() + timedelta(days=40)


@dataclass(frozen=True)
class Inbound:
    notice_no: str
    storage: list[str]


def _site(s) -> list[str]:
    now = datetime.now(UTC)
    wh = Warehouse(code="WH1", name="上海中心仓")
    s.add_all([wh, Owner(code="SELF", name="本公司")])
    s.flush()
    dock = Zone(warehouse_id=wh.id, code="RCV", name="收货区", kind="RECEIVING",
                temp_min=Decimal(10), temp_max=Decimal(30))
    store = Zone(warehouse_id=wh.id, code="A", name="常温库", kind="STORAGE",
                 temp_min=Decimal(10), temp_max=Decimal(30))
    s.add_all([dock, store])
    s.flush()
    s.add(Location(warehouse_id=wh.id, zone_id=dock.id, code="WH1-DOCK-01",
                   barcode="#L:WH1-DOCK-01"))
    codes = [f"WH1-A-0{i}" for i in (1, 2)]
    s.add_all(Location(warehouse_id=wh.id, zone_id=store.id, code=code, barcode=f"#L:{code}",
                       x=Decimal(i), pick_seq=i, capacity=1000) for i, code in enumerate(codes, 1))
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
    return codes


def prepare(db: Database) -> Inbound:
    """Users, master data and an advance notice of 20 units of lot LOTA1."""
    make_user(db, "rita", "receiver", display_name="收货员 Rita")
    make_user(db, "ivan", "inspector", display_name="验收员 Ivan")
    with db.unit_of_work() as uow:
        storage = _site(uow.session)
        qualified(uow.session)
        uow.commit()
    notice = create_notice(db, actor=SYSTEM, supplier="SUP1", warehouse="WH1", lines=[
        NoticeLineIn(gtin=CARTON_GTIN, quantity=20, lot="LOTA1", expiry=GOOD_EXPIRY)])
    return Inbound(notice_no=notice.header.notice_no, storage=storage)


def carton(lot: str, expiry: date, serial: str) -> str:
    """What a scanner types for a carton's GS1 DataMatrix: ]d2, AIs, GS after the lot."""
    return f"]d201{CARTON_GTIN}17{expiry:%y%m%d}10{lot}\x1d21{serial}"
