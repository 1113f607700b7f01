"""Stock on hand, movement history, and stock documents (move / re-status / adjust)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from medwms.api.deps import ActorDep, DbDep, needs
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.fields import Code, Day, Offset, Quantity
from medwms.ledger import commands, queries

router = APIRouter(tags=["stock"])


@router.get("/stock", dependencies=[needs(Perm.STOCK_READ)])
def stock_on_hand(
    db: DbDep, actor: ActorDep,
    item: Code | None = None, gtin: Code | None = None, lot: Code | None = None,
    serial: Code | None = None, location: Code | None = None, zone: Code | None = None,
    warehouse: Code | None = None, status_: Annotated[Code | None, Query(alias="status")] = None,
    expiring_before: Day | None = None, owner: Code | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500, offset: Offset = 0,
) -> dict[str, Any]:
    """Stock matching every given filter, earliest expiry first, with GSP colours."""
    require(actor, Perm.STOCK_READ)
    flt = queries.StockFilter(item=item, gtin=gtin, lot=lot, serial=serial, location=location,
                              zone=zone, warehouse=warehouse, status=status_,
                              expiring_before=expiring_before, owner=owner)
    with reading_as(db, actor) as session:
        rows = queries.stock(session, flt, limit=limit, offset=offset)
        total = queries.stock_total(session, flt)
    return {"total_quantity": total, "rows": [asdict(r) for r in rows]}


@router.get("/movements", dependencies=[needs(Perm.STOCK_READ)])
def movement_history(db: DbDep, actor: ActorDep, item: Code | None = None,
                     lot: Code | None = None, serial: Code | None = None,
                     location: Code | None = None,
                     limit: Annotated[int, Query(ge=1, le=10000)] = 1000) -> list[dict[str, Any]]:
    """The movements of a lot, a serial or a location, in time order."""
    require(actor, Perm.STOCK_READ)
    flt = queries.MovementFilter(item=item, lot=lot, serial=serial, location=location)
    with reading_as(db, actor) as session:
        return [asdict(r) for r in queries.movements(session, flt, limit=limit)]


class MoveLine(BaseModel):
    kind: Code = Field(description="MOVE, STATUS or ADJUST")
    item: Code
    quantity: Quantity = Field(gt=0)
    lot: Code | None = None
    serial: Code | None = None
    from_location: Code | None = None
    to_location: Code | None = None
    from_status: Code | None = None
    to_status: Code | None = None
    owner: Code = "SELF"
    reason: Code = ""


class StockDocumentIn(BaseModel):
    doc_no: Code | None = None
    lines: list[MoveLine] = Field(min_length=1)


@router.post("/stock/documents", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(*commands.PERMISSION.values())])
def post_stock_document(body: StockDocumentIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Move, re-status (hold) or adjust stock; all lines post together or none do."""
    lines = [commands.MoveRequest(**line.model_dump()) for line in body.lines]
    result = commands.post_stock_document(db, actor=actor, lines=lines, doc_no=body.doc_no)
    return asdict(result)
