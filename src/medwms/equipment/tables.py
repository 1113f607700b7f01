"""The equipment register and its calibration / validation records (never deleted)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medwms.core.db import Base, UTCDateTime


class Equipment(Base):
    """One piece of cold-chain equipment, by its code (a sensor's code, a box's id…).

    A cold room or fridge names the zone it is; a sensor's code is the code of its probe in the
    cold-chain sensor register; a cold box's code is the box id written on a cold shipping unit.
    """

    __tablename__ = "equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # SENSOR, COLD_ROOM, FRIDGE, COLD_BOX, VEHICLE
    name: Mapped[str] = mapped_column(String(100), default="")
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EquipmentCheck(Base):
    """A calibration (sensors) or validation (rooms, fridges, boxes, vehicles) and its result."""

    __tablename__ = "equipment_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_no: Mapped[str] = mapped_column(String(40), unique=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"), index=True)
    check_kind: Mapped[str] = mapped_column(String(12))  # CALIBRATION, VALIDATION
    performed_on: Mapped[date] = mapped_column(Date)
    certificate_no: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(String(120))
    result: Mapped[str] = mapped_column(String(8))  # PASS, FAIL
    next_due: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
