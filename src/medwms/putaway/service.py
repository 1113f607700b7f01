"""The putaway station: scan a unit (or SSCC), see where it goes, scan the location.

`suggest` reads; `confirm` posts PUTAWAY movements (doc_type "PUT"). A confirm locks the
warehouse's chain head before it reads the stock it moves and the contents of the target,
so two stations never put the same units away twice nor overfill one location.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import PermissionDenied
from medwms.core.ids import new_doc_no
from medwms.equipment.queries import refuse_lapsed_zone
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import MovementKind
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.storage import is_cold_chain
from medwms.masterdata.tables import Location
from medwms.putaway import errors, queries, rules
from medwms.putaway.rules import Candidate, Goods, NoFit, Suggestion
from medwms.putaway.selection import Picked, StockIdentity, location_of, pick_stock

# Overriding the suggested location needs this permission.
OVERRIDE = Perm.PUTAWAY_OVERRIDE
DOC_TYPE = "PUT"


@dataclass(frozen=True)
class Proposal:
    """What a unit scan names and where it should go."""

    warehouse: str
    owner: str
    item: str
    item_name: str
    lot: str | None
    serial: str | None
    sscc: str | None
    from_location: str
    status: str
    quantity: int
    item_range: str
    suggested_location: str
    reason: str
    why_en: str
    why_zh: str


@dataclass(frozen=True)
class PutawayDone:
    """The posted putaway: its document, where the units went, and whether it was overridden."""

    doc_no: str
    movements: int
    item: str
    lot: str | None
    quantity: int
    status: str
    from_location: str
    to_location: str
    suggested_location: str | None
    overridden: bool
    reason: str


def suggest(db: Database, *, actor: Actor, raw: str | None = None,
            identity: StockIdentity | None = None, quantity: int | None = None) -> Proposal:
    """The stock a unit scan names, the quantity to put away and the suggested location."""
    require(actor, Perm.STOCK_MOVE)
    now = utc_now()
    with reading_as(db, actor) as session:
        picked = pick_stock(session, raw=raw, identity=identity, quantity=quantity,
                            today=local_date(now))
        choice = queries.suggestion(session, _goods(picked), picked.warehouse_id)
        if isinstance(choice, NoFit):
            raise _no_fit(picked, choice)
        return _proposal(picked, choice)


def confirm(db: Database, *, actor: Actor, location_raw: str, raw: str | None = None,
            identity: StockIdentity | None = None, quantity: int | None = None,
            override_reason: str = "") -> PutawayDone:
    """Put the scanned stock away to the scanned location, or refuse and change nothing."""
    require(actor, Perm.STOCK_MOVE)
    now = utc_now()
    with db.unit_of_work() as uow:
        session = uow.session
        # Read under lock: a concurrent confirm may be moving the same units.
        picked = pick_stock(session, raw=raw, identity=identity, quantity=quantity,
                            today=local_date(now), lock=True)
        require_warehouses(session, actor, picked.warehouse_id)
        target = location_of(session, location_raw)
        goods = _goods(picked)
        place = queries.candidate(session, target.id)
        _refuse_unfit(session, picked, goods, place, target)
        if is_cold_chain(picked.item.temp_min, picked.item.temp_max):
            refuse_lapsed_zone(session, zone_id=target.zone_id, zone=place.zone_code,
                               on=local_date(now))
        choice = queries.suggestion(session, goods, picked.warehouse_id)
        reason = _override(actor, choice, place, override_reason)
        done = _post(session, actor, picked, place, reason, now)
        uow.commit()
    return PutawayDone(doc_no=done, movements=len(picked.takes), item=picked.item.code,
                       lot=picked.lot_no, quantity=picked.quantity, status=picked.status,
                       from_location=picked.from_location, to_location=place.code,
                       suggested_location=choice.code if isinstance(choice, Suggestion) else None,
                       overridden=bool(reason), reason=reason)


def _goods(picked: Picked) -> Goods:
    return Goods(item_id=picked.item.id, lot_id=picked.lot_id,
                 item_range=queries.item_range(picked.item), status=picked.status,
                 quantity=picked.quantity)


def _proposal(picked: Picked, choice: Suggestion) -> Proposal:
    return Proposal(warehouse=picked.warehouse, owner=picked.owner, item=picked.item.code,
                    item_name=picked.item.name_zh, lot=picked.lot_no, serial=picked.serial,
                    sscc=picked.sscc, from_location=picked.from_location,
                    status=picked.status, quantity=picked.quantity,
                    item_range=queries.item_range(picked.item).text,
                    suggested_location=choice.code, reason=choice.reason,
                    why_en=choice.why_en, why_zh=choice.why_zh)


def _no_fit(picked: Picked, choice: NoFit) -> errors.NoLocationFits:
    return errors.NoLocationFits(item=picked.item.code, lot=picked.lot_no or "-",
                                 quantity=picked.quantity, stock_status=picked.status,
                                 why=choice.why, why_en=choice.why_in("en"),
                                 why_zh=choice.why_in("zh-CN"), reasons=dict(choice.reasons))


def _refuse_unfit(session: Session, picked: Picked, goods: Goods, place: Candidate,
                  target: Location) -> None:
    """Raise the location's own refusal when a hard rule forbids it."""
    code = rules.refusal(goods, place)
    if target.warehouse_id != picked.warehouse_id:
        code = errors.OtherWarehouse.code
    if code is None:
        return
    cls = errors.REFUSALS.get(code, errors.OtherWarehouse)
    raise cls(location=place.code, zone=place.zone_code,
              zone_range=rules.zone_text(place.zone_range), item=picked.item.code,
              item_range=goods.item_range.text, units=place.units, capacity=place.capacity,
              quantity=goods.quantity, zone_kind=place.zone_kind)


def _override(actor: Actor, choice: Suggestion | NoFit, place: Candidate, reason: str) -> str:
    """'' for the suggested location; 'OVERRIDE: <reason>' for another, if allowed."""
    if isinstance(choice, Suggestion) and choice.location_id == place.location_id:
        return ""
    suggested = choice.code if isinstance(choice, Suggestion) else "-"
    if not reason.strip():
        raise errors.LocationNotSuggested(location=place.code, suggested=suggested,
                                          can_override=actor.can(OVERRIDE))
    if not actor.can(OVERRIDE):
        raise PermissionDenied(user=actor.username, permission=OVERRIDE.value)
    return f"OVERRIDE: {reason.strip()}"[:300]


def _post(session: Session, actor: Actor, picked: Picked, place: Candidate, reason: str,
          now: datetime) -> str:
    doc_no = new_doc_no(DOC_TYPE, now)
    lines = [Line(kind=MovementKind.PUTAWAY, owner_id=take.owner_id, item_id=take.item_id,
                  lot_id=take.lot_id, serial_id=take.serial_id, quantity=take.quantity,
                  from_location_id=take.location_id, from_status=take.status,
                  from_hu_id=take.hu_id, to_location_id=place.location_id,
                  to_status=take.status, to_hu_id=take.hu_id if picked.keep_hu else None,
                  reason=reason)
             for take in picked.takes]
    post(session, actor=actor, doc_type=DOC_TYPE, doc_no=doc_no, lines=lines, now=now)
    return doc_no

