"""Receiving handover and the outbound review record over HTTP (GSP G07, G08, G12, G26).

POST /receipts/{no}/handover (multipart): the deliverer's name and signature (a PNG drawn on
the handheld, or the signed paper scanned), the delivery note, waybill and — for cold goods —
the transport temperature record (PDF/JPEG/PNG, or the logger's CSV), and the receiver's
password (their e-signature). A receipt closes only after it. GET the same path shows it.
The review record of a verification: JSON and PDF; review blocks: listed and cleared.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Response, UploadFile
from pydantic import BaseModel, Field

from medwms.api.deps import ActorDep, DbDep, LangDep, SettingsDep, needs
from medwms.attachments.service import Upload
from medwms.attachments.store import store_of
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.fields import Code, Id, Line
from medwms.documents.review_record import review_record_pdf
from medwms.receiving import handover, handover_queries, rules
from medwms.verification import blocks, review

router = APIRouter(tags=["quality"])
Lang = Literal["zh-CN", "en"]
FileIn = Annotated[UploadFile | None, File()]


def _upload(file: UploadFile | None) -> Upload | None:
    if file is None or not file.filename:
        return None
    return Upload(file.filename, file.file.read())


@router.post("/receipts/{receipt_no}/handover", dependencies=[needs(Perm.RECEIVE)])
def record_handover(receipt_no: Code, db: DbDep, actor: ActorDep, settings: SettingsDep,
                    deliverer_name: Annotated[Line, Form(max_length=80)],
                    password: Annotated[Line, Form(max_length=200)],
                    deliverer_signature: Annotated[UploadFile, File()],
                    signed_by: Annotated[Code, Form(description="DRAWN or PAPER")] = "DRAWN",
                    delivery_note: FileIn = None, waybill: FileIn = None,
                    temperature_record: FileIn = None) -> dict[str, Any]:
    """Sign the handover of a receipt: papers kept, deliverer's and receiver's signatures."""
    papers = [(purpose, upload) for purpose, upload in (
        (rules.DELIVERY_NOTE, _upload(delivery_note)), (rules.WAYBILL, _upload(waybill)),
        (rules.TEMPERATURE_RECORD, _upload(temperature_record))) if upload is not None]
    signature = _upload(deliverer_signature) or Upload(deliverer_signature.filename or "", b"")
    view = handover.record_handover(
        db, store=store_of(settings.attachments_dir, settings.max_attachment_bytes),
        actor=actor, receipt_no=receipt_no, deliverer_name=deliverer_name,
        deliverer_signature=signature, signed_by=signed_by, papers=papers, password=password)
    return {**asdict(view), "complete": view.complete}


@router.get("/receipts/{receipt_no}/handover", dependencies=[needs(Perm.STOCK_READ)])
def get_handover(receipt_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """A receipt's handover: the kept papers, both signatures, and what is still missing."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        view = handover_queries.receipt_handover(session, receipt_no)
    return {**asdict(view), "complete": view.complete}


@router.get("/verifications/{verification_no}/review-record",
            dependencies=[needs(Perm.STOCK_READ)])
def get_review_record(verification_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """The outbound review record (G26): every reviewed unit with its checklist and UDI."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        return asdict(review.review_record(session, verification_no))


@router.get("/verifications/{verification_no}/review-record.pdf",
            dependencies=[needs(Perm.STOCK_READ)], response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def review_record_as_pdf(verification_no: Code, db: DbDep, actor: ActorDep,
                         settings: SettingsDep, language: LangDep,
                         lang: Lang | None = None) -> Response:
    """The outbound review record as PDF."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        record = review.review_record(session, verification_no)
    pdf = review_record_pdf(record, language=lang or language, font_path=settings.cjk_font_path)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{record.verification_no}-review.pdf"'})


@router.get("/quality/review-blocks", dependencies=[needs(Perm.STOCK_READ)])
def list_review_blocks(db: DbDep, actor: ActorDep,
                       status: Literal["OPEN", "CLEARED", "ALL"] = "OPEN") -> list[dict[str, Any]]:
    """Review blocks (quality tasks from a failed checklist), newest first."""
    found = blocks.list_blocks(db, actor=actor, status=None if status == "ALL" else status)
    return [asdict(block) for block in found]


class ClearIn(BaseModel):
    decision: Line = Field(min_length=1, max_length=280, description="quality's decision")
    password: Line = Field(min_length=1, max_length=200, description="e-signature")


@router.post("/quality/review-blocks/{block_id}/clear",
             dependencies=[needs(Perm.QUALITY_RECORD)])
def clear_review_block(block_id: Id, body: ClearIn, db: DbDep,
                       actor: ActorDep) -> dict[str, Any]:
    """Quality decides a review block with an e-signature; the order may then ship."""
    return asdict(blocks.clear_review_block(db, actor=actor, block_id=block_id,
                                            decision=body.decision, password=body.password))
