"""The tables of qualification: one file per party, product or salesperson, its credentials.

A file (首营档案) belongs to exactly one supplier or customer (`partner_id`), product
(`item_id`) or salesperson (`person_code`, the ID number). Its credentials are the licences,
certificates and letters on record; a renewal supersedes a credential (kept, no longer
checked) rather than overwriting it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from medwms.core.db import Base, UTCDateTime


class QualificationFile(Base):
    """A first-time approval file: who or what, its state and the quality decision."""

    __tablename__ = "qual_file"
    __table_args__ = (Index("ix_qual_file_state", "state", "file_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_no: Mapped[str] = mapped_column(String(24), unique=True)
    subject: Mapped[str] = mapped_column(String(12))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), unique=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), unique=True)
    person_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    person_name: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(12))
    customer_type: Mapped[str] = mapped_column(String(12), default="")
    catalogue_code: Mapped[str] = mapped_column(String(12), default="")
    customers: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decision_reason: Mapped[str] = mapped_column(String(300), default="")
    signature_audit_id: Mapped[int | None] = mapped_column(Integer)


class Credential(Base):
    """A licence, certificate or authorisation letter on a file, with validity and scope."""

    __tablename__ = "qual_credential"
    __table_args__ = (Index("ix_qual_credential_valid_until", "valid_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("qual_file.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    number: Mapped[str] = mapped_column(String(100))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(300), default="")
    person_name: Mapped[str] = mapped_column(String(100), default="")
    person_id_no: Mapped[str] = mapped_column(String(40), default="")
    region: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    superseded_by: Mapped[int | None] = mapped_column(Integer)
