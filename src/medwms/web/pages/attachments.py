"""Downloading a kept scan or photo from a page: always saved as a file, never shown inline."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from medwms.attachments.queries import attachment_file
from medwms.attachments.rules import download_headers
from medwms.attachments.store import store_of
from medwms.auth.rules import Perm
from medwms.core.fields import Id
from medwms.web.deps import DbDep, SettingsDep, VisitorDep, needs

router = APIRouter(include_in_schema=False)


@router.get("/attachments/{attachment_id}", dependencies=[needs(Perm.ATTACHMENT_READ)])
def download(attachment_id: Id, db: DbDep, visitor: VisitorDep,
             settings: SettingsDep) -> Response:
    store = store_of(settings.attachments_dir, settings.max_attachment_bytes)
    ref, data = attachment_file(db, store=store, actor=visitor.actor,
                                attachment_id=attachment_id)
    return Response(data, media_type=ref.media_type, headers=download_headers(ref.filename))
