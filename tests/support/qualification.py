"""Builders of qualification tests: a quality manager, files taken back to "not on file",
approved files with their credentials and a scanned paper, lapsed credentials."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import delete, select

from medwms.attachments.service import Upload
from medwms.attachments.store import AttachmentStore, store_of
from medwms.auth.rules import Actor
from medwms.core.db import Database
from medwms.masterdata.tables import Item, Partner
from medwms.qualification import service
from medwms.qualification.service import CredentialIn, FileIn
from medwms.qualification.tables import Credential, QualificationFile
from tests.support.users import PASSWORD, actor_of, make_user

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
FAR = date(2030, 12, 31)


def quality_manager(db: Database, username: str = "qm") -> Actor:
    """A signed-in quality manager (may approve; password PASSWORD)."""
    return actor_of(make_user(db, username, "quality", display_name="质量负责人 QM"))


def paper_store(tmp_path: Path) -> AttachmentStore:
    return store_of(str(tmp_path / "attachments"), 1024 * 1024)


def unfile(db: Database, *, partner: str | None = None, item: str | None = None) -> None:
    """Take the test builder's approved file away: the party or product is new to quality."""
    with db.unit_of_work() as uow:
        s = uow.session
        if partner:
            target = QualificationFile.partner_id == s.scalar(
                select(Partner.id).where(Partner.code == partner))
        else:
            target = QualificationFile.item_id == s.scalar(
                select(Item.id).where(Item.code == item))
        file_id = s.scalar(select(QualificationFile.id).where(target))
        s.execute(delete(Credential).where(Credential.file_id == file_id))
        s.execute(delete(QualificationFile).where(QualificationFile.id == file_id))
        uow.commit()


def supplier_papers(valid_until: date = FAR) -> list[CredentialIn]:
    return [CredentialIn("BUSINESS_LICENCE", "91310000MA1", valid_until=valid_until),
            CredentialIn("TRADING_LICENCE", "沪药监械经营许20200001", valid_until=valid_until,
                         scope="II III 6846 6877")]


def submitted_file(db: Database, qa: Actor, store: AttachmentStore, file: FileIn,
                   credentials: list[CredentialIn], purpose: str = "OTHER") -> str:
    """A file opened, its credentials recorded, a scan attached and submitted."""
    number = service.open_file(db, actor=qa, file=file)
    for credential in credentials:
        service.add_credential(db, actor=qa, file_no=number, credential=credential)
    service.attach_paper(db, actor=qa, store=store, file_no=number, purpose=purpose,
                         upload=Upload("scan.pdf", PDF))
    service.submit_file(db, actor=qa, file_no=number)
    return number


def approved_file(db: Database, qa: Actor, store: AttachmentStore, file: FileIn,
                  credentials: list[CredentialIn], purpose: str = "OTHER") -> str:
    """`submitted_file`, then approved by `qa` with the password."""
    number = submitted_file(db, qa, store, file, credentials, purpose)
    service.approve_file(db, actor=qa, file_no=number, password=PASSWORD)
    return number


def file_of(db: Database, *, partner: str | None = None, item: str | None = None) -> str:
    """The file number of a party or product."""
    with db.reading() as s:
        if partner:
            where = QualificationFile.partner_id == s.scalar(
                select(Partner.id).where(Partner.code == partner))
        else:
            where = QualificationFile.item_id == s.scalar(
                select(Item.id).where(Item.code == item))
        return s.scalar(select(QualificationFile.file_no).where(where)) or ""


def add_signed(db: Database, qa: Actor, file_no: str, credential: CredentialIn) -> int:
    """A credential recorded on an approved file (signed by quality)."""
    return service.add_credential(db, actor=qa, file_no=file_no, credential=credential,
                                  password=PASSWORD)
