"""A recall opened while another thread picks and ships the lot: nothing leaves after it.

Both sides queue on the warehouse chain head (the recall locks every head before it reads
the stock), so every PICK/SHIP of the lot is either wholly before the recall's STATUS
movements in the chain, or refused afterwards because the units are no longer AVAILABLE.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from medwms.core.errors import DomainError
from medwms.ledger.service import post
from medwms.ledger.tables import Movement, Stock
from medwms.recall import service
from medwms.recall.rules import Scope
from tests.support.recall import STENT_GTIN, build_history, line
from tests.support.sealing import seal_all


def picker(db, history, stop, outcomes):
    """Pick one unit to staging, then ship it, until stopped or refused."""
    while not stop.is_set():
        for doc, lines in (("PICK", [line(history, "PICK", 1, src=("WH1-A-01", "AVAILABLE"),
                                          dst=("WH1-STAGE", "AVAILABLE"))]),
                           ("SHP", [line(history, "SHIP", 1, src=("WH1-STAGE", "AVAILABLE"),
                                         partner="HOSP1")])):
            try:
                with db.unit_of_work() as uow:
                    post(uow.session, actor=history.manager, doc_type=doc, doc_no="CC",
                         lines=lines)
                    uow.commit()
                outcomes.append(doc)
            except DomainError:
                outcomes.append("refused")
                return
        time.sleep(0.001)


def test_a_recall_during_picking_leaves_no_recalled_unit_picked_or_shipped(db, anchor):
    history = build_history(db)
    stop, outcomes = threading.Event(), []
    thread = threading.Thread(target=picker, args=(db, history, stop, outcomes))
    thread.start()
    while len(outcomes) < 6:
        time.sleep(0.005)
    view = service.open_recall(db, actor=history.manager, scope=Scope(STENT_GTIN, lots=("L1",)),
                               reason="race", risk_class="I")
    thread.join(timeout=30)
    stop.set()
    assert outcomes[-1] == "refused"
    seal_all(db, anchor)
    with db.reading() as s:
        rows = s.execute(select(Movement.seq, Movement.doc_type).where(
            Movement.lot_id == history.lot["L1"], Movement.warehouse_id ==
            select(Movement.warehouse_id).where(Movement.doc_no == "RCV-1").scalar_subquery())
        ).all()
        statuses = set(s.scalars(select(Stock.status).where(
            Stock.lot_id == history.lot["L1"])))
    first_recall = min(seq for seq, doc in rows if doc == "RCL")
    assert all(seq < first_recall for seq, doc in rows if doc in ("PICK", "SHP")
               and doc != "RCL" and seq != 0)
    assert statuses == {"RECALLED"}
    shipped_in_race = outcomes.count("SHP")
    hosp1 = next(c for c in view.consignees if c.partner == "HOSP1")
    assert hosp1.shipped == 20 + shipped_in_race
