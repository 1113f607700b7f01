"""The audit log is hash-chained once sealed: `verify` finds an altered or removed record."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from medwms.auth import service
from medwms.auth.errors import WrongPassword
from medwms.auth.rules import SYSTEM
from medwms.auth.signatures import reauthenticate
from medwms.auth.tables import AuditRecord
from medwms.core.clock import local_text
from medwms.core.db import Database
from medwms.ledger.checkpoints import Anchor
from medwms.ledger.verify import verify
from tests.support.sealing import checked, seal_all
from tests.support.users import PASSWORD, actor_of, make_user


def three_changes(db: Database, anchor: Anchor) -> None:
    """Three audited changes, sealed."""
    make_user(db, "alice")
    service.set_roles(db, actor=SYSTEM, username="alice", roles=["verifier"])
    service.disable_user(db, actor=SYSTEM, username="alice", reason="left")
    seal_all(db, anchor)


def report(db: Database):
    """verify without the checkpoints: what the chain alone shows."""
    with db.reading() as s:
        return verify(s)


def row_id(db: Database, seq: int) -> int:
    with db.reading() as s:
        return int(s.scalars(select(AuditRecord.id).where(AuditRecord.seq == seq)).one())


def test_an_untouched_audit_chain_verifies(db, anchor):
    three_changes(db, anchor)
    assert checked(db, anchor).ok
    assert checked(db, anchor).audit_records == 3


def test_an_altered_audit_row_is_found_by_id_and_seq(db, anchor):
    three_changes(db, anchor)
    with db.engine.begin() as conn:
        conn.execute(text("""UPDATE audit_record SET after = '{"roles":["admin"]}' """
                          "WHERE seq = 2"))
    found = report(db)
    assert not found.ok
    assert found.problems[0].startswith(f"audit_record id={row_id(db, 2)} seq=2:")
    assert "altered" in found.problems[0]


def test_deleting_the_last_audit_row_is_found(db, anchor):
    three_changes(db, anchor)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_record WHERE seq = 3"))
    found = report(db)
    assert not found.ok
    assert "removed from the end" in found.problems[0]


def test_deleting_a_middle_audit_row_is_found(db, anchor):
    three_changes(db, anchor)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_record WHERE seq = 2"))
    assert "seq=3" in report(db).problems[0]


def test_a_signature_reauthenticates_and_is_audited_with_its_meaning(db, anchor):
    alice = actor_of(make_user(db, "alice", "inspector", display_name="Alice Li"))
    with db.unit_of_work() as uow:
        signature = reauthenticate(uow.session, actor=alice, password=PASSWORD,
                                   meaning="released", record_ref="lot:42")
        uow.commit()
    assert (signature.username, signature.meaning, signature.record_ref) == (
        "alice", "released", "lot:42")
    assert signature.printed().startswith("Alice Li (alice) – ")
    assert signature.printed().endswith(" – released")
    shown = local_text(signature.signed_at, "Europe/Berlin", seconds=True)
    assert signature.printed("Europe/Berlin") == f"Alice Li (alice) – {shown} – released"
    assert shown.endswith((" +01:00", " +02:00"))
    with db.reading() as s:
        last = s.execute(select(AuditRecord.action, AuditRecord.entity_key)
                         .order_by(AuditRecord.id.desc())).first()
    assert tuple(last) == ("signature", "lot:42")
    seal_all(db, anchor)
    assert checked(db, anchor).ok


def test_a_signature_with_the_wrong_password_is_refused(db):
    alice = actor_of(make_user(db, "alice", "inspector"))
    with pytest.raises(WrongPassword), db.unit_of_work() as uow:
        reauthenticate(uow.session, actor=alice, password="wrong-one-1", meaning="approved",
                       record_ref="receipt:7")
