"""The verification station (复核): a second person re-scans every picked unit of an order."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import require
from medwms.auth.rules import Perm
from medwms.core.fields import Code
from medwms.shipping import outbound
from medwms.verification import blocks
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
WORDS = (N_("MISSING"), N_("EXTRA"), N_("WRONG_ITEM"), N_("WRONG_LOT"), N_("WRONG_SERIAL"),
         N_("OVER"), N_("FOUND"), N_("SHORT_SHIP"), N_("REMOVED"), N_("BLOCKED"),
         N_("PASSED"))
# The review checklist (G26) as the station offers it: each condition's code and the words
# of its "no" (what the reviewer marks before scanning a unit that fails it).
CHECKS = (("PACKAGING", N_("Packaging damaged, dirty or badly sealed")),
          ("LABEL", N_("Label missing, illegible or not matching")),
          ("EXPIRY", N_("Expired")), ("OTHER", N_("Other anomaly")))


@router.get("/stations/verification", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def choose_order(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Step 1: picked orders and open verifications; scanning an order label starts one."""
    require(visitor.actor, Perm.STOCK_READ)
    return render(request, "stations/verification_open.html", visitor=visitor,
                  docs=outbound.to_verify(db, visitor.actor))


@router.get("/stations/verification/{verification_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def verify(request: Request, verification_no: Code, db: DbDep,
           visitor: VisitorDep) -> HTMLResponse:
    """Step 2: re-scan, finish; a manager resolves the discrepancies with a reason."""
    require(visitor.actor, Perm.STOCK_READ)
    record = outbound.verification(db, visitor.actor, verification_no)
    return render(request, "stations/verification.html", visitor=visitor, record=record,
                  mine=record.verifier == visitor.actor.username,
                  can_resolve=visitor.actor.can(Perm.RESOLVE_DISCREPANCY),
                  blocks=blocks.list_blocks(db, actor=visitor.actor, status=None,
                                            order_no=record.order_no),
                  checks=CHECKS)
