"""Picks: one row per confirmed pick scan of a wave (medwms.orders.tables holds the wave)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medwms.auth.guard import placed_through
from medwms.core.db import Base, UTCDateTime
from medwms.orders.tables import Wave


class Pick(Base):
    """One confirmed pick scan: units moved from a location to the wave's staging."""

    __tablename__ = "pick"
    __table_args__ = (UniqueConstraint("wave_id", "scan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id"))
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), index=True)
    scan_id: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(String(300))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    from_location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    swapped_from_lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    # another serial of the allocated lot picked in place of the allocated serial
    swapped_from_serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    picked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    picked_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
placed_through(Pick.wave_id, Wave)
