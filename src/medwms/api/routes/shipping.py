"""Shipping stations: packing, confirmation, shipping list and SSCC labels, transfer receipts,
customer returns. Every POST accepts `Idempotency-Key: <scan id>` (a retry applies once)."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from medwms.api.deps import ActorDep, DbDep, LangDep, SettingsDep, needs
from medwms.api.idempotency import respond
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.barcode.labels import LabelSize
from medwms.barcode.render_pdf import labels_pdf
from medwms.barcode.zpl import labels_zpl
from medwms.core.fields import Code, Id, Line, Quantity, ScanText
from medwms.documents.shipping_list import shipping_list, shipping_list_pdf
from medwms.shipping import packing, queries, returns, shipments, transfers

router = APIRouter(tags=["shipping"])
Lang = Literal["zh-CN", "en"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


@router.post("/orders/{order_no}/shipment", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.SHIP)])
def open_shipment(order_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Open the shipment of a verified order for packing (the open one if it exists)."""
    return asdict(packing.open_shipment(db, actor=actor, order_no=order_no))


class UnitIn(_In):
    cold: bool = False
    box_id: Line = Field(default="", max_length=60)
    logger_id: Line = Field(default="", max_length=60)
    dispatch_temp: Decimal | None = Field(default=None, ge=-80, le=60, decimal_places=1)


