"""Append first, seal later: the sealer chains what commands wrote unsealed, signs
checkpoints kept outside the database, and `verify` holds the chains to them."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

from sqlalchemy import event, select, text

from medwms.auth import service as users
from medwms.auth.rules import SYSTEM
from medwms.auth.tables import AuditRecord
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.hashchain import GENESIS, link_values
from medwms.core.tables import ChainHead, Checkpoint
from medwms.ledger.chains import AUDIT_HASHED, HASHED
from medwms.ledger.checkpoints import Anchor
from medwms.ledger.rules import Line
from medwms.ledger.sealer import anchor_existing, seal
from medwms.ledger.service import post
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from tests.support.sealing import anchor_in, checked, seal_all
from tests.support.users import make_user


def receive_docs(db: Database, world, count: int) -> None:
    site, item, lot = world
    for n in range(count):
        with db.unit_of_work() as uow:
            post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no=f"R{n}", lines=[Line(
                kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
                quantity=1, to_location_id=site.locations[n % 2].id, to_status="AVAILABLE")])
            uow.commit()


def movement_chain(db: Database) -> list[tuple[int, int | None, str | None, str | None]]:
    with db.reading() as s:
        return [tuple(r) for r in s.execute(select(Movement.id, Movement.seq,
                                                   Movement.prev_hash, Movement.hash)
                                            .order_by(Movement.id))]


def test_a_post_writes_unsealed_rows_and_the_sealer_chains_them_in_order(db, world, anchor):
    receive_docs(db, world, 3)
    assert [seq for _, seq, _, _ in movement_chain(db)] == [None, None, None]
    sealed = seal_all(db, anchor)
    assert sealed.rows == 3
    chain = movement_chain(db)
    assert [seq for _, seq, _, _ in chain] == [1, 2, 3]
    assert chain[0][2] == GENESIS
    assert [prev for _, _, prev, _ in chain[1:]] == [digest for _, _, _, digest in chain[:2]]
    name = f"wh:{world[0].warehouse.id}"
    with db.reading() as s:
        head = s.execute(select(ChainHead.seq, ChainHead.hash)
                         .where(ChainHead.chain == name)).one()
        stored = s.execute(select(Checkpoint.seq, Checkpoint.hash)).all()
    assert tuple(head) == (3, chain[-1][3])
    assert [tuple(c) for c in stored] == [(3, chain[-1][3])]
    in_file = [json.loads(line) for line in anchor.file.path.read_text().splitlines()]
    assert [(c["chain"], c["seq"], c["hash"]) for c in in_file] == [(name, 3, chain[-1][3])]
    assert checked(db, anchor).ok


def test_sealing_again_continues_the_chain_and_seals_nothing_twice(db, world, anchor):
    receive_docs(db, world, 2)
    seal_all(db, anchor)
    assert seal_all(db, anchor).rows == 0
    receive_docs(db, world, 2)
    assert seal_all(db, anchor).rows == 2
    assert [seq for _, seq, _, _ in movement_chain(db)] == [1, 2, 3, 4]
    report = checked(db, anchor)
    assert report.ok, report.problems
    assert (report.movements, report.checkpoints) == (4, 2)


def test_small_batches_seal_everything_with_a_checkpoint_per_batch(db, world, anchor):
    receive_docs(db, world, 5)
    sealed = seal(db, anchor, batch=2)
    assert sealed.rows == 5
    assert [c.seq for c in sealed.checkpoints] == [2, 4, 5]
    assert checked(db, anchor).ok


def test_verify_reports_unsealed_rows_and_calls_an_old_backlog_a_problem(db, world):
    receive_docs(db, world, 2)
    with db.reading() as s:
        fresh = verify(s)
        stale = verify(s, now=utc_now() + timedelta(seconds=61))
    assert fresh.ok
    assert (fresh.unsealed_movements, fresh.unsealed_audit_records) == (2, 0)
    assert fresh.oldest_unsealed_age_s < 60
    assert not stale.ok
    assert "2 movements and 0 audit records are unsealed" in stale.problems[0]
    assert "limit 60 s" in stale.problems[0]


def rechain(db: Database, table: str, hashed: tuple[str, ...], where: str, chain: str) -> None:
    """The attack: recompute every hash of a chain and its head with the project's own
    link function, as someone with write access to the database can."""
    with db.engine.begin() as conn:
        rows = conn.execute(text(f"SELECT id, {', '.join(hashed)} FROM {table} "
                                 f"WHERE seq IS NOT NULL {where} ORDER BY seq")).all()
        previous = GENESIS
        for row in rows:
            model = Movement if table == "movement" else AuditRecord
            with db.reading() as s:  # values typed exactly as the sealer reads them
                typed = s.execute(select(*[model.__table__.c[n] for n in hashed])
                                  .where(model.__table__.c.id == row.id)).one()
            digest = link_values(previous, list(typed))
            conn.execute(text(f"UPDATE {table} SET prev_hash = :p, hash = :h WHERE id = :i"),
                         {"p": previous, "h": digest, "i": row.id})
            previous = digest
        conn.execute(text("UPDATE chain_head SET hash = :h WHERE chain = :c"),
                     {"h": previous, "c": chain})


def test_rewriting_an_audit_row_and_rechaining_is_caught_by_the_signed_checkpoint(db, anchor):
    make_user(db, "alice")
    users.set_roles(db, actor=SYSTEM, username="alice", roles=["verifier"])
    seal_all(db, anchor)
    users.disable_user(db, actor=SYSTEM, username="alice", reason="left")
    seal_all(db, anchor)
    with db.engine.begin() as conn:
        conn.execute(text("""UPDATE audit_record SET after = '{"roles":["admin"]}' """
                          "WHERE seq = 2"))
    rechain(db, "audit_record", AUDIT_HASHED, "", "audit")
    with db.reading() as s:
        assert verify(s).ok  # the chain alone no longer shows anything
    report = checked(db, anchor)
    assert not report.ok
    first = report.problems[0]
    with db.reading() as s:
        victim = s.scalar(select(AuditRecord.id).where(AuditRecord.seq == 2))
    assert first.startswith(f"audit_record id={victim} seq=2:")  # the first signed seq after it
    assert "disagrees with the checkpoint" in first and "was rewritten" in first


def test_rewriting_a_movement_and_rechaining_is_caught_and_the_stretch_named(db, world,
                                                                             anchor):
    receive_docs(db, world, 2)
    seal_all(db, anchor)
    receive_docs(db, world, 2)
    seal_all(db, anchor)
    warehouse = world[0].warehouse.id
    with db.engine.begin() as conn:
        victim = conn.execute(text("SELECT id FROM movement WHERE seq = 3")).scalar_one()
        conn.execute(text("UPDATE movement SET reason = 'rewritten' WHERE seq = 3"))
    rechain(db, "movement", HASHED, f"AND warehouse_id = {warehouse}", f"wh:{warehouse}")
    report = checked(db, anchor)
    assert not report.ok
    assert report.problems[0].startswith(f"movement (warehouse {warehouse}) id=")
    assert "seq=4" in report.problems[0]
    assert "between seq 3 and 4" in report.problems[0]
    assert f"id={victim})" in report.problems[0]


def test_a_forged_checkpoint_in_the_database_is_not_genuine(db, world, anchor):
    receive_docs(db, world, 1)
    seal_all(db, anchor)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE chain_checkpoint SET hash = :h"), {"h": "f" * 64})
    report = checked(db, anchor)
    assert any("chain_checkpoint id=" in p and "not genuine" in p for p in report.problems)


def test_a_checkpoint_signed_with_another_key_is_not_genuine(db, world, anchor, tmp_path):
    receive_docs(db, world, 1)
    seal_all(db, anchor_in(tmp_path / "attacker", key=b"the attacker's own key, 40 bytes!!"))
    victim = Anchor(anchor.signer, anchor_in(tmp_path / "attacker").file)
    report = checked(db, victim)
    assert any("not genuine" in p for p in report.problems)


def test_a_missing_checkpoint_file_is_a_problem(db, world, anchor):
    receive_docs(db, world, 1)
    seal_all(db, anchor)
    anchor.file.path.unlink()
    report = checked(db, anchor)
    assert any("missing or empty" in p for p in report.problems)


def test_removing_sealed_rows_from_the_end_and_the_head_with_them_is_found(db, world,
                                                                          anchor):
    receive_docs(db, world, 3)
    seal_all(db, anchor)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM stock"))
        conn.execute(text("DELETE FROM movement WHERE seq = 3"))
        prev = conn.execute(text("SELECT hash FROM movement WHERE seq = 2")).scalar_one()
        conn.execute(text("UPDATE chain_head SET seq = 2, hash = :h"), {"h": prev})
    report = checked(db, anchor)
    assert any("checkpoint is signed for seq 3 but the chain ends at seq 2" in p
               for p in report.problems)


def test_a_chain_sealed_before_checkpoints_existed_is_signed_once(db, world, anchor):
    receive_docs(db, world, 2)
    seal_all(db, anchor)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM chain_checkpoint"))
    anchor.file.path.unlink()
    assert len(anchor_existing(db, anchor)) == 1
    assert anchor_existing(db, anchor) == []
    assert checked(db, anchor).ok


def test_two_sealers_at_once_seal_each_row_exactly_once(db, world, anchor):
    receive_docs(db, world, 30)
    errors: list[BaseException] = []

    def sealer() -> None:
        try:
            for _ in range(5):
                seal(db, anchor, batch=4)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=sealer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seal_all(db, anchor)
    assert errors == []
    assert sorted(seq for _, seq, _, _ in movement_chain(db)) == list(range(1, 31))
    report = checked(db, anchor)
    assert report.ok, report.problems


def test_posting_while_the_sealer_runs_leaves_a_verifiable_chain(db, world, anchor):
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_sealing() -> None:
        while not stop.is_set():
            try:
                seal(db, anchor, batch=3)
            except BaseException as error:
                failures.append(error)
                return

    thread = threading.Thread(target=keep_sealing)
    thread.start()
    try:
        receive_docs(db, world, 25)
    finally:
        stop.set()
        thread.join()
    seal_all(db, anchor)
    assert failures == []
    report = checked(db, anchor)
    assert report.ok, report.problems
    assert (report.movements, report.unsealed_movements) == (25, 0)


def test_verify_reads_one_snapshot_while_others_post_and_seal_between_its_reads(db, world,
                                                                               anchor):
    """Two workers' sealers commit while verify reads: its chain heads, checkpoints and rows
    must all come from one moment, or it reports a head behind its own last row."""
    receive_docs(db, world, 2)
    seal_all(db, anchor)
    fired: list[str] = []

    def post_and_seal_once(_conn, _cursor, statement: str, *_rest) -> None:
        if "chain_head" in statement and not fired:
            fired.append(statement)
            worker = threading.Thread(target=lambda: (receive_docs(db, world, 3),
                                                      seal_all(db, anchor)))
            worker.start()
            worker.join()

    event.listen(db.engine, "after_cursor_execute", post_and_seal_once)
    try:
        with db.reading() as s:
            report = verify(s, anchor=anchor)
    finally:
        event.remove(db.engine, "after_cursor_execute", post_and_seal_once)
    assert fired, "the other worker never ran between verify's reads"
    assert report.ok, report.problems
    assert report.movements == 2
    assert checked(db, anchor).movements == 5


class Witness(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        Witness.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args) -> None:
        return


def test_a_witness_webhook_receives_every_checkpoint(db, world, anchor):
    server = HTTPServer(("127.0.0.1", 0), Witness)
    Witness.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        witnessed = Anchor(anchor.signer, anchor.file,
                           witness_url=f"http://127.0.0.1:{server.server_port}/checkpoints")
        receive_docs(db, world, 2)
        seal_all(db, witnessed)
    finally:
        server.shutdown()
    sent = [c for body in Witness.received for c in body["checkpoints"]]
    assert [(c["seq"], len(c["signature"])) for c in sent] == [(2, 64)]
