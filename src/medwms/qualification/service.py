"""The commands of qualification (首营): open a file, record credentials, attach the scanned
papers, submit, and quality's signed approval or rejection.

Each command opens one unit of work, checks the permission, locks the file, asks the rules,
writes the audit record and commits. Approval is an e-signature (password again) bound to
the file number and the meaning "approved" / "rejected".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from medwms.attachments.queries import attachments_of
from medwms.attachments.service import Upload, attach
from medwms.attachments.store import AttachmentStore
from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.auth.signatures import reauthenticate
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database, insert_row
from medwms.core.ids import new_doc_no
from medwms.masterdata.tables import Item, Partner
from medwms.qualification import rules
from medwms.qualification.errors import (
    SUBJECT_WORDS,
    ApprovalIncomplete,
    BadCredential,
    FileExists,
    FileInWrongState,
    FileNotFound,
    SubjectNotFound,
    missing_words,
)
from medwms.qualification.gates import credential_of
from medwms.qualification.rules import FileState, Kind, Subject
from medwms.qualification.tables import Credential, QualificationFile

ENTITY = "qual_file"
EDITABLE = (FileState.DRAFT, FileState.REJECTED)
PURPOSES = (*Kind, "LABEL", "DELIVERY_NOTE_SAMPLE", "OTHER")


@dataclass(frozen=True)
class CredentialIn:
    """A credential as quality types it from the paper."""

    kind: str
    number: str
    valid_until: date | None = None
    valid_from: date | None = None
    scope: str = ""
    person_name: str = ""
    person_id_no: str = ""
    region: str = ""


@dataclass(frozen=True)
class FileIn:
    """What opening a file names: the subject and, per subject, its particulars."""

    subject: str
    code: str
    person_name: str = ""
    customer_type: str = ""
    catalogue_code: str = ""
    customers: str = ""
    note: str = ""


def open_file(db: Database, *, actor: Actor, file: FileIn, now: datetime | None = None) -> str:
    """Open the qualification file of a supplier, customer, product or salesperson (DRAFT)."""
    require(actor, Perm.QUALITY_RECORD)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        target = _target(s, file)
        number = new_doc_no("QF", now)
        insert_row(s, QualificationFile, dict(
            file_no=number, subject=file.subject, state=FileState.DRAFT,
            customer_type=file.customer_type.strip().upper(),
            catalogue_code=file.catalogue_code.strip()[:12], customers=_customers(file),
            person_name=file.person_name.strip()[:100], note=file.note.strip()[:500],
            created_at=now, created_by=actor.user_id, **target))
        record_audit(s, actor=actor, action="create", entity=ENTITY, entity_key=number,
                     after={"subject": file.subject, "code": file.code.strip().upper()})
        uow.commit()
        return number


def _target(s: Session, file: FileIn) -> dict[str, object]:
    code = file.code.strip().upper()
    if file.subject not in set(Subject):
        raise BadCredential(field="subject", value=file.subject,
                            problem_en="not a subject", problem_zh="不是有效的档案对象")
    words = SUBJECT_WORDS[file.subject]
    if file.subject == Subject.SALESPERSON:
        target: dict[str, object] = {"person_code": code}
        where = QualificationFile.person_code == code
        if not code or not file.person_name.strip():
            raise BadCredential(field="person", value=code or "—", problem_en="ID number and "
                                "name needed", problem_zh="需要身份证号和姓名")
    elif file.subject == Subject.ITEM:
        item_id = s.scalar(select(Item.id).where(Item.code == code))
        target, where = {"item_id": item_id}, QualificationFile.item_id == item_id
    else:
        item_id = s.scalar(select(Partner.id).where(Partner.code == code,
                                                    Partner.kind == file.subject))
        target, where = {"partner_id": item_id}, QualificationFile.partner_id == item_id
    if None in target.values():
        raise SubjectNotFound(subject_en=words[0], subject_zh=words[1], key=code)
    existing = s.scalar(select(QualificationFile.file_no).where(where))
    if existing:
        raise FileExists(subject_en=words[0], subject_zh=words[1], key=code, file_no=existing)
    return target


def _customers(file: FileIn) -> str:
    kinds = file.customers.replace(",", " ").upper().split()
    bad = [k for k in kinds if k not in set(rules.CustomerType)]
    if bad or (file.customer_type and file.customer_type.upper() not in set(rules.CustomerType)):
        raise BadCredential(field="customer_type", value=" ".join(bad) or file.customer_type,
                            problem_en="not a customer type", problem_zh="不是有效的购货单位类型")
    return " ".join(sorted(set(kinds)))


def add_credential(db: Database, *, actor: Actor, file_no: str, credential: CredentialIn,
                   replaces: int | None = None, password: str = "",
                   now: datetime | None = None) -> int:
    """Record a credential on a file; on an approved file it is a renewal that quality signs."""
    require(actor, Perm.QUALITY_RECORD)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        row = _locked(s, file_no)
        values = _checked(credential)
        if row.state == FileState.SUBMITTED:
            raise _wrong_state(row, "changed", "修改")
        if row.state == FileState.APPROVED:
            require(actor, Perm.QUALITY_APPROVE)
            reauthenticate(s, actor=actor, password=password, meaning="credential renewed",
                           record_ref=f"{ENTITY}:{row.file_no}")
        added = insert_row(s, Credential, dict(file_id=row.id, created_at=now,
                                               created_by=actor.user_id, **values))
        old = _supersede(s, row, replaces, added.id)
        record_audit(s, actor=actor, action="add_credential", entity=ENTITY,
                     entity_key=row.file_no, before=old, after={"id": added.id, **values})
        uow.commit()
        return added.id


def _checked(c: CredentialIn) -> dict[str, object]:
    scope, bad = rules.parse_scope(c.scope)
    problems = [("kind", c.kind, "not a credential kind", "不是有效的证照类型")
                if c.kind not in set(Kind) else None,
                ("number", c.number, "a number is needed (at most 100 characters)",
                 "需要编号（最多 100 个字符）") if not 0 < len(c.number.strip()) <= 100 else None,
                ("scope", " ".join(bad), "neither a class (I, II, III) nor a catalogue code",
                 "既不是类别（I、II、III）也不是分类编码") if bad else None,
                ("valid_until", c.valid_until, "ends before it starts", "有效期止早于起始日")
                if c.valid_from and c.valid_until and c.valid_until < c.valid_from else None,
                ("person", c.person_id_no or "—", "a letter names the salesperson and ID number",
                 "授权书须注明销售人员姓名和身份证号")
                if c.kind == Kind.SALESPERSON_LETTER
                and not (c.person_name.strip() and c.person_id_no.strip()) else None]
    for found in problems:
        if found:
            raise BadCredential(field=found[0], value=found[1], problem_en=found[2],
                                problem_zh=found[3])
    values = asdict(c)
    values.update(number=c.number.strip(), scope=scope.text(),
                  person_name=c.person_name.strip()[:100],
                  person_id_no=c.person_id_no.strip().upper()[:40], region=c.region.strip()[:200])
    return values


def _supersede(s: Session, row: QualificationFile, replaces: int | None,
               new_id: int) -> dict[str, object] | None:
    if replaces is None:
        return None
    old = s.get(Credential, replaces, with_for_update=True)
    if old is None or old.file_id != row.id or old.superseded_by is not None:
        raise BadCredential(field="replaces", value=replaces, problem_en="not a current "
                            "credential of this file", problem_zh="不是本档案的现行证照")
    old.superseded_by = new_id
    return {"id": old.id, "number": old.number, "valid_until": old.valid_until}


def attach_paper(db: Database, *, actor: Actor, store: AttachmentStore, file_no: str,
                 upload: Upload, purpose: str) -> int:
    """Keep a scanned paper (PDF, JPEG, PNG) with the file; returns the attachment's id."""
    require(actor, Perm.QUALITY_RECORD)
    if purpose not in PURPOSES:
        raise BadCredential(field="purpose", value=purpose, problem_en="not a paper kind",
                            problem_zh="不是有效的文件类型")
    with db.unit_of_work() as uow:
        row = _locked(uow.session, file_no)
        ref = attach(uow.session, store=store, actor=actor, upload=upload, entity=ENTITY,
                     entity_key=row.file_no, purpose=purpose)
        uow.commit()
        return ref.id