@router.post("/shipments/{shipment_no}/units", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.SHIP)])
def add_unit(shipment_no: Code, body: UnitIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """A new shipping unit with its SSCC; cold units record box, logger and temperature."""
    return asdict(packing.add_shipping_unit(db, actor=actor, shipment_no=shipment_no,
                                            **body.model_dump()))


class ScanIn(_In):
    scan_id: Line = Field(min_length=1, max_length=64)
    raw: ScanText = Field(min_length=1, max_length=300)


@router.post("/shipments/{shipment_no}/units/{sscc}/scans", status_code=status.HTTP_201_CREATED,
             response_model=dict[str, Any], dependencies=[needs(Perm.SHIP)])
def pack(shipment_no: Code, sscc: Code, body: ScanIn, db: DbDep, actor: ActorDep) -> Response:
    """Scan one picked unit into the shipping unit."""
    return respond(status.HTTP_201_CREATED, asdict(packing.pack_scan(
        db, actor=actor, shipment_no=shipment_no, sscc=sscc, raw=body.raw)))


class ConfirmIn(_In):
    carrier: Line = Field(max_length=100, description="carrier name, or OWN for our fleet")
    waybill: Line = Field(max_length=60, description="waybill no. (own fleet: plate, driver)")


@router.post("/shipments/{shipment_no}/confirm", dependencies=[needs(Perm.SHIP)])
def confirm(shipment_no: Code, body: ConfirmIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Ship: post the units out to the consignee (or in transit) and record the transport."""
    return asdict(shipments.confirm_shipment(db, actor=actor, shipment_no=shipment_no,
                                             carrier=body.carrier, waybill=body.waybill))


@router.get("/shipments/{shipment_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_shipment(shipment_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """One shipment with its units, lines and (for transfers) the discrepancy report."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        return asdict(queries.shipment_view(session, shipment_no))


@router.get("/shipments/{shipment_no}/shipping-list.pdf", dependencies=[needs(Perm.STOCK_READ)])
def shipping_list_document(shipment_no: Code, db: DbDep, actor: ActorDep,
                           settings: SettingsDep, language: LangDep,
                           lang: Lang | None = None) -> Response:
    """The shipping list (随货同行单) as PDF, zh-CN or English."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        document = shipping_list(session, shipment_no)
    pdf = shipping_list_pdf(document, language=lang or language,
                            font_path=settings.cjk_font_path)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{shipment_no}-shipping-list.pdf"'})


@router.get("/shipments/{shipment_no}/units/{sscc}/label.pdf",
            dependencies=[needs(Perm.STOCK_READ)])
def unit_label_pdf(shipment_no: Code, sscc: Code, db: DbDep, actor: ActorDep,
                   settings: SettingsDep, size: LabelSize = LabelSize.L100X50) -> Response:
    """The shipping unit's SSCC label (GS1-128) as PDF."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        label = queries.unit_label(session, shipment_no, sscc)
    pdf = labels_pdf([label], size, font_path=settings.cjk_font_path, title=f"SSCC {sscc}")
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{sscc}.pdf"'})


@router.get("/shipments/{shipment_no}/units/{sscc}/label.zpl",
            dependencies=[needs(Perm.STOCK_READ)])
def unit_label_zpl(shipment_no: Code, sscc: Code, db: DbDep, actor: ActorDep,
                   size: LabelSize = LabelSize.L100X50,
                   dpmm: Annotated[int, Query(ge=1, le=24,
                                              description="6, 8 (203 dpi), 12 or 24")] = 8,
                   cjk_font: Code | None = None) -> Response:
    """The shipping unit's SSCC label as ZPL II text."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        label = queries.unit_label(session, shipment_no, sscc)
    return Response(labels_zpl([label], size, dpmm=dpmm, cjk_font=cjk_font),
                    media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{sscc}.zpl"'})


class ReceiptScanIn(_In):
    scan_id: Line = Field(default="", max_length=64)
    raw: ScanText = Field(min_length=1, max_length=300)
    arrival_temp: Decimal | None = Field(default=None, ge=-80, le=60, decimal_places=1)
    location: Line | None = Field(default=None, max_length=40, description="dock; default first")


@router.post("/transfers/{shipment_no}/receipts/scans", status_code=status.HTTP_201_CREATED,
             response_model=dict[str, Any], dependencies=[needs(Perm.RECEIVE)])
def receive_transfer(shipment_no: Code, body: ReceiptScanIn, db: DbDep,
                     actor: ActorDep) -> Response:
    """Scan a transferred unit (or an SSCC) in at the receiving warehouse."""
    return respond(status.HTTP_201_CREATED, asdict(transfers.receive_transfer_scan(
        db, actor=actor, shipment_no=shipment_no, raw=body.raw,
        arrival_temp=body.arrival_temp, location=body.location)))


@router.post("/transfers/{shipment_no}/close", dependencies=[needs(Perm.RECEIVE)])
def close_transfer(shipment_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """End the transfer receipt; missing units are reported short and stay in transit."""
    return asdict(transfers.close_transfer_receipt(db, actor=actor, shipment_no=shipment_no))


class ResolveIn(_In):
    line_id: Id
    outcome: Literal["FOUND", "LOST"]
    quantity: Quantity = Field(ge=1)
    reason: Line = Field(min_length=1, max_length=200)
    arrival_temp: Decimal | None = Field(default=None, ge=-80, le=60, decimal_places=1)
    location: Line | None = Field(default=None, max_length=40)


@router.post("/transfers/{shipment_no}/resolve", dependencies=[needs(Perm.RESOLVE_DISCREPANCY)])
def resolve_transfer(shipment_no: Code, body: ResolveIn, db: DbDep,
                     actor: ActorDep) -> dict[str, Any]:
    """A manager settles missing units: FOUND (received) or LOST (written off)."""
    return asdict(transfers.resolve_transfer_line(db, actor=actor, shipment_no=shipment_no,
                                                  **body.model_dump()))


@router.get("/transfers/in-transit", dependencies=[needs(Perm.STOCK_READ)])
def transfers_in_transit(db: DbDep, actor: ActorDep, warehouse: Code) -> dict[str, Any]:
    """A warehouse's transit view: IN_TRANSIT stock it sent, transfer lines coming to it."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        return asdict(queries.in_transit(session, warehouse))


class ReturnIn(_In):
    shipment_no: Line = Field(min_length=1, max_length=40)
    reason: Line = Field(min_length=1, max_length=300)


@router.post("/returns", status_code=status.HTTP_201_CREATED, dependencies=[needs(Perm.RECEIVE)])
def open_return(body: ReturnIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Open a customer return against the original shipment."""
    return asdict(returns.open_return(db, actor=actor, shipment_no=body.shipment_no,
                                      reason=body.reason))


class ReturnScanIn(ScanIn):
    reason: Line = Field(default="", max_length=300)
    accept_flagged: bool = False
    location: Line | None = Field(default=None, max_length=40)


@router.post("/returns/{return_no}/scans", status_code=status.HTTP_201_CREATED,
             response_model=dict[str, Any], dependencies=[needs(Perm.RECEIVE)])
def return_scan(return_no: Code, body: ReturnScanIn, db: DbDep, actor: ActorDep) -> Response:
    """Scan a returned unit into quarantine (a unit never shipped needs accept_flagged)."""
    return respond(status.HTTP_201_CREATED, asdict(returns.return_scan(
        db, actor=actor, return_no=return_no, **body.model_dump())))


@router.get("/returns/{return_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_return(return_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """One customer return with its lines and flags."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        return asdict(queries.return_view(session, return_no))
