"""The putaway station's API: the worklist, a suggestion for a scanned unit, the confirmation.

A station calls, per unit: POST /putaway/suggest {raw} → shows the suggested location;
then POST /putaway/confirm {raw, location_raw} (with `Idempotency-Key: <scan id>`).
Refusals are problem+json with a stable `code` (see medwms.putaway.errors).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from medwms.api.deps import ActorDep, DbDep, needs
from medwms.api.idempotency import respond
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.fields import Code, Count, Line, ScanText
from medwms.putaway import queries, service
from medwms.putaway.selection import StockIdentity

router = APIRouter(tags=["putaway"])


class StockIn(BaseModel):
    """The stock: a unit/SSCC scan in `raw`, or named by codes; codes also narrow a scan."""

    raw: ScanText | None = Field(None, max_length=300,
                                 description="the unit (GTIN+lot(+serial)) or SSCC scan")
    item: Code | None = None
    lot: Code | None = None
    serial: Code | None = None
    sscc: Code | None = None
    from_location: Code | None = Field(None, description="the dock, when the lot is at several")
    status: Code | None = Field(None, description="AVAILABLE or REJECTED, when both wait")
    warehouse: Code | None = None
    quantity: Count | None = Field(None, gt=0, description="default: all of it at the dock")

    def identity(self) -> StockIdentity:
        """The codes as a StockIdentity."""
        return StockIdentity(item=self.item, lot=self.lot, serial=self.serial, sscc=self.sscc,
                             from_location=self.from_location, status=self.status,
                             warehouse=self.warehouse)


class ConfirmIn(StockIn):
    location_raw: ScanText = Field(
        max_length=300, description="the location scan (#L:<CODE>, GLN+254, or the code)")
    override_reason: Line = Field("", max_length=280,
                                 description="needed (with the permission) for another location")


@router.get("/putaway/tasks", dependencies=[needs(Perm.STOCK_READ)])
def putaway_tasks(db: DbDep, actor: ActorDep, warehouse: Code | None = None) -> dict[str, Any]:
    """Released and rejected stock still at receiving docks, each with its suggested location."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        return {"tasks": [asdict(task) for task in queries.tasks(session, warehouse=warehouse)]}


@router.post("/putaway/suggest", dependencies=[needs(Perm.STOCK_MOVE)])
def putaway_suggest(body: StockIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Which stock the scan names, how many units go, and the suggested location with why."""
    proposal = service.suggest(db, actor=actor, raw=body.raw, identity=body.identity(),
                               quantity=body.quantity)
    return asdict(proposal)


@router.post("/putaway/confirm", status_code=status.HTTP_201_CREATED,
             response_model=dict[str, Any], dependencies=[needs(Perm.STOCK_MOVE)])
def putaway_confirm(body: ConfirmIn, db: DbDep, actor: ActorDep) -> Response:
    """Put the stock away to the scanned location: the PUTAWAY document, or a refusal."""
    done = service.confirm(db, actor=actor, location_raw=body.location_raw, raw=body.raw,
                           identity=body.identity(), quantity=body.quantity,
                           override_reason=body.override_reason)
    return respond(status.HTTP_201_CREATED, asdict(done))
