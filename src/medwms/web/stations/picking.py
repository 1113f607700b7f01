"""The picking station: choose a wave (or scan its #D: label), then scan locations and units."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import require
from medwms.auth.rules import Perm
from medwms.core.fields import Code
from medwms.picking import picks
from medwms.shipping import outbound
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/stations/picking", response_class=HTMLResponse, dependencies=[needs(Perm.PICK)])
def choose_wave(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Step 1: the waves being picked; scanning a wave label opens it."""
    require(visitor.actor, Perm.PICK)
    return render(request, "stations/picking_open.html", visitor=visitor,
                  waves=outbound.open_waves(db, visitor.actor))


@router.get("/stations/picking/{wave_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.PICK)])
def pick_wave(request: Request, wave_no: Code, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Step 2: the pick list in route order; scan the location, then each unit."""
    pick_list = picks.pick_list(db, actor=visitor.actor, wave_no=wave_no)
    return render(request, "stations/picking.html", visitor=visitor, pick_list=pick_list)
