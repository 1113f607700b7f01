"""Outbound orders and waves: create, import, allocate, explain, cancel; waves and pick lists.

Mutating calls accept `Idempotency-Key`. Refusals are problem+json with a stable `code`
(see medwms.orders.errors): ORDER_INVALID / IMPORT_REJECTED (422, `problems` with row,
column, value, message), ORDER_NOT_FOUND, WAVE_NOT_FOUND (404), ORDER_EXISTS,
CUSTOMER_LICENCE_INVALID, ITEM_REGISTRATION_INVALID, ORDER_NOT_ALLOCATABLE, ORDER_IN_WAVE,
NOTHING_ALLOCATED (409), STAGING_NOT_SHIPPING (422).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile, status
from pydantic import BaseModel, Field

from medwms.api.deps import ActorDep, DbDep, needs
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.fields import Code, Day, Line, Offset, Signed
from medwms.orders import allocation, importing, orders, queries, waves

router = APIRouter(tags=["orders"])


class OrderLineBody(BaseModel):
    item: Code | None = Field(None, description="item code (quantity in base units)")
    gtin: Code | None = Field(None, description="or a GTIN (quantity in packs of that level)")
    quantity: Signed  # the service lists a line of 0 or less with its other problems
    lot: Code | None = Field(None, description="the lot the customer requires")
    serial: Code | None = Field(None, description="the serial the customer requires")


class OrderBody(BaseModel):
    order_no: Code | None = Field(None, description="default: OUT-<date>-<tail>")
    kind: Code = Field("SALE", description="SALE, DEPARTMENT or TRANSFER")
    warehouse: Code
    consignee: Code | None = Field(None, description="partner code (SALE, DEPARTMENT)")
    to_warehouse: Code | None = Field(None, description="warehouse code (TRANSFER)")
    owner: Code = "SELF"
    reference: Line = Field("", max_length=60)
    salesperson: Line = Field("", max_length=40,
                              description="ID number of the salesperson (G30 letter checked)")
    requested_ship_date: Day | None = None
    delivery_date: Day | None = None
    lines: list[OrderLineBody]

    def command(self) -> orders.OrderIn:
        """The body as the service's OrderIn."""
        lines = tuple(orders.LineIn(**line.model_dump()) for line in self.lines)
        return orders.OrderIn(**self.model_dump(exclude={"lines"}), lines=lines)


class CancelBody(BaseModel):
    reason: Line = Field(min_length=1, max_length=300)


class WaveBody(BaseModel):
    orders: list[Code] = Field(min_length=1)
    staging: Code | None = Field(None, description="a SHIPPING-zone location; default the first")


@router.post("/orders", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.ORDERS_MANAGE)])
def create_order(body: OrderBody, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Create an order; every problem is listed with its line and column."""
    return asdict(orders.create_order(db, actor=actor, order=body.command()))


@router.post("/orders/import", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.ORDERS_MANAGE)])
def import_orders(db: DbDep, actor: ActorDep,
                  file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Orders from a CSV/XLSX file (one row per line), all or none."""
    made = importing.import_orders(db, actor=actor, data=file.file.read(),
                                   filename=file.filename or "orders.csv")
    return {"orders": [asdict(order) for order in made]}


@router.get("/orders", dependencies=[needs(Perm.STOCK_READ)])
def list_orders(db: DbDep, actor: ActorDep, status_: Annotated[
        Code | None, Query(alias="status")] = None, warehouse: Code | None = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                offset: Offset = 0) -> dict[str, Any]:
    """Orders, newest first."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        found = queries.list_orders(s, status=status_, warehouse=warehouse, limit=limit,
                                    offset=offset)
    return {"orders": [asdict(order) for order in found]}


@router.get("/orders/{order_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_order(order_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """One order with its lines, allocations and backorders."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return asdict(queries.order_view(s, order_no))


@router.post("/orders/{order_no}/allocate", dependencies=[needs(Perm.ORDERS_MANAGE)])
def allocate_order(order_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Reserve FEFO stock for the order's open lines; shortages become backorders."""
    return asdict(allocation.allocate_order(db, actor=actor, order_no=order_no))


@router.get("/orders/{order_no}/explain", dependencies=[needs(Perm.STOCK_READ)])
def explain_order(order_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Per line: the lots taken and the lots passed over, with the reason."""
    return allocation.explain_order(db, actor=actor, order_no=order_no)


@router.post("/orders/{order_no}/cancel", dependencies=[needs(Perm.ORDERS_MANAGE)])
def cancel_order(order_no: Code, body: CancelBody, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Cancel an order nothing of which was picked; reservations are released."""
    return asdict(orders.cancel_order(db, actor=actor, order_no=order_no, reason=body.reason))


@router.post("/waves", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.ORDERS_MANAGE, Perm.PICK)])
def create_wave(body: WaveBody, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Group orders into a wave (allocating them if needed) with a short pick path."""
    return asdict(waves.create_wave(db, actor=actor, order_nos=body.orders,
                                    staging=body.staging))


@router.get("/waves/{wave_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_wave(wave_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """The wave: staging, route, route length and plain-order length, orders."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return asdict(queries.wave_view(s, wave_no))
