"""Order pages: the list, a small form to make an order by hand, the detail, and waves."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import require
from medwms.auth.rules import Perm
from medwms.web import outbound
from medwms.web.deps import DbDep, VisitorDep
from medwms.web.menu import N_, NP_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
# An order's status has its own words (PARTIAL is "partly allocated", not a partial acceptance).
ORDER_STATUSES = (NP_("order status", "OPEN"), NP_("order status", "ALLOCATED"),
                  NP_("order status", "PARTIAL"), NP_("order status", "PICKING"),
                  NP_("order status", "PICKED"), NP_("order status", "VERIFIED"),
                  NP_("order status", "SHIPPED"), NP_("order status", "CANCELLED"))
ORDER_WORDS = (N_("ALLOCATED"), N_("PICKING"), N_("PICKED"), N_("VERIFIED"), N_("SHIPPED"),
               N_("CANCELLED"), N_("SALE"), N_("DEPARTMENT"), N_("TRANSFER"))
REASONS = {"WRONG_OWNER": N_("Another owner"), "OTHER_LOT": N_("Not the required lot"),
           "OTHER_SERIAL": N_("Not the required serial"), "STATUS": N_("Status not available"),
           "NOT_STORAGE": N_("Not in a storage zone"), "LOCATION_BLOCKED": N_("Location blocked"),
           "EXPIRED": N_("Expired"), "SHELF_LIFE": N_("Too little shelf life on delivery"),
           "RESERVED": N_("Reserved by other orders"), "NOT_NEEDED": N_("Not needed (FEFO)")}
JOINABLE = ("OPEN", "ALLOCATED", "PARTIAL")


@router.get("/orders", response_class=HTMLResponse)
def orders_page(request: Request, db: DbDep, visitor: VisitorDep,
                status: str | None = None) -> HTMLResponse:
    """Orders, newest first; open ones can be ticked and grouped into a wave."""
    require(visitor.actor, Perm.STOCK_READ)
    return render(request, "orders/list.html", visitor=visitor, status=status or "",
                  orders=outbound.order_list(db, status=status or None), joinable=JOINABLE,
                  statuses=ORDER_STATUSES, can_create=visitor.actor.can(Perm.ORDERS_MANAGE),
                  can_wave=visitor.actor.can(Perm.ORDERS_MANAGE)
                  or visitor.actor.can(Perm.PICK))


@router.get("/orders/new", response_class=HTMLResponse)
def new_order(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """A small form: warehouse, consignee, dates and a few lines of item and quantity."""
    require(visitor.actor, Perm.ORDERS_MANAGE)
    return render(request, "orders/new.html", visitor=visitor,
                  choices=outbound.order_choices(db, visitor.lang), rows=range(3))


@router.get("/orders/{order_no}", response_class=HTMLResponse)
def order_page(request: Request, order_no: str, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """One order: lines, allocations, and why lots were taken or passed over."""
    require(visitor.actor, Perm.STOCK_READ)
    order, explanation = outbound.order_detail(db, order_no)
    why = {line["line_no"]: line["explanation"] for line in explanation["lines"]}
    return render(request, "orders/detail.html", visitor=visitor, order=order, why=why,
                  reasons=REASONS,
                  can_manage=visitor.actor.can(Perm.ORDERS_MANAGE))


@router.get("/waves/{wave_no}", response_class=HTMLResponse)
def wave_page(request: Request, wave_no: str, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """One wave: its orders, the route's stops, and the route length against the plain order."""
    require(visitor.actor, Perm.STOCK_READ)
    return render(request, "waves/detail.html", visitor=visitor,
                  wave=outbound.wave(db, wave_no))
