"""The demo's document numbers: fixed ones chosen here, and the ones its services numbered.

Notices and orders take the number they are given, so the demo's are the same on every
load; a wave, a count plan, a shipment and a recall are numbered by their service (a
random tail), so `documents` finds them by what they belong to: the wave of the first wave
order, the shipment of the shipped order, the first count plan and the first mock recall.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.rules import Role
from medwms.auth.tables import User
from medwms.coldchain.tables import Sensor
from medwms.counting.tables import CountPlan, CountPlanCounter
from medwms.masterdata.tables import Partner, PartnerKind
from medwms.orders.tables import OutboundOrder, Wave
from medwms.recall.tables import RecallCase
from medwms.receiving.tables import AdvanceNotice
from medwms.shipping.tables import Shipment

NOTICE = "ASN-DEMO-SH1"
WAVE_ORDERS = ("OUT-DEMO-RJH", "OUT-DEMO-ZSH")
OPEN_ORDER = "OUT-DEMO-XHH"
SHIPPED_ORDER = "OUT-DEMO-PUMCH"
SENSORS = ("SH1-CLD-T1", "SH1-CQA-T1")
COUNTERS = (Role.PICKER.value, Role.RECEIVER.value)


@dataclass(frozen=True)
class DemoDocuments:
    """The numbers of what the demo's day is made of (None: not there)."""

    notice: str | None
    wave: str | None
    wave_orders: tuple[str, ...]
    open_order: str | None
    shipped_order: str | None
    shipment: str | None
    count_plan: str | None
    counters: tuple[str, ...]
    mock_recall: str | None
    sensors: tuple[str, ...]
    customers: tuple[str, ...]


def documents(session: Session) -> DemoDocuments:
    """Find the demo's documents in the database."""
    orders = {number: wave for number, wave in session.execute(
        select(OutboundOrder.order_no, OutboundOrder.wave_id).where(
            OutboundOrder.order_no.in_((*WAVE_ORDERS, OPEN_ORDER, SHIPPED_ORDER))))}
    plan = session.scalars(select(CountPlan).order_by(CountPlan.id).limit(1)).first()
    return DemoDocuments(
        notice=session.scalar(select(AdvanceNotice.notice_no).where(
            AdvanceNotice.notice_no == NOTICE)),
        wave=session.scalar(select(Wave.wave_no).where(Wave.id == orders.get(WAVE_ORDERS[0]))),
        wave_orders=tuple(n for n in WAVE_ORDERS if n in orders),
        open_order=OPEN_ORDER if OPEN_ORDER in orders else None,
        shipped_order=SHIPPED_ORDER if SHIPPED_ORDER in orders else None,
        shipment=session.scalar(select(Shipment.shipment_no).join(
            OutboundOrder, OutboundOrder.id == Shipment.order_id).where(
            OutboundOrder.order_no == SHIPPED_ORDER).order_by(Shipment.id).limit(1)),
        count_plan=plan.plan_no if plan else None,
        counters=_counters(session, plan),
        mock_recall=session.scalar(select(RecallCase.recall_no).where(
            RecallCase.mock.is_(True)).order_by(RecallCase.id).limit(1)),
        sensors=tuple(session.scalars(select(Sensor.code).where(Sensor.code.in_(SENSORS))
                                      .order_by(Sensor.code))),
        customers=tuple(session.scalars(select(Partner.code).where(
            Partner.kind == PartnerKind.CUSTOMER).order_by(Partner.code))))


def _counters(session: Session, plan: CountPlan | None) -> tuple[str, ...]:
    if plan is None:
        return ()
    return tuple(session.scalars(select(User.username).join(
        CountPlanCounter, CountPlanCounter.user_id == User.id).where(
        CountPlanCounter.plan_id == plan.id).order_by(User.username)))
