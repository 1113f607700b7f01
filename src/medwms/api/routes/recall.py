"""Trace, recall cases (real and mock), notices, reports and the EPCIS 2.0 export."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from medwms.api.deps import ActorDep, DbDep, LangDep, needs
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.clock import utc_now
from medwms.core.fields import Code, Count, Day, Line, Moment, Note, Quantity
from medwms.documents.recall_notice import recall_notice_pdf, recall_report_pdf
from medwms.documents.trace_origin import full_trace
from medwms.recall import casework, queries, service
from medwms.recall.epcis import epcis_document
from medwms.recall.rules import Scope
from medwms.recall.trace import TraceQuery, jsonable

router = APIRouter(tags=["recall"])
Lang = Literal["zh-CN", "en"]


def _query(gtin: Code, lot: Code | None, serial: Code | None, expiry_from: Day | None,
           expiry_to: Day | None, produced_from: Day | None,
           produced_to: Day | None) -> TraceQuery:
    return TraceQuery(gtin=gtin, lot=lot or None, serial=serial or None,
                      expiry_from=expiry_from, expiry_to=expiry_to,
                      produced_from=produced_from, produced_to=produced_to)


@router.get("/trace", dependencies=[needs(Perm.STOCK_READ)])
def trace(db: DbDep, actor: ActorDep, gtin: Code, lot: Code | None = None,
          serial: Code | None = None, expiry_from: Day | None = None,
          expiry_to: Day | None = None, produced_from: Day | None = None,
          produced_to: Day | None = None) -> dict[str, Any]:
    """Trace a GTIN + lot, + serial, or + expiry/production range, backward and forward."""
    require(actor, Perm.STOCK_READ)
    query = _query(gtin, lot, serial, expiry_from, expiry_to, produced_from, produced_to)
    with reading_as(db, actor) as session:
        return full_trace(session, query).as_json()


@router.get("/trace/epcis", response_class=JSONResponse, dependencies=[needs(Perm.STOCK_READ)])
def epcis(db: DbDep, actor: ActorDep, gtin: Code | None = None, lot: Code | None = None,
          serial: Code | None = None, since: Moment | None = None,
          until: Moment | None = None,
          prefix_length: Annotated[int, Query(ge=6, le=12)] = 7) -> JSONResponse:
    """The events of a lot or serial (and/or a period) as an EPCIS 2.0 JSON-LD document."""
    require(actor, Perm.STOCK_READ)
    query = TraceQuery(gtin=gtin, lot=lot, serial=serial) if gtin else None
    with reading_as(db, actor) as session:
        document = epcis_document(session, query=query, since=since, until=until,
                                  now=utc_now(), prefix_length=prefix_length)
    return JSONResponse(document, media_type="application/ld+json")


class OpenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    gtin: Line = Field(min_length=8, max_length=14)
    reason: Note = Field(min_length=1, max_length=2000)
    risk_class: Literal["I", "II", "III"]
    lots: list[Code] = Field(default_factory=list, max_length=1000)
    serials: list[Code] = Field(default_factory=list, max_length=10000)
    expiry_from: Day | None = None
    expiry_to: Day | None = None
    produced_from: Day | None = None
    produced_to: Day | None = None
    mock: bool = Field(default=False, description="a drill: lists consignees, blocks nothing")

    def scope(self) -> Scope:
        return Scope(self.gtin, tuple(self.lots), tuple(self.serials), self.expiry_from,
                     self.expiry_to, self.produced_from, self.produced_to)


def _out(view: queries.RecallView) -> dict[str, Any]:
    out: dict[str, Any] = jsonable(asdict(view))
    return out


@router.post("/recalls", status_code=status.HTTP_201_CREATED, dependencies=[needs(service.MANAGE)])
def open_recall(body: OpenIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Open a recall (blocks every unit in scope at once) or a mock recall."""
    view = service.open_recall(db, actor=actor, scope=body.scope(), reason=body.reason,
                               risk_class=body.risk_class, mock=body.mock)
    return _out(view)


@router.get("/recalls", dependencies=[needs(Perm.STOCK_READ)])
def list_recalls(db: DbDep, actor: ActorDep, status: Code | None = None,
                 mock: bool | None = None,
                 include_archived: bool = False) -> list[dict[str, Any]]:
    """Recall cases, newest first (archived ones with include_archived)."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        rows: list[dict[str, Any]] = jsonable(queries.list_recalls(
            session, status=status, mock=mock, include_archived=include_archived))
        return rows


@router.get("/recalls/kpi/response", dependencies=[needs(Perm.STOCK_READ)])
def response_kpi(db: DbDep, actor: ActorDep, mock: bool | None = None) -> dict[str, Any]:
    """The recall-response KPI (opening → complete consignee list)."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        out: dict[str, Any] = jsonable(queries.response_kpi(session, mock=mock))
        return out


@router.get("/recalls/{recall_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_recall(recall_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """One recall with its consignees, reconciliation and timeline."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        view = queries.recall_view(session, recall_no)
        out = _out(view)
        out["timeline"] = jsonable(queries.timeline(session, view))
        return out


def _pdf(content: bytes, name: Code) -> Response:
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})


