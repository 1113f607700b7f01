"""Tables shared by every feature: hash-chain heads, signed checkpoints, idempotency records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medwms.core.db import Base, UTCDateTime


class ChainHead(Base):
    """The last sealed link of one hash chain ("wh:<id>" per warehouse, "audit").

    Only the sealer writes it, in its own short transactions; commands never wait on it.
    """

    __tablename__ = "chain_head"

    chain: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class Checkpoint(Base):
    """A signed statement "chain C had sealed up to `seq`, ending in `hash`", made by the sealer.

    The signature is an HMAC with a key kept outside the database, and every checkpoint is
    also appended to a file outside it: rewriting rows and recomputing their hashes no longer
    goes unnoticed, because the rewritten chain disagrees with the signed checkpoints.
    """

    __tablename__ = "chain_checkpoint"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signature: Mapped[str] = mapped_column(String(64))


class IdempotencyRecord(Base):
    """The first response to a POST carrying an Idempotency-Key, replayed on a retry."""

    __tablename__ = "idempotency_record"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    principal: Mapped[str] = mapped_column(String(100), primary_key=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
