"""Reading attachments: the list kept with a record, and one file's checked bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.attachments.errors import AttachmentNotFound
from medwms.attachments.store import AttachmentStore
from medwms.attachments.tables import Attachment
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.core.db import Database


@dataclass(frozen=True)
class AttachmentRef:
    """What a page shows of an attachment (its bytes are read on download only)."""

    id: int
    entity: str
    entity_key: str
    purpose: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: int | None
    uploaded_at: datetime


def ref_of(row: Attachment) -> AttachmentRef:
    return AttachmentRef(id=row.id, entity=row.entity, entity_key=row.entity_key,
                         purpose=row.purpose, filename=row.filename, media_type=row.media_type,
                         size=row.size, sha256=row.sha256, uploaded_by=row.uploaded_by,
                         uploaded_at=row.uploaded_at)


def attachments_of(session: Session, *, entity: str, entity_key: str,
                   purpose: str | None = None) -> list[AttachmentRef]:
    """The attachments of one record (of one purpose, if given), oldest first."""
    query = select(Attachment).where(Attachment.entity == entity,
                                     Attachment.entity_key == entity_key)
    if purpose is not None:
        query = query.where(Attachment.purpose == purpose)
    return [ref_of(row) for row in session.scalars(query.order_by(Attachment.id))]


def attachment_file(db: Database, *, store: AttachmentStore, actor: Actor,
                    attachment_id: int) -> tuple[AttachmentRef, bytes]:
    """One attachment and its bytes, checked against the hash it was kept under."""
    require(actor, Perm.ATTACHMENT_READ)
    with reading_as(db, actor) as session:
        row = session.get(Attachment, attachment_id)
        if row is None:
            raise AttachmentNotFound(attachment_id=attachment_id)
        ref = ref_of(row)
    return ref, store.get(ref.sha256, attachment_id=ref.id)
