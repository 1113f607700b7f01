"""Acceptance inspection (验收): lots awaiting inspection, signed conclusions, records, labels.

The inspector is the signed-in user (R03): no request carries an inspector name or time;
the conclusion body refuses unknown fields, so a client cannot send "inspector" or "signed_at".
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from medwms.api.deps import ActorDep, DbDep, LangDep, SettingsDep, needs
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.barcode.labels import LabelSize
from medwms.core.fields import Code, Count, Line, Note
from medwms.documents.acceptance import acceptance_pdf, acceptance_record
from medwms.documents.qc_labels import LabelsPer, qc_labels_pdf, qc_labels_zpl
from medwms.quality import queries, service
from medwms.quality.rules import Checks, Finding

router = APIRouter(tags=["quality"])
Lang = Literal["zh-CN", "en"]


@router.get("/inspections/pending", dependencies=[needs(Perm.STOCK_READ)])
def pending(db: DbDep, actor: ActorDep, warehouse: Code | None = None) -> list[dict[str, Any]]:
    """Lots in quarantine awaiting inspection, oldest arrival first."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        return [asdict(lot) for lot in queries.pending_lots(session, warehouse=warehouse)]


class OpenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    receipt_no: Line = Field(min_length=1, max_length=40)
    item: Line = Field(min_length=1, max_length=40, description="item code")
    lot: Line | None = Field(default=None, max_length=20, description="lot number")


@router.post("/inspections", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.INSPECT)])
def open_inspection(body: OpenIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Open the inspection of a received lot (returns the existing one if already open)."""
    view = service.open_inspection(db, actor=actor, receipt_no=body.receipt_no,
                                   item=body.item, lot=body.lot)
    return asdict(view)


@router.get("/inspections/{inspection_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_inspection(inspection_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """One inspection record, pending or signed."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        return asdict(queries.inspection_view(session, inspection_no))


class ConcludeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conclusion: Literal["ACCEPT", "REJECT", "PARTIAL"]
    sample_size: Count = Field(default=0, ge=0)
    packaging_ok: bool | None = None
    label_ok: bool | None = None
    certificate_ok: bool | None = None
    temperature_ok: bool | None = None
    notes: Note = Field(default="", max_length=2000)
    accepted_qty: Count | None = Field(default=None, description="PARTIAL only")
    rejected_qty: Count | None = Field(default=None, description="PARTIAL only")
    reason: Line = Field(default="", max_length=300, description="REJECT / PARTIAL")
    disposition: Line = Field(default="", max_length=100, description="REJECT / PARTIAL")
    password: Line = Field(min_length=1, max_length=1000,
                           description="the inspector's password: the signature")

    def finding(self) -> Finding:
        """The finding the service checks and signs."""
        checks = Checks(self.packaging_ok, self.label_ok, self.certificate_ok,
                        self.temperature_ok, self.notes)
        return Finding(conclusion=self.conclusion, sample_size=self.sample_size,
                       checks=checks, accepted_qty=self.accepted_qty,
                       rejected_qty=self.rejected_qty, reason=self.reason,
                       disposition=self.disposition)


@router.post("/inspections/{inspection_no}/conclude", dependencies=[needs(Perm.INSPECT)])
def conclude(inspection_no: Code, body: ConcludeIn, db: DbDep,
             actor: ActorDep) -> dict[str, Any]:
    """Accept, reject or split the lot, signed by re-entering the password."""
    view = service.conclude_inspection(db, actor=actor, inspection_no=inspection_no,
                                       finding=body.finding(), password=body.password)
    return asdict(view)


def _pdf(content: bytes, filename: Code) -> Response:
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/inspections/{inspection_no}/record.pdf", dependencies=[needs(Perm.STOCK_READ)])
def inspection_record_pdf(inspection_no: Code, db: DbDep, actor: ActorDep,
                          settings: SettingsDep, language: LangDep,
                          lang: Lang | None = None) -> Response:
    """The acceptance record of one inspection as PDF (?lang=zh-CN|en)."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        record = acceptance_record(session, inspection_no=inspection_no)
    pdf = acceptance_pdf(record, language=lang or language, font_path=settings.cjk_font_path)
    return _pdf(pdf, f"{inspection_no}.pdf")


@router.get("/receipts/{receipt_no}/acceptance.pdf", dependencies=[needs(Perm.STOCK_READ)])
def receipt_acceptance_pdf(receipt_no: Code, db: DbDep, actor: ActorDep,
                           settings: SettingsDep, language: LangDep,
                           lang: Lang | None = None) -> Response:
    """The acceptance record of every inspected lot of a receipt as PDF."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        record = acceptance_record(session, receipt_no=receipt_no)
    pdf = acceptance_pdf(record, language=lang or language, font_path=settings.cjk_font_path)
    return _pdf(pdf, f"{receipt_no}-acceptance.pdf")


@router.get("/inspections/{inspection_no}/labels.pdf", dependencies=[needs(Perm.STOCK_READ)])
def labels_pdf(inspection_no: Code, db: DbDep, actor: ActorDep, settings: SettingsDep,
               per: LabelsPer = LabelsPer.LOT, size: LabelSize = LabelSize.L100X50,
               sheet: bool = False) -> Response:
    """QC-passed labels as PDF: per lot, handling unit or serial; label stock or A4 sheet."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        pdf = qc_labels_pdf(session, inspection_no, per=per, size=size, sheet=sheet,
                            font_path=settings.cjk_font_path)
    return _pdf(pdf, f"{inspection_no}-labels.pdf")


@router.get("/inspections/{inspection_no}/labels.zpl", dependencies=[needs(Perm.STOCK_READ)])
def labels_zpl(inspection_no: Code, db: DbDep, actor: ActorDep,
               per: LabelsPer = LabelsPer.LOT, size: LabelSize = LabelSize.L100X50,
               dpmm: Annotated[int, Query(ge=1, le=24, description="6, 8 (203 dpi), 12 or 24")] = 8,
               cjk_font: Code | None = None) -> Response:
    """QC-passed labels as ZPL II text for a Zebra printer."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        zpl = qc_labels_zpl(session, inspection_no, per=per, size=size, dpmm=dpmm,
                            cjk_font=cjk_font)
    return Response(zpl, media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{inspection_no}.zpl"'})
