"""Destruction of nonconforming and expired goods (销毁), with a record signed by two people.

The operator (QUALITY_RECORD) and a witness from quality management (QUALITY_APPROVE) each
sign with their own password, bound to the record; the same person twice is refused. The
units leave stock through the ledger as SCRAP movements. Lock order: stock rows in key
order (the record is new), then the two signatures, then the post.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import out_of_sight, reading_as, require
from medwms.auth.queries import roles_of, warehouses_of
from medwms.auth.rules import Actor, Perm
from medwms.auth.signatures import Signature, reauthenticate
from medwms.auth.tables import User
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import NotAuthenticated, Problem
from medwms.core.ids import new_doc_no
from medwms.ledger.service import post
from medwms.ledger.tables import Stock
from medwms.masterdata.tables import Item, Location, Warehouse
from medwms.quality import hold_queries, stock_facts, stock_rules
from medwms.quality.hold_queries import DestructionView
from medwms.quality.stock_errors import (
    BadQualityInput,
    NothingToDestroy,
    WitnessIsOperator,
    WitnessNotQuality,
)
from medwms.quality.stock_rules import DESTROYABLE, DESTROYED
from medwms.quality.tables import Destruction

DOC_TYPE = "DESTROY"


@dataclass(frozen=True)
class DestructionIn:
    """What is destroyed (item, lot or serial, at a location), how many, how and where."""

    item: str
    location: str
    quantity: int
    method: str
    place: str
    reason: str = ""
    lot: str | None = None
    serial: str | None = None
    hold_no: str = ""


def record_destruction(db: Database, *, actor: Actor, destruction: DestructionIn,
                       password: str, witness: str, witness_password: str) -> DestructionView:
    """Destroy REJECTED or EXPIRED units with a record signed by operator and witness."""
    require(actor, Perm.QUALITY_RECORD)
    _check(destruction)
    with db.unit_of_work() as uow:
        s = uow.session
        item, location, lot_id, serial_id = _what(s, actor, destruction)
        held = stock_facts.locked_balances(s, stock_facts.unit_filter(
            item.id, lot_id, serial_id, location.id) & Stock.status.in_(sorted(DESTROYABLE)))
        have = sum(b.quantity for b in held)
        if have < destruction.quantity:
            raise NothingToDestroy(item=item.code, unit=_unit(destruction),
                                   location=location.code, available=have,
                                   requested=destruction.quantity)
        number = new_doc_no("DES", utc_now())
        operator, witnessed = _signatures(s, actor, number, item, witness, password,
                                          witness_password)
        reason = DESTROYED.text(destruction_no=number, method=destruction.method.strip())
        post(s, actor=actor, doc_type=DOC_TYPE, doc_no=number,
             lines=stock_rules.scrap_lines(held, destruction.quantity, reason))
        _write(s, actor, number, item, location, lot_id, serial_id, destruction, operator,
               witnessed)
        uow.commit()
    with reading_as(db, actor) as s:
        return hold_queries.destruction_view(s, number)


def _check(d: DestructionIn) -> None:
    problems = []
    if d.quantity < 1:
        problems.append(Problem("a whole number of at least 1", column="quantity",
                                message_zh="数量须为不小于 1 的整数"))
    for name, zh in (("method", "销毁方式"), ("place", "销毁地点")):
        if not str(getattr(d, name)).strip():
            problems.append(Problem(f"say the {name} of destruction", column=name,
                                    message_zh=f"请填写{zh}"))
    if not (d.lot or d.serial):
        problems.append(Problem("name the lot or the serial", column="lot",
                                message_zh="请填写批号或序列号"))
    if problems:
        raise BadQualityInput(problems)


def _unit(d: DestructionIn) -> str:
    return " ".join(p for p in (d.lot and f"lot {d.lot}", d.serial and f"SN {d.serial}") if p)


def _what(s: Session, actor: Actor,
          d: DestructionIn) -> tuple[Item, Location, int | None, int | None]:
    item, lot, serial = stock_facts.find_unit(s, d.item, d.lot, d.serial)
    location = stock_facts.location_by_code(s, d.location)
    if item is None or location is None or (d.lot and lot is None) \
            or (d.serial and serial is None) or out_of_sight(actor, location.warehouse_id):
        raise NothingToDestroy(item=d.item, unit=_unit(d), location=d.location, available=0,
                               requested=d.quantity)
    return item, location, lot.id if lot else None, serial.id if serial else None


def _signatures(s: Session, actor: Actor, number: str, item: Item, witness: str,
                password: str, witness_password: str) -> tuple[Signature, Signature]:
    """The operator's and the witness's signatures, two people, the witness from quality."""
    ref = f"destruction:{number}"
    user = s.query(User).filter(User.username == witness.strip()).one_or_none()
    if user is None or not user.active:
        raise NotAuthenticated()
    if stock_rules.same_person(actor.user_id, user.id):
        raise WitnessIsOperator(user=actor.username, item=item.code)
    signer = Actor(user_id=user.id, username=user.username,
                   roles=frozenset(roles_of(s, user.id)), warehouses=warehouses_of(s, user.id))
    if not signer.can(Perm.QUALITY_APPROVE):
        raise WitnessNotQuality(user=user.username, item=item.code)
    operator = reauthenticate(s, actor=actor, password=password, meaning="destroyed",
                              record_ref=ref)
    witnessed = reauthenticate(s, actor=signer, password=witness_password,
                               meaning="destruction witnessed", record_ref=ref)
    return operator, witnessed


def _write(s: Session, actor: Actor, number: str, item: Item, location: Location,
           lot_id: int | None, serial_id: int | None, d: DestructionIn, operator: Signature,
           witnessed: Signature) -> None:
    timezone = s.get_one(Warehouse, location.warehouse_id).timezone
    row = Destruction(destruction_no=number, warehouse_id=location.warehouse_id,
                      item_id=item.id, lot_id=lot_id, serial_id=serial_id,
                      location_id=location.id, quantity=d.quantity,
                      method=d.method.strip()[:200], place=d.place.strip()[:200],
                      reason=d.reason.strip()[:300], hold_no=d.hold_no.strip()[:40],
                      destroyed_on=local_date(operator.signed_at, timezone),
                      operator_id=operator.user_id, operator_audit_id=operator.audit_id,
                      witness_id=witnessed.user_id, witness_audit_id=witnessed.audit_id,
                      created_at=utc_now())
    s.add(row)
    s.flush()
    record_audit(s, actor=actor, action="destruction.record", entity="destruction",
                 entity_key=number,
                 after={"item": item.code, "lot_id": lot_id, "serial_id": serial_id,
                        "location": location.code, "quantity": d.quantity,
                        "method": row.method, "place": row.place,
                        "operator": operator.username, "witness": witnessed.username},
                 reason=row.reason or row.method)