def submit_file(db: Database, *, actor: Actor, file_no: str, now: datetime | None = None) -> None:
    """Hand a draft (or rejected) file to quality for review."""
    require(actor, Perm.QUALITY_RECORD)
    with db.unit_of_work() as uow:
        row = _locked(uow.session, file_no)
        if row.state not in EDITABLE:
            raise _wrong_state(row, "submitted", "提交")
        _decide(uow.session, actor, row, FileState.SUBMITTED, now or utc_now())
        row.submitted_at = row.decided_at
        row.decided_at, row.decided_by = None, None
        uow.commit()


def approve_file(db: Database, *, actor: Actor, file_no: str, password: str,
                 now: datetime | None = None) -> None:
    """Quality approves a submitted file, signed; refused naming what the duty lacks."""
    require(actor, Perm.QUALITY_APPROVE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        row = _locked(s, file_no)
        if row.state != FileState.SUBMITTED:
            raise _wrong_state(row, "approved", "批准")
        today = local_date(now)
        missing = rules.missing_for_approval(facts_of(s, row), today)
        if missing:
            en, zh = missing_words(missing)
            words = SUBJECT_WORDS[row.subject]
            raise ApprovalIncomplete(rule=rules.SUBJECT_RULE[Subject(row.subject)],
                                     file_no=row.file_no, subject_en=words[0],
                                     subject_zh=words[1], key=subject_code(s, row), day=today,
                                     missing_en=en, missing_zh=zh)
        _sign(s, actor, row, password, "approved", now)
        uow.commit()


def reject_file(db: Database, *, actor: Actor, file_no: str, reason: str, password: str,
                now: datetime | None = None) -> None:
    """Quality sends a submitted file back, signed, with the reason."""
    require(actor, Perm.QUALITY_APPROVE)
    if not reason.strip():
        raise BadCredential(field="reason", value="—", problem_en="a rejection needs a reason",
                            problem_zh="退回须填写原因")
    with db.unit_of_work() as uow:
        row = _locked(uow.session, file_no)
        if row.state != FileState.SUBMITTED:
            raise _wrong_state(row, "rejected", "退回")
        row.decision_reason = reason.strip()[:300]
        _sign(uow.session, actor, row, password, "rejected", now or utc_now())
        uow.commit()


def _sign(s: Session, actor: Actor, row: QualificationFile, password: str, meaning: str,
          now: datetime) -> None:
    signature = reauthenticate(s, actor=actor, password=password, meaning=meaning,
                               record_ref=f"{ENTITY}:{row.file_no}")
    state = FileState.APPROVED if meaning == "approved" else FileState.REJECTED
    row.signature_audit_id = signature.audit_id
    _decide(s, actor, row, state, now)


def _decide(s: Session, actor: Actor, row: QualificationFile, state: str, now: datetime) -> None:
    before = row.state
    row.state, row.decided_at, row.decided_by = state, now, actor.user_id
    record_audit(s, actor=actor, action=state.lower(), entity=ENTITY, entity_key=row.file_no,
                 before={"state": before}, after={"state": state}, reason=row.decision_reason)


def facts_of(s: Session, row: QualificationFile) -> rules.FileFacts:
    """What approval checks of a file: its current credentials, papers and particulars."""
    held = s.scalars(select(Credential).where(Credential.file_id == row.id,
                                              Credential.superseded_by.is_(None))).all()
    papers = frozenset(a.purpose for a in attachments_of(s, entity=ENTITY,
                                                         entity_key=row.file_no))
    device_class = s.scalar(select(Item.risk_class).where(Item.id == row.item_id)) \
        if row.item_id else ""
    return rules.FileFacts(subject=row.subject, credentials=tuple(map(credential_of, held)),
                           papers=papers, customer_type=row.customer_type,
                           device_class=device_class or "", catalogue_code=row.catalogue_code)


def subject_code(s: Session, row: QualificationFile) -> str:
    """The code of the party, product or person the file is about."""
    if row.partner_id:
        return s.get_one(Partner, row.partner_id).code
    if row.item_id:
        return s.get_one(Item, row.item_id).code
    return row.person_code or ""


def _locked(s: Session, file_no: str) -> QualificationFile:
    number = file_no.strip().upper()
    row = s.scalars(select(QualificationFile).where(QualificationFile.file_no == number)
                    .with_for_update()).first()
    if row is None:
        raise FileNotFound(file_no=number)
    return row


def _wrong_state(row: QualificationFile, en: str, zh: str) -> FileInWrongState:
    return FileInWrongState(file_no=row.file_no, state=row.state, step_en=en, step_zh=zh)


def file_existing(session: Session, *, now: datetime, note: str) -> int:
    """Approved files for every supplier, customer and product that has none, in the caller's
    unit (the demo data and test builders; the migration did the same for older rows)."""
    filed_p = select(QualificationFile.partner_id).where(QualificationFile.partner_id.is_not(None))
    filed_i = select(QualificationFile.item_id).where(QualificationFile.item_id.is_not(None))
    partners = session.execute(select(Partner.id, Partner.kind, Partner.licence_kind).where(
        Partner.kind.in_((Subject.SUPPLIER, Subject.CUSTOMER)), Partner.id.not_in(filed_p))).all()
    items = session.scalars(select(Item.id).where(Item.id.not_in(filed_i))).all()
    rows = [_filed(f"QF-P{pid}", kind, now, note, partner_id=pid,
                   customer_type=CUSTOMER_OF_LICENCE.get(lk or "", "") if kind == "CUSTOMER"
                   else "") for pid, kind, lk in partners]
    rows += [_filed(f"QF-I{iid}", Subject.ITEM, now, note, item_id=iid) for iid in items]
    if rows:
        session.execute(insert(QualificationFile), rows)
    return len(rows)


CUSTOMER_OF_LICENCE = {"MEDICAL_PRACTICE": "MEDICAL", "TRADING": "DISTRIBUTOR",
                       "TRADING_FILING": "DISTRIBUTOR", "MANUFACTURING": "MANUFACTURER"}


def _filed(number: str, subject: str, now: datetime, note: str, **target: object
           ) -> dict[str, object]:
    row: dict[str, object] = dict(
        file_no=number, subject=subject, state=FileState.APPROVED, partner_id=None,
        item_id=None, person_code=None, customer_type="", catalogue_code="", customers="",
        person_name="", note=note, created_at=now, decided_at=now, decision_reason="")
    row.update(target)
    return row