@router.get("/recalls/{recall_no}/report.pdf", dependencies=[needs(Perm.STOCK_READ)])
def report_pdf(recall_no: Code, db: DbDep, actor: ActorDep, language: LangDep,
               lang: Lang | None = None) -> Response:
    """The recall report: timeline and reconciliation."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        view = queries.recall_view(session, recall_no)
        events = queries.timeline(session, view)
    return _pdf(recall_report_pdf(view, events, language=lang or language), recall_no)


@router.get("/recalls/{recall_no}/consignees/{partner}/notice.pdf",
            dependencies=[needs(Perm.STOCK_READ)])
def notice_pdf(recall_no: Code, partner: Code, db: DbDep, actor: ActorDep, language: LangDep,
               lang: Lang | None = None) -> Response:
    """The recall notice to one consignee with the units they received."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        view = queries.recall_view(session, recall_no)
    return _pdf(recall_notice_pdf(view, partner, language=lang or language),
                f"{recall_no}-{partner}")


@router.post("/recalls/{recall_no}/consignees/{partner}/notified",
             dependencies=[needs(service.MANAGE)])
def notified(recall_no: Code, partner: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Record that the notice went to the consignee (server time)."""
    return _out(service.record_notification(db, actor=actor, recall_no=recall_no,
                                            partner=partner))


@router.post("/recalls/{recall_no}/consignees/{partner}/acknowledged",
             dependencies=[needs(service.MANAGE)])
def acknowledged(recall_no: Code, partner: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Record the consignee's acknowledgement (server time)."""
    return _out(service.record_acknowledgement(db, actor=actor, recall_no=recall_no,
                                               partner=partner))


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal["PHONE", "EMAIL", "FAX", "LETTER", "IN_PERSON"]
    recipient: Line = Field(min_length=1, max_length=200,
                            description="the person notified and how they were reached")
    sent_at: Moment | None = Field(default=None, description="when it was sent; empty: now")
    note: Note = Field(default="", max_length=2000)


@router.post("/recalls/{recall_no}/consignees/{partner}/notices",
             dependencies=[needs(service.MANAGE)])
def notice(recall_no: Code, partner: Code, body: NoticeIn, db: DbDep,
           actor: ActorDep) -> dict[str, Any]:
    """Record a notice sent to the consignee: channel, person reached, when, a note."""
    return _out(casework.record_notice(db, actor=actor, recall_no=recall_no,
                                       notice=casework.NoticeIn(
                                           partner=partner, channel=body.channel,
                                           recipient=body.recipient, sent_at=body.sent_at,
                                           note=body.note)))


@router.post("/recalls/{recall_no}/block", dependencies=[needs(service.MANAGE)])
def block(recall_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Block again every unit of the scope that is not RECALLED yet."""
    blocked = casework.block_remaining(db, actor=actor, recall_no=recall_no)
    return {"newly_blocked": blocked.newly_blocked, **_out(blocked.view)}


class DestructionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    location: Line = Field(min_length=1, max_length=80)
    quantity: Quantity = Field(gt=0)
    reason: Note = Field(min_length=1, max_length=250, description="why and how")
    lot: Line | None = Field(default=None, max_length=20)
    serial: Line | None = Field(default=None, max_length=20)


@router.post("/recalls/{recall_no}/destructions", dependencies=[needs(service.MANAGE)])
def destruction(recall_no: Code, body: DestructionIn, db: DbDep,
                actor: ActorDep) -> dict[str, Any]:
    """Destroy recalled units held at a location (SCRAP movements with the reason)."""
    return _out(casework.destroy_recalled_units(db, actor=actor, recall_no=recall_no,
                                                destruction=casework.DestructionIn(
                                                    location=body.location,
                                                    quantity=body.quantity,
                                                    reason=body.reason, lot=body.lot,
                                                    serial=body.serial)))


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    used: Count = Field(ge=0)
    destroyed: Count = Field(ge=0)
    note: Note = Field(default="", max_length=2000)


@router.post("/recalls/{recall_no}/consignees/{partner}/report",
             dependencies=[needs(service.MANAGE)])
def consignee_report(recall_no: Code, partner: Code, body: ReportIn, db: DbDep,
                     actor: ActorDep) -> dict[str, Any]:
    """What the consignee reports: used on patients and destroyed (totals so far)."""
    return _out(service.record_consignee_report(db, actor=actor, recall_no=recall_no,
                                                partner=partner, used=body.used,
                                                destroyed=body.destroyed, note=body.note))


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    partner: Line = Field(min_length=1, max_length=40)
    location: Line = Field(min_length=1, max_length=80, description="a red-zone location")
    quantity: Quantity = Field(gt=0)
    lot: Line | None = Field(default=None, max_length=20)
    serial: Line | None = Field(default=None, max_length=20)


@router.post("/recalls/{recall_no}/returns", dependencies=[needs(Perm.RECEIVE)])
def recall_return(recall_no: Code, body: ReturnIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Receive returned units against the recall, RECALLED, into the red zone."""
    return _out(service.receive_recall_return(db, actor=actor, recall_no=recall_no,
                                              partner=body.partner, location=body.location,
                                              quantity=body.quantity, lot=body.lot,
                                              serial=body.serial))


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    report: Note = Field(default="", max_length=10000)
    password: Line = Field(default="", max_length=1000,
                           description="the signer's password: the e-signature")


@router.post("/recalls/{recall_no}/close", dependencies=[needs(service.MANAGE)])
def close(recall_no: Code, body: CloseIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Close the recall with an electronic signature and the closing report."""
    return _out(service.close_recall(db, actor=actor, recall_no=recall_no,
                                     password=body.password, report=body.report))
