"""Downloading a kept scan through the API: a file to save, its sniffed type, signed in only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.attachments.service import Upload, attach
from medwms.attachments.store import store_of
from medwms.auth.rules import SYSTEM, Actor
from medwms.config import Settings

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def test_a_kept_photo_downloads_as_an_attachment_with_its_sniffed_type(db, tmp_path):
    settings = Settings(database_url=db.url, attachments_dir=str(tmp_path / "files"))
    with db.unit_of_work() as uow:
        ref = attach(uow.session, store=store_of(settings.attachments_dir), actor=SYSTEM,
                     upload=Upload("签收单.html", JPEG), entity="receipt", entity_key="R-9",
                     purpose="delivery_note")
        uow.commit()
    app = create_app(settings, db=db)
    app.dependency_overrides[get_actor] = lambda: Actor(user_id=None, username="rita",
                                                        roles=frozenset({"receiver"}))
    response = TestClient(app).get(f"/api/v1/attachments/{ref.id}")
    assert response.status_code == 200, response.text
    assert response.content == JPEG
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    missing = TestClient(app).get("/api/v1/attachments/999999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "ATTACHMENT_NOT_FOUND"


def test_an_anonymous_visitor_gets_no_attachment(db, tmp_path):
    app = create_app(Settings(database_url=db.url, attachments_dir=str(tmp_path)), db=db)
    assert TestClient(app).get("/api/v1/attachments/1").status_code == 401
