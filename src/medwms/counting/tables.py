"""Stocktakes and cycle counts: plans, per-location tasks, blind entries, variance lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medwms.auth.guard import in_warehouse, placed_through
from medwms.core.db import Base, UTCDateTime


class PlanKind(StrEnum):
    FULL = "FULL"      # whole warehouse
    ZONES = "ZONES"    # chosen zones
    CYCLE = "CYCLE"    # locations chosen by rule (ABC, not counted for N days, recent errors)


class PlanStatus(StrEnum):
    OPEN = "OPEN"
    COUNTING = "COUNTING"
    APPROVED = "APPROVED"
    CANCELLED = "CANCELLED"


class TaskStatus(StrEnum):
    OPEN = "OPEN"
    COUNTING = "COUNTING"
    CLOSED = "CLOSED"


class CountPlan(Base):
    __tablename__ = "count_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_no: Mapped[str] = mapped_column(String(40), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    rule: Mapped[str] = mapped_column(Text, default="")  # JSON: zones, ABC classes, days…
    status: Mapped[str] = mapped_column(String(10), default=PlanStatus.OPEN)
    deadline: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signature_audit_id: Mapped[int | None] = mapped_column(BigInteger)
    adjustment_doc_no: Mapped[str] = mapped_column(String(40), default="")


class CountPlanCounter(Base):
    """A counter assigned to a plan."""

    __tablename__ = "count_plan_counter"

    plan_id: Mapped[int] = mapped_column(ForeignKey("count_plan.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)


class CountTask(Base):
    """One location of a plan, counted blind; `round` 2 is a recount by another person."""

    __tablename__ = "count_task"
    __table_args__ = (UniqueConstraint("plan_id", "location_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("count_plan.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default=TaskStatus.OPEN)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class CountEntry(Base):
    """One scan (or keyed pack quantity) at a location being counted."""

    __tablename__ = "count_entry"
    __table_args__ = (UniqueConstraint("task_id", "scan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("count_task.id"), index=True)
    scan_id: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(String(300), default="")
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    counted_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class CountLine(Base):
    """Expected (the balance when the location was closed) against counted, per key."""

    __tablename__ = "count_line"
    __table_args__ = (UniqueConstraint("plan_id", "location_id", "owner_id", "item_id",
                                       "lot_id", "serial_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("count_plan.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    status: Mapped[str] = mapped_column(String(12))
    expected: Mapped[int] = mapped_column(Integer, default=0)
    counted: Mapped[int] = mapped_column(Integer, default=0)
    recounted: Mapped[int | None] = mapped_column(Integer)
    variance: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    within_tolerance: Mapped[bool] = mapped_column(Boolean, default=True)
    needs_recount: Mapped[bool] = mapped_column(Boolean, default=False)
    reason_code: Mapped[str] = mapped_column(String(20), default="")
    adjusted: Mapped[int] = mapped_column(Integer, default=0)


class AbcClass(Base):
    """The ABC class of an item by movement value and frequency, as last computed."""

    __tablename__ = "abc_class"

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    abc: Mapped[str] = mapped_column(String(1))
    value: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))
    picks: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CountPolicy(Base):
    """Per ABC class: how often to count, and the variance tolerance before a recount."""

    __tablename__ = "count_policy"

    abc: Mapped[str] = mapped_column(String(1), primary_key=True)
    interval_days: Mapped[int] = mapped_column(Integer)
    tolerance_units: Mapped[int] = mapped_column(Integer, default=0)
    tolerance_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
in_warehouse(CountPlan.warehouse_id)
placed_through(CountTask.plan_id, CountPlan)
