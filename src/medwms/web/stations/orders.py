"""Order pages: the list, a small form to make an order or a transfer by hand, the detail,
and waves. The form posts here (CSRF token in the form) and calls the service the API's
POST /orders calls; a refusal comes back as the form with each problem beside its field."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.db import Database
from medwms.core.fields import Code
from medwms.masterdata import choices
from medwms.orders import orders
from medwms.orders.errors import OrderInvalid
from medwms.shipping import outbound
from medwms.web import forms
from medwms.web.deps import DbDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Reader, Refusal
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
LINE_FIELDS = ("item", "quantity", "lot")
HEADER_FIELDS = ("kind", "warehouse", "consignee", "to_warehouse", "reference",
                 "requested_ship_date", "delivery_date")
# Where each problem column of the order service is shown on the form.
FIELDS = {name: name for name in HEADER_FIELDS + LINE_FIELDS + ("lines",)} | {
    "gtin": "item", "serial": "lot", "owner": "warehouse", "order_no": "reference"}


@router.get("/orders", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def orders_page(request: Request, db: DbDep, visitor: VisitorDep,
                status: str | None = None) -> HTMLResponse:
    """Orders, newest first; open ones can be ticked and grouped into a wave."""
    require(visitor.actor, Perm.STOCK_READ)
    return render(request, "orders/list.html", visitor=visitor, status=status or "",
                  orders=outbound.order_list(db, visitor.actor, status=status or None),
                  joinable=JOINABLE,
                  statuses=ORDER_STATUSES, can_create=visitor.actor.can(Perm.ORDERS_MANAGE),
                  can_wave=visitor.actor.can(Perm.ORDERS_MANAGE)
                  or visitor.actor.can(Perm.PICK))


@router.get("/orders/new", response_class=HTMLResponse, dependencies=[needs(Perm.ORDERS_MANAGE)])
def new_order(request: Request, db: DbDep, visitor: VisitorDep, kind: str = "SALE"
              ) -> HTMLResponse:
    """A small form: warehouse, consignee (or, for a TRANSFER, the warehouse it goes to),
    dates and a few lines of item, quantity and an optional lot."""
    require(visitor.actor, Perm.ORDERS_MANAGE)
    rows = [dict.fromkeys(LINE_FIELDS, "") for _ in range(3)]
    return _order_form(request, db, visitor, values={"kind": kind.upper()}, rows=rows)


@router.post("/orders/new", response_model=None, dependencies=[needs(Perm.ORDERS_MANAGE)])
def create_order(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep) -> Response:
    """Create the order and show it; or the form again with every problem beside its field."""
    forms.check_csrf(request, visitor, form)
    require(visitor.actor, Perm.ORDERS_MANAGE)
    rows = forms.line_rows(form, LINE_FIELDS)
    def save() -> str:
        read = Reader()
        order = _order_in(read, forms.values(form), rows)
        read.check(OrderInvalid)
        return f"/orders/{orders.create_order(db, actor=visitor.actor, order=order).order_no}"

    return forms.submitted(
        save, lambda refused, status: _order_form(request, db, visitor,
                                                  values=forms.values(form), rows=rows,
                                                  refusal=refused, status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


def _order_in(read: Reader, values: dict[str, str], rows: list[dict[str, str]]
              ) -> orders.OrderIn:
    transfer = values.get("kind", "").upper() == "TRANSFER"
    lines = tuple(orders.LineIn(quantity=read.whole(row["quantity"], "quantity", n),
                                item=row["item"] or None, lot=row["lot"] or None, row=n)
                  for n, row in enumerate(rows, start=1) if not forms.is_blank(row))
    return orders.OrderIn(
        kind=values.get("kind", "SALE"), warehouse=values.get("warehouse", ""), lines=lines,
        consignee=None if transfer else values.get("consignee") or None,
        to_warehouse=(values.get("to_warehouse") or None) if transfer else None,
        reference=values.get("reference", ""),
        requested_ship_date=read.day(values.get("requested_ship_date", ""),
                                     "requested_ship_date"),
        delivery_date=read.day(values.get("delivery_date", ""), "delivery_date"))


def _order_form(request: Request, db: Database, visitor: Visitor, *, values: dict[str, str],
                rows: list[dict[str, str]], refusal: Refusal | None = None,
                status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as s:
        items = choices.items(s, visitor.lang)  # named in the UI language
    return render(request, "orders/new.html", visitor=visitor,
                  choices=outbound.order_choices(db, visitor.actor, visitor.lang)
                  | {"items": items},
                  values=values, rows=rows,
                  transfer=values.get("kind", "").upper() == "TRANSFER", refusal=refusal,
                  status_code=status_code)


@router.get("/orders/{order_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def order_page(request: Request, order_no: Code, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """One order: lines, allocations, and why lots were taken or passed over."""
    require(visitor.actor, Perm.STOCK_READ)
    order, explanation = outbound.order_detail(db, visitor.actor, order_no)
    why = {line["line_no"]: line["explanation"] for line in explanation["lines"]}
    return render(request, "orders/detail.html", visitor=visitor, order=order, why=why,
                  reasons=REASONS,
                  can_manage=visitor.actor.can(Perm.ORDERS_MANAGE))


@router.get("/waves/{wave_no}", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def wave_page(request: Request, wave_no: Code, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """One wave: its orders, the route's stops, and the route length against the plain order."""
    require(visitor.actor, Perm.STOCK_READ)
    return render(request, "waves/detail.html", visitor=visitor,
                  wave=outbound.wave(db, visitor.actor, wave_no))
