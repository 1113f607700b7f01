"""Read-only questions of qualification for pages, API and CLI: the files, one file with its
credentials, papers and what approval still lacks, and the credentials expiring soon."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medwms.attachments.queries import AttachmentRef, attachments_of
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.auth.tables import User
from medwms.core.db import Database
from medwms.masterdata.tables import Item, Partner
from medwms.qualification import rules
from medwms.qualification.errors import FileNotFound, kind_words, missing_words
from medwms.qualification.service import ENTITY, facts_of, subject_code
from medwms.qualification.tables import Credential, QualificationFile

_NAME = func.coalesce(Partner.name, Item.name_zh, QualificationFile.person_name)
_CODE = func.coalesce(Partner.code, Item.code, QualificationFile.person_code)


@dataclass(frozen=True)
class FileRow:
    """One file in the list."""

    file_no: str
    subject: str
    code: str
    name: str
    state: str
    created_at: datetime


@dataclass(frozen=True)
class CredentialRow:
    """A credential as a page shows it."""

    id: int
    kind: str
    kind_en: str
    kind_zh: str
    number: str
    valid_from: date | None
    valid_until: date | None
    scope: str
    person_name: str
    person_id_no: str
    region: str
    state: str  # valid, expiring, lapsed, superseded


@dataclass(frozen=True)
class FileView:
    """One file: its particulars, credentials, papers and what approval lacks."""

    file_no: str
    subject: str
    code: str
    name: str
    state: str
    customer_type: str
    catalogue_code: str
    customers: str
    note: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str
    decision_reason: str
    credentials: list[CredentialRow] = field(default_factory=list)
    papers: list[AttachmentRef] = field(default_factory=list)
    missing_en: str = ""
    missing_zh: str = ""


@dataclass(frozen=True)
class Expiring:
    """A current credential lapsing within the warning window, or lapsed already."""

    file_no: str
    subject: str
    code: str
    name: str
    kind: str
    kind_en: str
    kind_zh: str
    number: str
    valid_until: date
    days_left: int


def _subjects(query: Any) -> Any:
    return (query.outerjoin(Partner, Partner.id == QualificationFile.partner_id)
            .outerjoin(Item, Item.id == QualificationFile.item_id))


def file_list(db: Database, *, actor: Actor, state: str = "", limit: int = 500) -> list[FileRow]:
    """The files, newest first, optionally of one state."""
    require(actor, Perm.MASTERDATA_READ)
    query = _subjects(select(QualificationFile.file_no, QualificationFile.subject, _CODE, _NAME,
                             QualificationFile.state, QualificationFile.created_at))
    if state:
        query = query.where(QualificationFile.state == state.upper())
    with reading_as(db, actor) as s:
        rows = s.execute(query.order_by(QualificationFile.created_at.desc(),
                                        QualificationFile.file_no).limit(limit))
        return [FileRow(*row) for row in rows]


def file_view(db: Database, *, actor: Actor, file_no: str, today: date,
              warn_days: int = 30) -> FileView:
    """One file with its credentials (superseded ones too), papers and what is missing."""
    require(actor, Perm.MASTERDATA_READ)
    number = file_no.strip().upper()
    with reading_as(db, actor) as s:
        row = s.scalar(select(QualificationFile).where(QualificationFile.file_no == number))
        if row is None:
            raise FileNotFound(file_no=number)
        return _view(s, row, today, warn_days)


def _view(s: Session, row: QualificationFile, today: date, warn_days: int) -> FileView:
    held = s.scalars(select(Credential).where(Credential.file_id == row.id)
                     .order_by(Credential.id)).all()
    missing = rules.missing_for_approval(facts_of(s, row), today)
    en, zh = missing_words(missing) if missing else ("", "")
    name = _name_of(s, row)
    signer = s.scalar(select(User.display_name).where(User.id == row.decided_by)) \
        if row.decided_by else ""
    return FileView(row.file_no, row.subject, subject_code(s, row), name, row.state,
                    row.customer_type, row.catalogue_code, row.customers, row.note,
                    row.created_at, row.decided_at, signer or "", row.decision_reason,
                    [_credential(c, today, warn_days) for c in held],
                    attachments_of(s, entity=ENTITY, entity_key=row.file_no), en, zh)


def _name_of(s: Session, row: QualificationFile) -> str:
    if row.partner_id:
        return s.get_one(Partner, row.partner_id).name
    if row.item_id:
        return s.get_one(Item, row.item_id).name_zh
    return row.person_name


def _credential(c: Credential, today: date, warn_days: int) -> CredentialRow:
    view = rules.Credential(kind=c.kind, number=c.number, valid_until=c.valid_until)
    state = ("superseded" if c.superseded_by else "lapsed" if rules.lapsed(view, today)
             else "expiring" if rules.expiring(view, today, warn_days) else "valid")
    en, zh = kind_words(c.kind)
    return CredentialRow(c.id, c.kind, en, zh, c.number, c.valid_from, c.valid_until, c.scope,
                         c.person_name, c.person_id_no, c.region, state)


def expiring(db: Database, *, actor: Actor, today: date, days: int) -> list[Expiring]:
    """Current credentials whose validity ends within `days` days of `today`, or has ended
    (soonest first): the warning list."""
    require(actor, Perm.MASTERDATA_READ)
    until = date.fromordinal(today.toordinal() + days)
    query = _subjects(select(QualificationFile.file_no, QualificationFile.subject, _CODE, _NAME,
                             Credential.kind, Credential.number, Credential.valid_until)
                      .join(Credential, Credential.file_id == QualificationFile.id)
                      ).where(Credential.superseded_by.is_(None),
                              Credential.valid_until.is_not(None),
                              Credential.valid_until <= until)
    with reading_as(db, actor) as s:
        rows = s.execute(query.order_by(Credential.valid_until, QualificationFile.file_no))
        return [Expiring(no, subject, code, name, kind, *kind_words(kind), number, end,
                         (end - today).days)
                for no, subject, code, name, kind, number, end in rows]
