"""First-time approval (首营) files: open, credentials, scanned papers, submit, approve or
reject with the password; the credentials expiring list."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from pydantic import BaseModel, Field

from medwms.api.deps import ActorDep, DbDep, SettingsDep, needs
from medwms.attachments.service import Upload
from medwms.attachments.store import store_of
from medwms.auth.rules import Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.fields import Code, Day, Id, Line
from medwms.qualification import queries, service
from medwms.qualification.rules import MAX_WARNING_DAYS, warning_window

router = APIRouter(prefix="/qualification", tags=["qualification"])


class FileBody(BaseModel):
    """A file to open: SUPPLIER, CUSTOMER or ITEM by code, SALESPERSON by ID number."""

    subject: Code = Field(description="SUPPLIER, CUSTOMER, ITEM or SALESPERSON")
    code: Code = Field(description="partner or item code; a salesperson's ID number")
    person_name: Line = Field("", max_length=100)
    customer_type: Code = Field("", description="MANUFACTURER, DISTRIBUTOR, MEDICAL or OTHER")
    catalogue_code: Code = Field("", max_length=12, description="an item's 68-catalogue code")
    customers: Line = Field("", max_length=60,
                            description="an item sold only to these customer types")
    note: Line = Field("", max_length=500)


class CredentialBody(BaseModel):
    """A licence, certificate or letter as on the paper."""

    kind: Code
    number: Line = Field(max_length=100)
    valid_from: Day | None = None
    valid_until: Day | None = None
    scope: Line = Field("", max_length=300, description='classes and codes: "III 6846 6877"')
    person_name: Line = Field("", max_length=100)
    person_id_no: Code = ""
    region: Line = Field("", max_length=200)
    replaces: Id | None = Field(None, description="the credential a renewal supersedes")
    password: Line = Field("", max_length=1000,
                           description="needed on an approved file (a renewal is signed)")


class SignBody(BaseModel):
    password: Line = Field(min_length=1, max_length=1000)
    reason: Line = Field("", max_length=300)


def _today(settings: Any) -> date:
    return local_date(utc_now(), settings.timezone)


@router.get("/files", dependencies=[needs(Perm.MASTERDATA_READ)])
def list_files(db: DbDep, actor: ActorDep, state: Code = "") -> list[dict[str, Any]]:
    """The qualification files, newest first (optionally of one state)."""
    return [asdict(row) for row in queries.file_list(db, actor=actor, state=state)]


@router.post("/files", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def open_file(body: FileBody, db: DbDep, actor: ActorDep,
              settings: SettingsDep) -> dict[str, Any]:
    """Open the file of a supplier, customer, product or salesperson (state DRAFT)."""
    number = service.open_file(db, actor=actor, file=service.FileIn(**body.model_dump()))
    return _view(db, actor, settings, number)


def _view(db: Any, actor: Any, settings: Any, number: str) -> dict[str, Any]:
    view = queries.file_view(db, actor=actor, file_no=number, today=_today(settings),
                             warn_days=settings.credential_warning_days)
    return asdict(view)


@router.get("/files/{file_no}", dependencies=[needs(Perm.MASTERDATA_READ)])
def get_file(file_no: Code, db: DbDep, actor: ActorDep, settings: SettingsDep
             ) -> dict[str, Any]:
    """One file with its credentials, papers and what approval still lacks."""
    return _view(db, actor, settings, file_no)


@router.post("/files/{file_no}/credentials", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def add_credential(file_no: Code, body: CredentialBody, db: DbDep, actor: ActorDep,
                   settings: SettingsDep) -> dict[str, Any]:
    """Record a credential; on an approved file a renewal, signed with the password."""
    values = body.model_dump(exclude={"replaces", "password"})
    service.add_credential(db, actor=actor, file_no=file_no,
                           credential=service.CredentialIn(**values), replaces=body.replaces,
                           password=body.password)
    return _view(db, actor, settings, file_no)


@router.post("/files/{file_no}/papers", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def attach_paper(file_no: Code, db: DbDep, actor: ActorDep, settings: SettingsDep,
                 file: Annotated[UploadFile, File()],
                 purpose: Annotated[Code, Form()] = "OTHER") -> dict[str, Any]:
    """Keep a scanned paper (PDF, JPEG or PNG; type sniffed, size-limited) with the file."""
    store = store_of(settings.attachments_dir, settings.max_attachment_bytes)
    service.attach_paper(db, actor=actor, store=store, file_no=file_no, purpose=purpose,
                         upload=Upload(file.filename or "upload", file.file.read()))
    return _view(db, actor, settings, file_no)


@router.post("/files/{file_no}/submit", dependencies=[needs(Perm.QUALITY_RECORD)])
def submit_file(file_no: Code, db: DbDep, actor: ActorDep, settings: SettingsDep
                ) -> dict[str, Any]:
    """Hand the file to quality for review."""
    service.submit_file(db, actor=actor, file_no=file_no)
    return _view(db, actor, settings, file_no)


@router.post("/files/{file_no}/approve", dependencies=[needs(Perm.QUALITY_APPROVE)])
def approve_file(file_no: Code, body: SignBody, db: DbDep, actor: ActorDep,
                 settings: SettingsDep) -> dict[str, Any]:
    """Quality approves, signing with the password; refused naming what is missing."""
    service.approve_file(db, actor=actor, file_no=file_no, password=body.password)
    return _view(db, actor, settings, file_no)


@router.post("/files/{file_no}/reject", dependencies=[needs(Perm.QUALITY_APPROVE)])
def reject_file(file_no: Code, body: SignBody, db: DbDep, actor: ActorDep,
                settings: SettingsDep) -> dict[str, Any]:
    """Quality sends the file back with the reason, signing with the password."""
    service.reject_file(db, actor=actor, file_no=file_no, reason=body.reason,
                        password=body.password)
    return _view(db, actor, settings, file_no)


@router.get("/expiring", dependencies=[needs(Perm.MASTERDATA_READ)])
def expiring(db: DbDep, actor: ActorDep, settings: SettingsDep,
             days: Annotated[int | None, Query(ge=0, le=MAX_WARNING_DAYS)] = None,
             ) -> list[dict[str, Any]]:
    """Credentials lapsing within the warning window (the setting, or `days`), or lapsed."""
    window = warning_window(days, settings.credential_warning_days)
    return [asdict(row) for row in queries.expiring(db, actor=actor, today=_today(settings),
                                                    days=window)]
