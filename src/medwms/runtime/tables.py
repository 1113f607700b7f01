"""The runtime settings (one row per setting an administrator has changed) and the archive
marks of closed documents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
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


class ArchiveMark(Base):
    """A closed document taken out of the working lists: which (`entity`, `entity_key` = its
    number), when it closed, until when it must be kept (None: for ever), who archived it and
    when. The document itself is untouched and stays readable by its number and in the trace;
    marks are never deleted."""

    __tablename__ = "archive_mark"
    __table_args__ = (UniqueConstraint("entity", "entity_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(100))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    keep_until: Mapped[date | None] = mapped_column(Date)
    archived_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    archived_by_name: Mapped[str] = mapped_column(String(60))
