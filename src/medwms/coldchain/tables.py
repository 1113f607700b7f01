"""Cold chain: sensors, their readings, excursions (breaches), dispositions, alerts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medwms.auth.guard import in_warehouse, placed_through
from medwms.core.db import Base, UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Sensor(Base):
    """A probe in a zone or location, or a transport logger on a shipping unit."""

    __tablename__ = "sensor"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(10))  # ZONE, LOCATION, TRANSPORT
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouse.id"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    shipping_unit_id: Mapped[int | None] = mapped_column(ForeignKey("shipping_unit.id"))
    interval_minutes: Mapped[int] = mapped_column(Integer, default=5)
    temp_min: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    temp_max: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    single_minutes: Mapped[int] = mapped_column(Integer, default=10)
    cumulative_minutes: Mapped[int] = mapped_column(Integer, default=60)
    window_minutes: Mapped[int] = mapped_column(Integer, default=24 * 60)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_reading_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    calibration_due: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Reading(Base):
    """One reading, stored compactly: hundredths of a degree, tenths of a percent."""

    __tablename__ = "reading"
    __table_args__ = (UniqueConstraint("sensor_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sensor_id: Mapped[int] = mapped_column(ForeignKey("sensor.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    centi_celsius: Mapped[int] = mapped_column(Integer)
    humidity_permille: Mapped[int | None] = mapped_column(SmallInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RejectedReading(Base):
    """A reading refused at the door (unknown sensor, bad JSON, 9999 °C…), counted."""

    __tablename__ = "rejected_reading"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(10))  # MQTT, API, FILE
    sensor_code: Mapped[str] = mapped_column(String(40), default="")
    payload: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Breach(Base):
    """An excursion: HIGH / LOW (single or cumulative) or NO_DATA from a silent sensor."""

    __tablename__ = "breach"

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_no: Mapped[str] = mapped_column(String(40), unique=True)
    sensor_id: Mapped[int] = mapped_column(ForeignKey("sensor.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    mode: Mapped[str] = mapped_column(String(12), default="")  # SINGLE, CUMULATIVE
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    min_centi: Mapped[int | None] = mapped_column(Integer)
    max_centi: Mapped[int | None] = mapped_column(Integer)
    minutes_outside: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(14), default="OPEN")  # OPEN, ACKNOWLEDGED, CLOSED
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BreachLot(Base):
    """A lot put on HOLD by a breach, and the quality manager's signed disposition."""

    __tablename__ = "breach_lot"
    __table_args__ = (UniqueConstraint("breach_id", "item_id", "lot_id", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("breach.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    disposition: Mapped[str] = mapped_column(String(10), default="")  # RELEASE, REJECT
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signature_audit_id: Mapped[int | None] = mapped_column(BigInteger)


class Notification(Base):
    """An alert for people with a role (web page now; e-mail/webhook later)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(60), default="")
    message_en: Mapped[str] = mapped_column(String(500))
    message_zh: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class AlarmRecipient(Base):
    """A named person an area's alarm goes to: FIRST at once, ESCALATION when nobody answers.

    `zone_id` None is the transport list (loggers on shipping units). Rows are never deleted:
    taking someone off a list stamps `removed_at`.
    """

    __tablename__ = "alarm_recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    level: Mapped[str] = mapped_column(String(12))  # FIRST, ESCALATION
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AlarmNotice(Base):
    """One person's in-app notification of an alarm (a breach), until an outbox sends SMS."""

    __tablename__ = "alarm_notice"
    __table_args__ = (UniqueConstraint("breach_id", "user_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("breach.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    level: Mapped[str] = mapped_column(String(12))  # FIRST, ESCALATION
    message_en: Mapped[str] = mapped_column(String(500))
    message_zh: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AlarmAck(Base):
    """An acknowledgement of an alarm: who, when, what they noted and what they did."""

    __tablename__ = "alarm_ack"

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("breach.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
in_warehouse(Sensor.warehouse_id, unplaced_visible=True)
placed_through(Breach.sensor_id, Sensor)


class ManualZone(Base):
    """A zone whose readings are taken by hand twice a day (no automatic monitoring).

    Never deleted: switching manual readings off clears `active` (audited), so the record
    keeps the period the zone was manual."""

    __tablename__ = "manual_zone"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ManualReading(Base):
    """A reading taken by hand: append-only; person from the session, time from the server."""

    __tablename__ = "manual_reading"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    slot: Mapped[str] = mapped_column(String(10))  # MORNING, AFTERNOON, LATE
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    celsius: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    humidity: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    out_of_range: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
