"""Keeping a scan or photo with a record, inside the command that makes the record.

`attach` runs in the caller's unit of work: the file is written first (content-addressed, so
a rolled-back command leaves only an unreferenced file), then its row and an audit record, which
commit with the command or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from medwms.attachments import rules
from medwms.attachments.queries import AttachmentRef, ref_of
from medwms.attachments.store import AttachmentStore
from medwms.attachments.tables import Attachment
from medwms.auth.audit import record_audit
from medwms.auth.rules import Actor
from medwms.core.clock import utc_now
from medwms.core.db import insert_row


@dataclass(frozen=True)
class Upload:
    """A file as the person sent it: the name they gave it and its bytes."""

    filename: str
    data: bytes


def attach(session: Session, *, store: AttachmentStore, actor: Actor, upload: Upload,
           entity: str, entity_key: str, purpose: str,
           allow_csv: bool = False) -> AttachmentRef:
    """Keep `upload` with the record `entity`/`entity_key` for `purpose` (in the caller's unit).

    `allow_csv` also accepts UTF-8 CSV text (a temperature logger's export) as text/csv.
    """
    filename = rules.safe_filename(upload.filename)
    media_type = rules.accepted_type(filename=filename, data=upload.data, limit=store.max_bytes,
                                     allow_csv=allow_csv)
    digest = store.put(upload.data)
    row = insert_row(session, Attachment, {
        "entity": entity, "entity_key": entity_key[:100], "purpose": purpose,
        "filename": filename, "media_type": media_type.value, "size": len(upload.data),
        "sha256": digest, "uploaded_by": actor.user_id, "uploaded_at": utc_now()})
    record_audit(session, actor=actor, action="attach", entity=entity,
                 entity_key=entity_key[:100],
                 after={"attachment": row.id, "purpose": purpose, "filename": filename,
                        "sha256": digest, "size": len(upload.data)})
    return ref_of(row)
