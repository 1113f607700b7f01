"""GET/PUT /api/v1/settings: the administrator's runtime settings, and the effective object
that api.deps and web.deps hand to every route."""

from __future__ import annotations

from fastapi import Depends
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import SettingsDep, get_actor, public
from medwms.auth.rules import Actor
from medwms.config import Settings
from medwms.web import deps as web_deps

ADMIN = Actor(user_id=None, username="ada", roles=frozenset({"admin"}))
PICKER = Actor(user_id=None, username="pia", roles=frozenset({"picker"}))


def _client(db, actor: Actor) -> TestClient:
    app = create_app(Settings(database_url=db.url, session_idle_minutes=40), db=db)
    app.dependency_overrides[get_actor] = lambda: actor

    @app.get("/probe", dependencies=[public()])
    def probe(settings: SettingsDep,
              page: Settings = Depends(web_deps.get_settings)) -> dict[str, int]:  # noqa: B008
        return {"api": settings.session_idle_minutes, "web": page.session_idle_minutes}

    return TestClient(app)


def test_an_administrator_changes_a_setting_and_every_route_sees_it(db):
    client = _client(db, ADMIN)
    assert client.get("/probe").json() == {"api": 40, "web": 40}
    listed = {row["name"]: row for row in client.get("/api/v1/settings").json()}
    assert listed["session_idle_minutes"]["source"] == "environment"
    assert listed["session_idle_minutes"]["effective"] == "40"
    changed = client.put("/api/v1/settings", json={
        "name": "session_idle_minutes", "value": "15", "reason": "shared terminals"})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"name": "session_idle_minutes", "old": "40", "new": "15",
                              "reason": "shared terminals"}
    assert client.get("/probe").json() == {"api": 15, "web": 15}
    listed = {row["name"]: row for row in client.get("/api/v1/settings").json()}
    assert (listed["session_idle_minutes"]["source"],
            listed["session_idle_minutes"]["environment"]) == ("runtime", "40")


def test_a_bad_value_is_refused_with_its_rule(db):
    client = _client(db, ADMIN)
    refused = client.put("/api/v1/settings", json={
        "name": "max_attachment_bytes", "value": "12", "reason": "smaller scans"})
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "SETTING_VALUE_REFUSED"
    assert "max_attachment_bytes" in body["detail"]
    assert "1024" in body["detail"]
    fixed = client.put("/api/v1/settings", json={
        "name": "secret_key", "value": "x" * 40, "reason": "rotate"})
    assert fixed.json()["code"] == "SETTING_NOT_EDITABLE"


def test_only_an_administrator_reads_or_changes_settings(db):
    client = _client(db, PICKER)
    assert client.get("/api/v1/settings").status_code == 403
    assert client.put("/api/v1/settings", json={
        "name": "token_minutes", "value": "60", "reason": "longer"}).status_code == 403
