"""Each run of `verify` is recorded: who ran it, when, what it counted, the problems found."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from medwms.auth import service as users
from medwms.auth.rules import SYSTEM, Actor
from medwms.core.db import Database
from medwms.core.errors import EveryWarehouseNeeded, PermissionDenied
from medwms.ledger.queries import verify_runs
from medwms.ledger.verify_runs import run_verify
from tests.integration.ledger.test_sealing import receive_docs
from tests.support.sealing import seal_all
from tests.support.users import actor_of, make_user


def history(db: Database, world, anchor) -> None:
    """Two receipts and three audited user changes, sealed."""
    receive_docs(db, world, 2)
    make_user(db, "alice")
    users.set_roles(db, actor=SYSTEM, username="alice", roles=["verifier"])
    users.disable_user(db, actor=SYSTEM, username="alice", reason="left")
    seal_all(db, anchor)


def runs(db: Database):
    with db.reading() as s:
        return verify_runs(s, actor=SYSTEM)


def test_a_clean_run_is_recorded_with_its_counts_and_who_ran_it(db, world, anchor):
    history(db, world, anchor)
    quality = actor_of(make_user(db, "mona", "manager"))
    result = run_verify(db, actor=quality, anchor=anchor, source="web")
    assert result.report.ok
    (run,) = runs(db)
    assert run == result.run
    assert (run.ok, run.actor_name, run.source, run.problems) == (True, "mona", "web", ())
    assert (run.movements, run.audit_records, run.balances) == (2, 3, 2)
    assert run.checkpoints == result.report.checkpoints >= 2
    assert run.finished_at >= run.started_at
    assert run.unsealed_audit_records == 1  # mona herself, made after the seal


def test_a_tampered_audit_row_is_recorded_as_a_failed_run_with_its_problem(db, world, anchor):
    history(db, world, anchor)
    run_verify(db, actor=SYSTEM, anchor=anchor, source="cli")
    with db.engine.begin() as conn:
        conn.execute(text("""UPDATE audit_record SET after = '{"roles":["admin"]}' """
                          "WHERE seq = 2"))
    result = run_verify(db, actor=SYSTEM, anchor=anchor, source="web")
    assert not result.report.ok
    latest, earlier = runs(db)
    assert (latest.ok, earlier.ok) == (False, True)
    assert latest.problems == tuple(result.report.problems)
    assert latest.problems[0].startswith("audit_record id=")
    assert "altered" in latest.problems[0]
    assert (latest.source, earlier.source, latest.actor_name) == ("web", "cli", "system")


def test_a_tampered_movement_quantity_is_recorded_with_both_problems(db, world, anchor):
    history(db, world, anchor)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE movement SET quantity = 5 WHERE seq = 1"))
    run_verify(db, actor=SYSTEM, anchor=anchor, source="web")
    (run,) = runs(db)
    assert not run.ok
    assert any("its movements sum to" in p for p in run.problems)
    assert any("altered" in p for p in run.problems)


def test_a_run_without_the_seal_key_notes_the_checkpoints_were_not_checked(db, world, anchor):
    history(db, world, anchor)
    run_verify(db, actor=SYSTEM, anchor=None, source="cli")
    (run,) = runs(db)
    assert run.ok
    assert run.notes and "not checked: no seal key" in run.notes[0]


def test_only_readers_of_the_audit_log_of_every_warehouse_run_verify(db, world, anchor):
    picker = actor_of(make_user(db, "pat", "picker"))
    scoped = Actor(user_id=None, username="sam", roles=frozenset({"auditor"}),
                   warehouses=frozenset({world[0].warehouse.id}))
    with pytest.raises(PermissionDenied):
        run_verify(db, actor=picker, anchor=anchor, source="web")
    with pytest.raises(EveryWarehouseNeeded):
        run_verify(db, actor=scoped, anchor=anchor, source="web")
    assert runs(db) == []
    auditor = actor_of(make_user(db, "audrey", "auditor"))
    assert run_verify(db, actor=auditor, anchor=anchor, source="web").run.actor_name == "audrey"
