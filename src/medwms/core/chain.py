"""Appending to a hash chain: lock its head row inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.core.hashchain import GENESIS
from medwms.core.tables import ChainHead


def lock_head(session: Session, chain: str) -> ChainHead:
    """The head of `chain`, locked FOR UPDATE (created at genesis if new).

    Creating a missing head races with another creator; the loser's flush fails on the
    primary key and its command rolls back, which is rare (once per chain) and safe.
    """
    head = session.scalars(
        select(ChainHead).where(ChainHead.chain == chain).with_for_update()
    ).one_or_none()
    if head is None:
        head = ChainHead(chain=chain, seq=0, hash=GENESIS)
        session.add(head)
        session.flush()
    return head
