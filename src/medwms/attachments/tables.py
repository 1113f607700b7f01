"""An attachment: one kept file (by its SHA-256) bound to one record of a feature."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from medwms.core.db import Base, UTCDateTime


class Attachment(Base):
    """A scan or photo kept with a record (`entity`, `entity_key`) for a `purpose`.

    The file itself sits outside the database and the web root, named by its SHA-256; the row
    says whose record it belongs to, who uploaded it and when. Rows are never deleted.
    """

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_entity", "entity", "entity_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(120))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
