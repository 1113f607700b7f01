"""What a breach does to stock: HOLD the exposed lots (STATUS movements, doc type CCH).

Exposed = stock that is at the sensor's zone or location now (AVAILABLE or QUARANTINE)
and that was moved or re-statused there at or before the breach's end (or while it is still
going on) — read from the movements. Stock that left the place since cannot be held here
(it shows in its own trace); stock that was there before the breach, left and came back
after it is held too (the conservative side). Stock already on HOLD for another undecided
breach is recorded as affected again, so each breach needs its own decision.
A transport logger's breach holds whatever of its shipping unit is on our sites now and
writes on the breach that the shipment's units are to be checked on arrival.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.rules import SYSTEM
from medwms.coldchain import rules
from medwms.coldchain.tables import Breach, BreachLot, Notification, Sensor
from medwms.core.reasons import Reason
from medwms.core.words import BREACH_KINDS, BREACH_MODES
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import HandlingUnit, Movement, MovementKind, Status, Stock
from medwms.masterdata.tables import Location
from medwms.shipping.tables import Shipment, ShipmentLine, ShippingUnit

DOC_TYPE = "CCH"
HOLDABLE = (Status.AVAILABLE, Status.QUARANTINE)
NOTIFIED_ROLES = ("manager", "inspector")
HELD_BY_BREACH = Reason(
    "HELD_BY_BREACH",
    "Cold-chain breach {breach_no}: {breach_kind} {breach_mode} since {since} UTC, sensor {sensor}",
    "冷链温度超标 {breach_no}（{breach_kind}，{breach_mode}），自 {since} UTC 起，探头 {sensor}")
DECIDED = Reason("BREACH_DECIDED", "Cold-chain breach {breach_no}: {decision} by quality decision",
                 "冷链温度超标 {breach_no}：质量决定{decision}")


def reason_of(breach: Breach, sensor: Sensor) -> str:
    """The movement reason naming the breach."""
    return HELD_BY_BREACH.text(breach_no=breach.breach_no, breach_kind=breach.kind,
                               breach_mode=breach.mode, sensor=sensor.code,
                               since=f"{breach.started_at:%Y-%m-%d %H:%M}")[:300]


def hold_exposed(s: Session, sensor: Sensor, breach: Breach, now: datetime) -> list[BreachLot]:
    """Put the exposed stock on HOLD and record the affected lots (caller's unit of work)."""
    if sensor.shipping_unit_id is not None:
        return _hold_transport(s, sensor, breach, now)
    locations = _locations(s, sensor)
    if not locations:
        return []
    rows = [r for r in _stock_at(s, locations) if r.status in HOLDABLE]
    rows = _there_in_time(s, rows, locations, breach.ended_at or now)
    rows += _held_elsewhere(s, locations, breach.id)
    return _hold_rows(s, sensor, breach, rows, now)


def _locations(s: Session, sensor: Sensor) -> list[int]:
    if sensor.location_id is not None:
        return [sensor.location_id]
    if sensor.zone_id is not None:
        return list(s.scalars(select(Location.id).where(Location.zone_id == sensor.zone_id)))
    return []


def _stock_at(s: Session, locations: list[int]) -> list[Stock]:
    return list(s.scalars(select(Stock).where(Stock.location_id.in_(locations))
                          .order_by(Stock.key).with_for_update()))


def _there_in_time(s: Session, rows: list[Stock], locations: list[int],
                   end: datetime) -> list[Stock]:
    query = (select(Movement.to_location_id, Movement.item_id, Movement.lot_id)
             .where(Movement.to_location_id.in_(locations),
                    Movement.created_at <= end).distinct())
    arrived = {tuple(r) for r in s.execute(query)}
    return [r for r in rows if (r.location_id, r.item_id, r.lot_id) in arrived]


def _held_elsewhere(s: Session, locations: list[int], breach_id: int) -> list[Stock]:
    """HOLD stock there that another breach still has to decide."""
    query = (select(BreachLot.item_id, BreachLot.lot_id, BreachLot.location_id)
             .where(BreachLot.location_id.in_(locations),
                    BreachLot.disposition == "",
                    BreachLot.breach_id != breach_id))
    pending = {tuple(r) for r in s.execute(query)}
    held = s.scalars(select(Stock).where(Stock.location_id.in_(locations),
                                         Stock.status == Status.HOLD))
    return [r for r in held if (r.item_id, r.lot_id, r.location_id) in pending]


def _hold_rows(s: Session, sensor: Sensor, breach: Breach, rows: list[Stock],
               now: datetime) -> list[BreachLot]:
    reason = reason_of(breach, sensor)
    lines = [Line(kind=MovementKind.STATUS, owner_id=r.owner_id, item_id=r.item_id,
                  quantity=r.quantity, lot_id=r.lot_id, serial_id=r.serial_id,
                  from_location_id=r.location_id, to_location_id=r.location_id,
                  from_status=r.status, to_status=Status.HOLD, from_hu_id=r.hu_id,
                  to_hu_id=r.hu_id, reason=reason)
             for r in rows if r.status != Status.HOLD]
    totals: dict[tuple[int, int | None, int], int] = defaultdict(int)
    for r in rows:
        totals[(r.item_id, r.lot_id, r.location_id)] += r.quantity
    if lines:
        post(s, actor=SYSTEM, doc_type=DOC_TYPE, doc_no=breach.breach_no, lines=lines, now=now)
    affected = [BreachLot(breach_id=breach.id, item_id=item, lot_id=lot, location_id=location,
                          quantity=quantity)
                for (item, lot, location), quantity in sorted(totals.items(), key=str)]
    s.add_all(affected)
    s.flush()
    return affected


def _hold_transport(s: Session, sensor: Sensor, breach: Breach,
                    now: datetime) -> list[BreachLot]:
    unit = s.get(ShippingUnit, sensor.shipping_unit_id)
    if unit is None:
        return []
    shipment = s.get(Shipment, unit.shipment_id)
    hu = s.get(HandlingUnit, unit.hu_id)
    rows = list(s.scalars(select(Stock).where(Stock.hu_id == unit.hu_id,
                                              Stock.status.in_(HOLDABLE))
                          .order_by(Stock.key).with_for_update()))
    affected = _hold_rows(s, sensor, breach, rows, now)
    contents = s.execute(select(ShipmentLine.item_id, ShipmentLine.lot_id, ShipmentLine.quantity)
                         .where(ShipmentLine.shipping_unit_id == unit.id)).all()
    breach.comment = (
        f"Transport breach: shipment {shipment.shipment_no if shipment else '?'} "
        f"({shipment.status if shipment else '?'}), unit {hu.sscc if hu else unit.hu_id}, "
        f"{len(contents)} line(s), {sum(c.quantity for c in contents)} unit(s): mark them on "
        f"arrival — the consignee must not use them before a quality decision. "
        f"{sum(a.quantity for a in affected)} unit(s) still on our sites put on HOLD.")
    return affected


def notify(s: Session, sensor: Sensor, breach: Breach, held: list[BreachLot],
           now: datetime) -> tuple[str, str]:
    """A notification for the quality managers and inspectors; its words (English, Chinese)."""
    low, high = breach.min_centi, breach.max_centi
    span = "" if low is None else f" {low / 100:.1f}…{(high or low) / 100:.1f} °C"
    units = sum(h.quantity for h in held)
    kind_zh, kind_en = BREACH_KINDS.get(breach.kind, (breach.kind, breach.kind))
    mode_zh, mode_en = BREACH_MODES.get(breach.mode, (breach.mode, breach.mode))
    en = (f"Temperature breach {breach.breach_no} ({kind_en}, {mode_en}) at sensor "
          f"{sensor.code} since {breach.started_at:%Y-%m-%d %H:%M} UTC{span}: "
          f"{len(held)} lot line(s), {units} unit(s) put on hold.")
    zh = (f"温度超标 {breach.breach_no}（{kind_zh}，{mode_zh}），探头 {sensor.code}，"
          f"自 {breach.started_at:%Y-%m-%d %H:%M} UTC{span}：{len(held)} 个批次行、"
          f"{units} 件已暂停使用。")
    if breach.kind == "NO_DATA":
        en, zh = _no_data_words(sensor, breach)
    s.add_all([Notification(kind="COLD_BREACH", role=role, ref=breach.breach_no,
                            message_en=en[:500], message_zh=zh[:500], created_at=now)
               for role in NOTIFIED_ROLES])
    return en[:500], zh[:500]


def _no_data_words(sensor: Sensor, breach: Breach) -> tuple[str, str]:
    """A silent sensor, or one sampling too sparsely while out of range."""
    since = f"{breach.started_at:%Y-%m-%d %H:%M}"
    if breach.mode == rules.Mode.SPARSE:
        return (f"Sampling too sparse during an excursion at sensor {sensor.code} from {since} "
                f"UTC: {breach.minutes_outside} min between readings while out of range "
                f"(at most {rules.EXCURSION_INTERVAL} min) ({breach.breach_no}).",
                f"探头 {sensor.code} 自 {since} UTC 超标期间记录过疏：读数间隔 "
                f"{breach.minutes_outside} 分钟（超标时最多 {rules.EXCURSION_INTERVAL} 分钟）"
                f"（{breach.breach_no}）。")
    allowed = rules.allowed_interval(sensor.interval_minutes,
                                     transport=sensor.shipping_unit_id is not None)
    return (f"Sensor {sensor.code} silent since {since} UTC (allowed {allowed} min): "
            f"no data is not OK ({breach.breach_no}).",
            f"探头 {sensor.code} 自 {since} UTC 起无数据（允许 {allowed} 分钟）：无数据不等于正常"
            f"（{breach.breach_no}）。")
