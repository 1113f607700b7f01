"""The runtime settings table: one row per setting an administrator has changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medwms.core.db import Base, UTCDateTime


class RuntimeSetting(Base):
    """The value an administrator gave setting `name` (over the environment's), or none.

    A setting given back to the environment keeps its row with `value` NULL: rows are never
    deleted, and every change (old value, new value, reason) is in the audit log.
    """

    __tablename__ = "runtime_setting"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    changed_by_name: Mapped[str] = mapped_column(String(60))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
