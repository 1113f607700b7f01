"""Master data and stock for the outbound browser test: a warehouse whose bins are numbered
against the walking order (so the route beats the plain order), a hospital, three devices
(one cold-chain), stock in storage — and lots that allocation must pass over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from medwms.auth.rules import SYSTEM
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse, Zone
from tests.support.builders import gtin, qualified
from tests.support.users import make_user

STENT = gtin("0690123500001")
GUIDE = gtin("0690123500002")
COLD = gtin("0690123500003")
TODAY = date.today()
EARLY = TODAY + timedelta(days=400)   # LOTA: the FEFO choice
LATE = TODAY + timedelta(days=800)    # LOTB: same bin, later expiry → a wrong-lot scan
SHORT = TODAY + timedelta(days=10)    # LOTX: too little shelf life for the hospital
CUSTOMER_NAME = "北京协和医院"
# (code, x, y, pick sequence): the plain order zigzags across the aisle.
BINS = (("A-01", 20, 2, 1), ("A-02", 2, 2, 2), ("A-03", 18, 2, 3), ("A-04", 4, 2, 4))


@dataclass(frozen=True)
class Outbound:
    customer_id: int
    storage: dict[str, str]


def _site(s: Session) -> dict[str, int]:
    wh = Warehouse(code="WH1", name="上海中心仓")
    s.add_all([wh, Owner(code="SELF", name="本公司")])
    s.flush()
    zones = {kind: Zone(warehouse_id=wh.id, code=code, name=name, kind=kind)
             for code, name, kind in (("A", "常温库", "STORAGE"), ("D", "发货区", "SHIPPING"),
                                      ("R", "退货区", "RETURNS"))}
    s.add_all(zones.values())
    s.flush()
    places: dict[str, int] = {}
    spots = [(code, "STORAGE", x, y, seq) for code, x, y, seq in BINS]
    for short, kind, x, y, seq in [*spots, ("SHIP-01", "SHIPPING", 0, 0, 0),
                                  ("RET-01", "RETURNS", 0, 9, 0)]:
        location = Location(warehouse_id=wh.id, zone_id=zones[kind].id, code=f"WH1-{short}",
                            barcode=f"#L:WH1-{short}", x=Decimal(x), y=Decimal(y), pick_seq=seq)
        s.add(location)
        s.flush()
        places[short] = location.id
    return places


def _items(s: Session) -> dict[str, int]:
    now = datetime.now(UTC)
    found = {}
    for code, zh, en, code_gtin, low, high in (
            ("STENT", "冠脉支架", "Coronary stent", STENT, 10, 30),
            ("GUIDE", "导丝", "Guide wire", GUIDE, 10, 30),
            ("REAGENT", "体外诊断试剂", "IVD reagent", COLD, 2, 8)):
        item = Item(code=code, name_zh=zh, name_en=en, model="3.0x18", tracking="LOT",
                    manufacturer="上海微创医疗器械", registration_no=f"国械注准2019313{len(code)}",
                    registration_expiry=TODAY + timedelta(days=900), temp_min=Decimal(low),
                    temp_max=Decimal(high), updated_at=now)
        s.add(item)
        s.flush()
        s.add(Packaging(gtin=code_gtin, item_id=item.id, level="unit", quantity=1))
        found[code] = item.id
    return found


def _stock(s: Session, owner: int, item: int, lot_no: str, expiry: date, quantity: int,
           location: int, status: str = "AVAILABLE") -> None:
    lot = Lot(item_id=item, lot_no=lot_no, expiry=expiry)
    s.add(lot)
    s.flush()
    post(s, actor=SYSTEM, doc_type="RCV", doc_no="RCV-E2E", lines=[Line(
        kind="RECEIVE", owner_id=owner, item_id=item, lot_id=lot.id, quantity=quantity,
        to_location_id=location, to_status=status)])


def prepare(db: Database) -> Outbound:
    """Users (a picker who may also verify, pack and ship; a verifier; a manager), site,
    hospital, stock."""
    make_user(db, "pete", "picker", "verifier", "shipper", display_name="拣货员 Pete")
    make_user(db, "vera", "verifier", display_name="复核员 Vera")
    make_user(db, "mia", "manager", display_name="主管 Mia")
    with db.unit_of_work() as uow:
        s = uow.session
        places, items = _site(s), _items(s)
        owner = s.query(Owner).filter_by(code="SELF").one().id
        customer = Partner(code="HOSP1", name=CUSTOMER_NAME, kind="CUSTOMER",
                           licence_no="京械经营许20200001",
                           licence_expiry=TODAY + timedelta(days=900),
                           min_remaining_days=30, address="北京市东城区帅府园1号",
                           contact="王医生 010-69156114", updated_at=datetime.now(UTC))
        s.add(customer)
        for args in (("STENT", "LOTA", EARLY, 5, "A-01"), ("STENT", "LOTB", LATE, 5, "A-01"),
                     ("STENT", "LOTX", SHORT, 5, "A-04"), ("GUIDE", "LOTG", EARLY, 4, "A-02"),
                     ("GUIDE", "LOTQ", EARLY - timedelta(days=30), 4, "A-04", "QUARANTINE"),
                     ("REAGENT", "LOTC", EARLY, 3, "A-03")):
            item, lot, expiry, quantity, at, *status = args
            _stock(s, owner, items[item], lot, expiry, quantity, places[at], *status)
        qualified(s)
        uow.commit()
        return Outbound(customer_id=customer.id, storage={k: f"WH1-{k}" for k in places})


def unit(code_gtin: str, lot: str, expiry: date) -> str:
    """What a scanner types for a unit's GS1 DataMatrix: ]d2, GTIN, expiry, lot."""
    return f"]d201{code_gtin}17{expiry:%y%m%d}10{lot}"
