"""Small builders for complaint tests: a customer, a lot-tracked and a serialised item."""

from __future__ import annotations

from dataclasses import dataclass

from medwms.auth.rules import Actor
from medwms.core.db import Database
from medwms.masterdata.tables import Partner
from tests.support.builders import NOW, gtin, make_item, make_lot, make_serial
from tests.support.users import actor_of, make_user

STENT_GTIN = gtin("0690000000501")
PACER_GTIN = gtin("0690000000602")


@dataclass(frozen=True)
class Setting:
    inspector: Actor
    quality: Actor
    picker: Actor


def gs1_udi(gtin14: str, *, lot: str | None = None, serial: str | None = None) -> str:
    """A GS1 element string as a scanner types it (GS between variable fields)."""
    text = f"]d201{gtin14}17280630"
    if lot:
        text += f"10{lot}"
    if serial:
        text += ("\x1d" if lot else "") + f"21{serial}"
    return text


def build_complaint_world(db: Database) -> Setting:
    """HOSP1 (a customer), STENT lots L1/L2 and PACER serials PS-1/PS-2 (lot P1); users."""
    with db.unit_of_work() as uow:
        s = uow.session
        s.add(Partner(code="HOSP1", name="第一医院", name_en="First Hospital", kind="CUSTOMER",
                      updated_at=NOW))
        stent = make_item(s, "STENT", gtin_body=STENT_GTIN[:13])
        make_lot(s, stent, "L1")
        make_lot(s, stent, "L2")
        pacer = make_item(s, "PACER", tracking="SERIAL", gtin_body=PACER_GTIN[:13])
        p1 = make_lot(s, pacer, "P1")
        make_serial(s, pacer, "PS-1", p1)
        make_serial(s, pacer, "PS-2", p1)
        uow.commit()
    return Setting(inspector=actor_of(make_user(db, "ina", "inspector")),
                   quality=actor_of(make_user(db, "qiu", "quality",
                                              display_name="Qiu Quality")),
                   picker=actor_of(make_user(db, "pia", "picker")))
