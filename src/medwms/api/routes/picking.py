"""The picking and verification (复核) stations over HTTP.

Picking, per stop: POST /waves/{no}/location {raw} checks the location scan and returns
what to pick there (writes nothing); then, per unit, POST /waves/{no}/picks
{scan_id, location_raw, raw, quantity?} — the station keeps the scanned location and sends
it with every unit. Verification: POST /orders/{no}/verification starts it, then
/verifications/{no}/scans per unit, /finish, and a manager's /discrepancies/{id}/resolve.
Stations send `Idempotency-Key: <scan id>` and the scan id in the body; a resubmitted scan id
returns the first result. Refusals are problem+json with a stable `code`
(see medwms.picking.errors and medwms.verification.errors).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from medwms.api.deps import ActorDep, DbDep, SettingsDep, needs
from medwms.api.idempotency import respond
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.fields import Code, Count, Id, Line, Moment, ScanText
from medwms.picking import picks
from medwms.verification import queries as records
from medwms.verification import service as verification

router = APIRouter(tags=["picking"])


class LocationIn(BaseModel):
    raw: ScanText = Field(max_length=300,
                          description="the location scan (#L:<CODE>, GLN+254) or the typed code")


class PickIn(BaseModel):
    scan_id: Line = Field(min_length=1, max_length=64, description="the station's scan id")
    location_raw: ScanText = Field(max_length=300,
                                   description="the location scanned before the unit")
    raw: ScanText = Field(max_length=300,
                          description="the unit's barcode (GTIN + lot (+ serial) (+ expiry))")
    quantity: Count | None = Field(None, gt=0, le=100000,
                                 description="packs of the scanned GTIN (default 1; "
                                             "AI 30/37 in the barcode wins)")


class VerifyScanIn(BaseModel):
    scan_id: Line = Field(min_length=1, max_length=64)
    raw: ScanText = Field(max_length=300)
    quantity: Count | None = Field(None, gt=0, le=100000, description="packs of the GTIN")
    failed: list[Code] = Field(default_factory=list, max_length=4, description=(
        "review checklist (G26): the conditions that FAIL, of PACKAGING, LABEL, EXPIRY, OTHER; "
        "empty = all four confirmed fine"))
    note: Line = Field("", max_length=280, description="what is wrong (required with OTHER)")


class ResolveIn(BaseModel):
    action: Code = Field(description="MISSING: FOUND or SHORT_SHIP; others: REMOVED")
    resolution: Line = Field(min_length=1, max_length=280, description="the reason, in words")


@router.get("/waves/{wave_no}/picklist", dependencies=[needs(Perm.PICK)])
def get_picklist(wave_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """The picking station's list: stops in route order, each with what is left to pick."""
    return asdict(picks.pick_list(db, actor=actor, wave_no=wave_no))


@router.post("/waves/{wave_no}/location", dependencies=[needs(Perm.PICK)])
def check_location(wave_no: Code, body: LocationIn, db: DbDep,
                   actor: ActorDep) -> dict[str, Any]:
    """Check a location scan: the stop and what to pick there, or LOCATION_NOT_ON_WAVE."""
    return asdict(picks.check_location(db, actor=actor, wave_no=wave_no,
                                       location_raw=body.raw))


@router.post("/waves/{wave_no}/picks", status_code=status.HTTP_201_CREATED,
             response_model=dict[str, Any], dependencies=[needs(Perm.PICK)])
def pick_unit(wave_no: Code, body: PickIn, db: DbDep, actor: ActorDep,
              settings: SettingsDep) -> Response:
    """Pick one scanned unit at the scanned location to the wave's staging location.

    Another serial of an allocated serial's lot is taken (and recorded, with a warning)
    unless the order names the serial or MEDWMS_PICK_SERIAL_SUBSTITUTION is false.
    """
    return respond(status.HTTP_201_CREATED, asdict(picks.pick_unit(
        db, actor=actor, wave_no=wave_no, location_raw=body.location_raw, raw=body.raw,
        scan_id=body.scan_id, packs=body.quantity,
        serial_substitution=settings.pick_serial_substitution)))


@router.post("/orders/{order_no}/verification", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.VERIFY)])
def start_verification(order_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Start (or continue) the verification of a picked order by a second person."""
    return asdict(verification.start_verification(db, actor=actor, order_no=order_no))


@router.post("/verifications/{verification_no}/scans", status_code=status.HTTP_201_CREATED,
             response_model=dict[str, Any], dependencies=[needs(Perm.VERIFY)])
def verify_scan(verification_no: Code, body: VerifyScanIn, db: DbDep,
                actor: ActorDep) -> Response:
    """Re-scan one unit with its review checklist: `discrepancy` is "" for a match, else the
    kind (status BLOCKED); `failed` conditions raise a review block that stops shipping."""
    return respond(status.HTTP_201_CREATED, asdict(verification.scan_unit(
        db, actor=actor, verification_no=verification_no, raw=body.raw,
        scan_id=body.scan_id, packs=body.quantity, failed=body.failed, note=body.note)))


@router.post("/verifications/{verification_no}/finish", dependencies=[needs(Perm.VERIFY)])
def finish_verification(verification_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Compare re-scanned with picked: MISSING lines block, else PASSED (order VERIFIED)."""
    return asdict(verification.finish(db, actor=actor, verification_no=verification_no))


@router.post("/verifications/{verification_no}/discrepancies/{line_id}/resolve",
             dependencies=[needs(Perm.RESOLVE_DISCREPANCY)])
def resolve_discrepancy(verification_no: Code, line_id: Id, body: ResolveIn, db: DbDep,
                        actor: ActorDep) -> dict[str, Any]:
    """A manager resolves one discrepancy with an action and a reason."""
    return asdict(verification.resolve(db, actor=actor, verification_no=verification_no,
                                       line_id=line_id, action=body.action,
                                       resolution=body.resolution))


@router.get("/verifications/{verification_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_verification(verification_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """The GSP outbound review record: who, when, each line, each discrepancy, resolution."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return asdict(records.record(s, records.verification_by_no(s, verification_no)))


@router.get("/kpi/pick-accuracy", dependencies=[needs(Perm.STOCK_READ)])
def get_pick_accuracy(db: DbDep, actor: ActorDep, warehouse: Code | None = None,
                      since: Moment | None = None,
                      until: Moment | None = None) -> dict[str, Any]:
    """Pick scans, units, errors found at verification, and the pick accuracy."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return asdict(records.pick_accuracy(s, warehouse=warehouse, since=since, until=until))
