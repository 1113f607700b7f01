"""Downloading a kept scan or photo: always as a file to save, with its sniffed type."""

from __future__ import annotations

from fastapi import APIRouter, Response

from medwms.api.deps import ActorDep, DbDep, SettingsDep, needs
from medwms.attachments.queries import attachment_file
from medwms.attachments.rules import download_headers
from medwms.attachments.store import store_of
from medwms.auth.rules import Perm
from medwms.core.fields import Id

router = APIRouter(tags=["attachments"])


@router.get("/attachments/{attachment_id}", dependencies=[needs(Perm.ATTACHMENT_READ)],
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "image/jpeg": {},
                                         "image/png": {}}}})
def download_attachment(attachment_id: Id, db: DbDep, actor: ActorDep,
                        settings: SettingsDep) -> Response:
    """The file of one attachment, checked against its SHA-256, as a download."""
    store = store_of(settings.attachments_dir, settings.max_attachment_bytes)
    ref, data = attachment_file(db, store=store, actor=actor, attachment_id=attachment_id)
    return Response(data, media_type=ref.media_type, headers=download_headers(ref.filename))
