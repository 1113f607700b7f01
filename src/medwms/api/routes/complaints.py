"""Complaints and suspected adverse-event reports: log, list, export, work and close."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from medwms.api.deps import ActorDep, DbDep, SettingsDep, needs
from medwms.auth.guard import reading_as, require
from medwms.complaints import queries, service
from medwms.complaints.export import complaints_xlsx
from medwms.config import Settings
from medwms.core.fields import Code, Line, Note, ScanText

router = APIRouter(tags=["complaints"])
RECORD, APPROVE = service.RECORD, service.APPROVE
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnitsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lots: list[Code] = Field(default_factory=list, max_length=200)
    serials: list[Code] = Field(default_factory=list, max_length=1000)
    scans: list[Annotated[ScanText, Field(max_length=300)]] = Field(
        default_factory=list, max_length=1000,
        description="scanned UDIs (GS1, HIBC …) as the scanner typed them")

    def units(self, settings: Settings) -> service.Units:
        return service.Units(tuple(self.lots), tuple(self.serials), tuple(self.scans),
                             tuple(settings.scanner_gs_substitutes))


class ReportBody(UnitsIn):
    kind: Literal["COMPLAINT", "ADVERSE_EVENT"]
    customer: Code = Field(min_length=1, description="the partner code it came from")
    gtin: Line = Field(default="", max_length=14,
                       description="the item's GTIN; empty: taken from the first scan")
    description: Note = Field(min_length=1, max_length=4000)
    severity: Literal["SERIOUS", "NOT_SERIOUS"] | None = Field(
        default=None, description="adverse events only")


class FindingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cause: Note = Field(default="", max_length=4000)
    actions: Note = Field(default="", max_length=4000)
    reply: Note = Field(default="", max_length=4000)
    reason: Note = Field(default="", max_length=300, description="why it was corrected")


class NotificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    party: Literal["REGISTRANT", "SUPPLIER", "REGULATOR"]
    channel: Literal["PHONE", "EMAIL", "FAX", "LETTER", "IN_PERSON", "ONLINE"]
    reference: Line = Field(default="", max_length=200,
                            description="the national adverse-event system's reference")


def _filters(kind: Code | None, status_: Code | None, item: Code | None, lot: Code | None,
             customer: Code | None, incomplete: bool | None) -> queries.Filters:
    return queries.Filters(kind=kind or "", status=status_ or "", item=item or "",
                           lot=lot or "", customer=customer or "", incomplete=incomplete)


@router.post("/complaints", status_code=status.HTTP_201_CREATED, dependencies=[needs(RECORD)])
def log_report(body: ReportBody, db: DbDep, actor: ActorDep,
               settings: SettingsDep) -> dict[str, Any]:
    """Log a complaint or suspected adverse event (the time and person are the server's)."""
    view = service.log_report(db, actor=actor, report=service.ReportIn(
        kind=body.kind, customer=body.customer, gtin=body.gtin, description=body.description,
        severity=body.severity, units=body.units(settings)))
    return view.as_json()


@router.get("/complaints", dependencies=[needs(RECORD)])
def list_reports(db: DbDep, actor: ActorDep, kind: Code | None = None,
                 status: Code | None = None, item: Code | None = None, lot: Code | None = None,
                 customer: Code | None = None,
                 incomplete: bool | None = None) -> list[dict[str, Any]]:
    """Reports, newest first, filtered by kind, status, item, lot, customer, incomplete."""
    require(actor, RECORD)
    with reading_as(db, actor) as session:
        rows = queries.list_complaints(session, _filters(kind, status, item, lot, customer,
                                                         incomplete))
    return [row.as_json() for row in rows]


@router.get("/complaints/export.xlsx", dependencies=[needs(RECORD)])
def export(db: DbDep, actor: ActorDep, settings: SettingsDep, kind: Code | None = None,
           status: Code | None = None, item: Code | None = None, lot: Code | None = None,
           customer: Code | None = None, incomplete: bool | None = None) -> Response:
    """The filtered log as an XLSX workbook for the registrant."""
    require(actor, RECORD)
    with reading_as(db, actor) as session:
        rows = queries.list_complaints(session, _filters(kind, status, item, lot, customer,
                                                         incomplete))
    return Response(complaints_xlsx(rows, timezone=settings.timezone), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="complaints.xlsx"'})


@router.get("/complaints/{complaint_no}", dependencies=[needs(RECORD)])
def get_report(complaint_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """One report with its lots, serials and notifications."""
    require(actor, RECORD)
    with reading_as(db, actor) as session:
        return queries.complaint_view(session, complaint_no).as_json()


@router.post("/complaints/{complaint_no}/units", dependencies=[needs(RECORD)])
def add_units(complaint_no: Code, body: UnitsIn, db: DbDep, actor: ActorDep,
              settings: SettingsDep) -> dict[str, Any]:
    """Add lots, serials or scanned UDIs to a report."""
    return service.add_units(db, actor=actor, complaint_no=complaint_no,
                             units=body.units(settings)).as_json()


@router.post("/complaints/{complaint_no}/investigate", dependencies=[needs(RECORD)])
def investigate(complaint_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Start the investigation of an open report."""
    return service.start_investigation(db, actor=actor, complaint_no=complaint_no).as_json()


@router.post("/complaints/{complaint_no}/findings", dependencies=[needs(RECORD)])
def findings(complaint_no: Code, body: FindingsIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Record the cause found, the actions taken and the reply to the customer."""
    return service.record_findings(db, actor=actor, complaint_no=complaint_no,
                                   findings=service.Findings(body.cause, body.actions,
                                                             body.reply),
                                   reason=body.reason).as_json()


@router.post("/complaints/{complaint_no}/notifications", dependencies=[needs(RECORD)])
def notify(complaint_no: Code, body: NotificationIn, db: DbDep,
           actor: ActorDep) -> dict[str, Any]:
    """Record that the registrant, the supplier or the regulator was told (now, by you)."""
    return service.record_notification(db, actor=actor, complaint_no=complaint_no,
                                       party=body.party, channel=body.channel,
                                       reference=body.reference).as_json()


@router.post("/complaints/{complaint_no}/close", dependencies=[needs(APPROVE)])
def close(complaint_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Close a report (quality approval): cause, actions and, for adverse events, the
    registrant told are needed."""
    return service.close_report(db, actor=actor, complaint_no=complaint_no).as_json()
