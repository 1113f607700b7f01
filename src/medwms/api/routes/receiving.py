"""Receiving over HTTP: advance notices, receipts, the receiving station's scans.

Every station action is here; the web station calls these endpoints with the session and
an `Idempotency-Key` (the scan id), and also sends the scan id in the body.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from pydantic import BaseModel, Field

from medwms.api.deps import ActorDep, DbDep, needs
from medwms.api.idempotency import respond
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.fields import Celsius, Code, Count, Day, Line, Offset, ScanText, Signed
from medwms.core.reasons import say
from medwms.receiving import importing, notices, queries, rules, service

router = APIRouter(tags=["receiving"])


class NoticeLineBody(BaseModel):
    gtin: Code
    quantity: Signed = Field(description="base units (eaches), whatever packaging level")
    lot: Code | None = None
    expiry: Day | None = None
    production_date: Day | None = None
    serials: list[Code] = Field(default_factory=list)


class NoticeBody(BaseModel):
    supplier: Code
    warehouse: Code
    notice_no: Code | None = None
    po_no: Code = ""
    expected_on: Day | None = None
    owner: Code = "SELF"
    lines: list[NoticeLineBody]


@router.post("/notices", status_code=status.HTTP_201_CREATED, dependencies=[needs(Perm.RECEIVE)])
def create_notice(body: NoticeBody, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Create an advance notice; every bad line is listed in one 422 problem."""
    lines = [notices.NoticeLineIn(gtin=x.gtin, quantity=x.quantity, lot=x.lot,
                                  expiry=x.expiry, production_date=x.production_date,
                                  serials=tuple(x.serials)) for x in body.lines]
    detail = notices.create_notice(db, actor=actor, supplier=body.supplier,
                                   warehouse=body.warehouse, lines=lines,
                                   notice_no=body.notice_no, po_no=body.po_no,
                                   expected_on=body.expected_on, owner=body.owner)
    return asdict(detail)


@router.post("/notices/import", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.RECEIVE)])
def import_notice(db: DbDep, actor: ActorDep, file: Annotated[UploadFile, File()],
                  supplier: Annotated[Code, Form()], warehouse: Annotated[Code, Form()],
                  notice_no: Annotated[Code | None, Form()] = None,
                  po_no: Annotated[Code, Form()] = "",
                  expected_on: Annotated[Day | None, Form()] = None,
                  owner: Annotated[Code, Form()] = "SELF") -> dict[str, Any]:
    """Create one advance notice from a CSV/XLSX file (all rows or none: IMPORT_REJECTED)."""
    detail = importing.import_notice(db, actor=actor, data=file.file.read(),
                                     filename=file.filename or "", supplier=supplier,
                                     warehouse=warehouse, notice_no=notice_no, po_no=po_no,
                                     expected_on=expected_on, owner=owner)
    return asdict(detail)


@router.get("/notices", dependencies=[needs(Perm.STOCK_READ)])
def list_notices(db: DbDep, actor: ActorDep, status_: Annotated[
                     Code | None, Query(alias="status")] = None,
                 supplier: Code | None = None, warehouse: Code | None = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                 offset: Offset = 0) -> list[dict[str, Any]]:
    """Advance notices, newest first."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        rows = queries.list_notices(s, status=status_, supplier=supplier,
                                    warehouse=warehouse, limit=limit, offset=offset)
    return [asdict(r) for r in rows]


@router.get("/notices/{notice_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_notice(notice_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """A notice with its lines, expected vs received, and its receipts."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return asdict(queries.get_notice(s, notice_no))


class ReceiptBody(BaseModel):
    notice_no: Line | None = Field(None, max_length=60, description="or the scanned #D:<notice no>")
    warehouse: Code | None = None
    po_no: Code = ""
    supplier: Code | None = None
    dock: Code | None = None
    owner: Code = "SELF"
    transport_mode: Code = ""


@router.post("/receipts", status_code=status.HTTP_201_CREATED, dependencies=[needs(Perm.RECEIVE)])
def open_receipt(body: ReceiptBody, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Open a receipt against a notice (its open receipt if any) or a PO + supplier."""
    header = service.open_receipt(db, actor=actor, **body.model_dump())
    return asdict(header)


@router.get("/receipts", dependencies=[needs(Perm.STOCK_READ)])
def list_receipts(db: DbDep, actor: ActorDep, status_: Annotated[
                      Code | None, Query(alias="status")] = None,
                  warehouse: Code | None = None, po_no: Code | None = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                  offset: Offset = 0, include_archived: bool = False) -> list[dict[str, Any]]:
    """Receipts, newest first (archived ones with include_archived)."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        rows = queries.list_receipts(s, status=status_, warehouse=warehouse, po_no=po_no,
                                     limit=limit, offset=offset,
                                     include_archived=include_archived)
    return [asdict(r) for r in rows]


@router.get("/receipts/by-scan", dependencies=[needs(Perm.STOCK_READ)])
def receipt_by_scan(raw: Annotated[ScanText, Query(max_length=300)], db: DbDep,
                    actor: ActorDep) -> dict[str, Any]:
    """The receipt a scanned document barcode (#D:RCV-…) or typed number names."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return asdict(queries.get_receipt(s, queries.find_receipt_no(s, raw)))


@router.get("/receipts/{receipt_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_receipt(receipt_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """A receipt with its lines and (against a notice) expected vs received."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return asdict(queries.get_receipt(s, service.document_no(receipt_no)))


class ArrivalBody(BaseModel):
    temperature: Decimal = Field(ge=-100, le=100)
    logger_id: Line = Field(min_length=1, max_length=60)
    transport_mode: Code = ""


@router.post("/receipts/{receipt_no}/arrival", dependencies=[needs(Perm.RECEIVE)])
def record_arrival(receipt_no: Code, body: ArrivalBody, db: DbDep,
                   actor: ActorDep) -> dict[str, Any]:
    """Record the arrival temperature and transport logger id (needed for cold items)."""
    header = service.record_arrival(db, actor=actor, receipt_no=receipt_no,
                                    **body.model_dump())
    return asdict(header)


class ScanBody(BaseModel):
    raw: ScanText = Field(min_length=1, max_length=300, description="what the scanner typed")
    scan_id: Line = Field(min_length=1, max_length=64, description="made by the page")
    lot: Code | None = None
    serial: Code | None = None
    expiry: Day | None = None
    quantity_packs: Count = Field(1, ge=1, le=100000)
    confirm_over: bool = False
    arrival_temp: Celsius | None = None
    logger_id: Code | None = None


@router.post("/receipts/{receipt_no}/scans", status_code=status.HTTP_201_CREATED,
             response_model=dict[str, Any], dependencies=[needs(Perm.RECEIVE)])
def receive_scan(receipt_no: Code, body: ScanBody, db: DbDep, actor: ActorDep) -> Response:
    """The receiving station: one scan in, the decoded unit and running totals out."""
    result = service.receive_scan(db, actor=actor, receipt_no=receipt_no, **body.model_dump())
    zh = say(result.hold_reason, (rules.ARRIVAL_OUTSIDE,), "zh-CN")
    return respond(status.HTTP_201_CREATED, {**asdict(result), "hold_reason_zh": zh})


@router.post("/receipts/{receipt_no}/close", dependencies=[needs(Perm.RECEIVE)])
def close_receipt(receipt_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Close the receipt; the response lists the discrepancies against the notice."""
    return asdict(service.close_receipt(db, actor=actor, receipt_no=receipt_no))
