"""Runtime settings: read them, change one (administrator; audited with old, new and reason)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from medwms.api.deps import ActorDep, DbDep, needs
from medwms.auth.rules import Perm
from medwms.core.fields import Line, Note
from medwms.runtime import queries, service
from medwms.runtime.effective import EffectiveSettings

router = APIRouter(tags=["settings"])


class SettingOut(BaseModel):
    """One editable setting: its effective value, the environment's (or default), the source."""

    name: str
    description: str
    effective: str
    environment: str
    source: str = Field(description="runtime, environment or default")
    changed_by: str
    changed_at: datetime | None
    reason: str


class SettingChange(BaseModel):
    """A change: the setting, its new value (null: back to the environment's), the reason."""

    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=60)
    value: Line | None = Field(default=None, max_length=200)
    reason: Note = Field(max_length=300)


class SettingChangedOut(BaseModel):
    name: str
    old: str
    new: str
    reason: str


@router.get("/settings", dependencies=[needs(Perm.SETTINGS_MANAGE)])
def list_settings(db: DbDep, actor: ActorDep, request: Request) -> list[SettingOut]:
    """Every setting an administrator may change while the server runs."""
    runtime: EffectiveSettings = request.app.state.runtime
    rows = queries.setting_rows(db, actor=actor, base=runtime.base)
    return [SettingOut.model_validate(row, from_attributes=True) for row in rows]


@router.put("/settings", dependencies=[needs(Perm.SETTINGS_MANAGE)])
def change_setting(body: SettingChange, db: DbDep, actor: ActorDep,
                   request: Request) -> SettingChangedOut:
    """Change one runtime setting (422 naming the field, the value and the rule if refused)."""
    runtime: EffectiveSettings = request.app.state.runtime
    changed = service.set_setting(db=db, actor=actor, base=runtime.base, name=body.name,
                                  value=body.value, reason=body.reason)
    runtime.expire()
    return SettingChangedOut.model_validate(changed, from_attributes=True)
