"""A kept scan: written once by its hash, bound to its record, checked when read, audited."""

from __future__ import annotations

import hashlib

import pytest

from medwms.attachments.errors import AttachmentDamaged, AttachmentNotFound, AttachmentTypeRefused
from medwms.attachments.queries import attachment_file, attachments_of
from medwms.attachments.service import Upload, attach
from medwms.attachments.store import AttachmentStore
from medwms.auth.audit_queries import AuditFilter, audit_page
from medwms.auth.rules import SYSTEM

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def store(tmp_path):
    return AttachmentStore(tmp_path / "attachments", max_bytes=4096)


def kept(db, store, data=PDF, key="R-1"):
    with db.unit_of_work() as uow:
        ref = attach(uow.session, store=store, actor=SYSTEM,
                     upload=Upload("delivery note.pdf", data), entity="receipt",
                     entity_key=key, purpose="delivery_note")
        uow.commit()
    return ref


def test_a_kept_scan_is_listed_with_its_record_and_read_back_whole(db, store):
    ref = kept(db, store)
    with db.reading() as s:
        [listed] = attachments_of(s, entity="receipt", entity_key="R-1")
    assert listed == ref
    assert (ref.media_type, ref.size, ref.sha256) == (
        "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    assert attachment_file(db, store=store, actor=SYSTEM, attachment_id=ref.id) == (ref, PDF)


def test_the_same_scan_twice_is_one_file_and_two_rows(db, store):
    first, second = kept(db, store, key="R-1"), kept(db, store, key="R-2")
    assert first.sha256 == second.sha256 and first.id != second.id
    assert len([p for p in (store.root).rglob("*") if p.is_file()]) == 1


def test_a_changed_file_is_named_as_damaged_not_served(db, store):
    ref = kept(db, store)
    (store.root / ref.sha256[:2] / ref.sha256).write_bytes(PDF + b"forged")
    with pytest.raises(AttachmentDamaged) as damaged:
        attachment_file(db, store=store, actor=SYSTEM, attachment_id=ref.id)
    assert ref.sha256 in damaged.value.message("en")


def test_a_refused_upload_writes_nothing(db, store):
    with pytest.raises(AttachmentTypeRefused), db.unit_of_work() as uow:
        attach(uow.session, store=store, actor=SYSTEM, upload=Upload("x.pdf", b"MZ\x90\x00"),
               entity="receipt", entity_key="R-1", purpose="delivery_note")
    with db.reading() as s:
        assert attachments_of(s, entity="receipt", entity_key="R-1") == []
    assert not store.root.exists()
    with pytest.raises(AttachmentNotFound):
        attachment_file(db, store=store, actor=SYSTEM, attachment_id=1)


def test_keeping_a_scan_is_in_the_audit_log(db, store):
    ref = kept(db, store)
    with db.reading() as s:
        page = audit_page(s, actor=SYSTEM, flt=AuditFilter(entity="receipt"))
    [record] = [r for r in page.rows if r.action == "attach"]
    assert record.entity_key == "R-1" and record.after["attachment"] == ref.id
