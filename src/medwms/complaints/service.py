"""Complaint and adverse-event commands: log, add lots/serials, investigate, record findings and
notifications, close. One unit of work each, with its audit record; person and time from the
session and the server clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.barcode.errors import ScanError
from medwms.barcode.front import parse_scan
from medwms.barcode.gs1 import DEFAULT_GS_SUBSTITUTES
from medwms.complaints import queries, rules
from medwms.complaints.errors import (
    BadComplaint,
    ComplaintClosed,
    ComplaintNotClosable,
    ComplaintNotFound,
    UnknownCustomer,
    UnknownUnit,
)
from medwms.complaints.tables import Complaint, ComplaintUnit
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import Problem
from medwms.core.ids import new_doc_no
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.queries import resolve_gtin
from medwms.masterdata.tables import Item, Packaging, Partner

RECORD = Perm.QUALITY_RECORD
APPROVE = Perm.QUALITY_APPROVE
ENTITY = "complaint"
PREFIX = {rules.Kind.COMPLAINT: "CMP", rules.Kind.ADVERSE_EVENT: "AER"}


@dataclass(frozen=True)
class Units:
    """Lots and serials of the report's item: typed (with the GTIN) or scanned UDIs."""

    lots: Sequence[str] = ()
    serials: Sequence[str] = ()
    scans: Sequence[str] = ()
    gs_substitutes: Sequence[str] = DEFAULT_GS_SUBSTITUTES  # what the scanners type for GS


@dataclass(frozen=True)
class ReportIn:
    """A new report as the person logging it tells it."""

    kind: str
    customer: str
    gtin: str
    description: str
    severity: str | None = None
    units: Units = Units()


def log_report(db: Database, *, actor: Actor, report: ReportIn) -> queries.ComplaintView:
    """Log a complaint or a suspected adverse event (without lots it is kept as incomplete)."""
    require(actor, RECORD)
    kind, severity = report.kind.strip().upper(), (report.severity or "").strip().upper() or None
    problems = rules.report_problems(rules.Report(kind, severity, report.description))
    if problems:
        raise BadComplaint(problems)
    with db.unit_of_work() as uow:
        session, now = uow.session, utc_now()
        partner = _partner(session, report.customer)
        item = _item(session, report.gtin, report.units)
        row = Complaint(complaint_no=new_doc_no(PREFIX[rules.Kind(kind)], now), kind=kind,
                        severity=severity, status=rules.State.OPEN, partner_id=partner.id,
                        item_id=item.id, description=report.description.strip(),
                        received_at=now, received_by=actor.user_id, cause="", actions="",
                        reply="", regulator_reference="")
        session.add(row)
        session.flush()
        added = _add_units(session, actor, row, item, report.units, now)
        record_audit(session, actor=actor, action="complaint.log", entity=ENTITY,
                     entity_key=row.complaint_no,
                     after={"kind": kind, "severity": severity, "customer": partner.code,
                            "item": item.code, "description": row.description,
                            "units": added})
        uow.commit()
        number = row.complaint_no
    return _view(db, number)


def add_units(db: Database, *, actor: Actor, complaint_no: str,
              units: Units) -> queries.ComplaintView:
    """Add the lots or serials a report names (completing an incomplete one)."""
    require(actor, RECORD)
    with db.unit_of_work() as uow:
        session = uow.session
        row = _open(session, complaint_no)
        item = session.get_one(Item, row.item_id)
        gtin = _any_gtin(session, item)
        added = _add_units(session, actor, row, item, units, utc_now(), gtin)
        if not added:
            raise BadComplaint("name a lot, a serial or scan a UDI", field="units")
        record_audit(session, actor=actor, action="complaint.units", entity=ENTITY,
                     entity_key=row.complaint_no, after={"units": added})
        uow.commit()
    return _view(db, complaint_no)


def start_investigation(db: Database, *, actor: Actor,
                        complaint_no: str) -> queries.ComplaintView:
    """Move an open report to INVESTIGATING."""
    require(actor, RECORD)
    with db.unit_of_work() as uow:
        row = _open(uow.session, complaint_no)
        _investigating(uow.session, actor, row)
        uow.commit()
    return _view(db, complaint_no)


def _investigating(session: Session, actor: Actor, row: Complaint) -> None:
    if row.status != rules.State.OPEN:
        return
    row.status = rules.State.INVESTIGATING
    record_audit(session, actor=actor, action="complaint.status", entity=ENTITY,
                 entity_key=row.complaint_no, before={"status": rules.State.OPEN},
                 after={"status": rules.State.INVESTIGATING})


@dataclass(frozen=True)
class Findings:
    """The cause found, the actions taken, the reply given to the customer."""

    cause: str = ""
    actions: str = ""
    reply: str = ""


def record_findings(db: Database, *, actor: Actor, complaint_no: str, findings: Findings,
                    reason: str = "") -> queries.ComplaintView:
    """Record (or correct) cause, actions and reply; the report is then under investigation."""
    require(actor, RECORD)
    cause, actions, reply = (findings.cause.strip(), findings.actions.strip(),
                             findings.reply.strip())
    problems = rules.findings_problems(cause, actions, reply)
    if problems:
        raise BadComplaint(problems)
    with db.unit_of_work() as uow:
        session = uow.session
        row = _open(session, complaint_no)
        before = {"cause": row.cause, "actions": row.actions, "reply": row.reply}
        _investigating(session, actor, row)
        row.cause, row.actions = cause, actions
        if reply != row.reply:
            row.reply = reply
            row.replied_at, row.replied_by = (utc_now(), actor.user_id) if reply else (None, None)
        record_audit(session, actor=actor, action="complaint.findings", entity=ENTITY,
                     entity_key=row.complaint_no, before=before,
                     after={"cause": cause, "actions": actions, "reply": reply},
                     reason=reason.strip()[:300])
        uow.commit()
    return _view(db, complaint_no)


def record_notification(db: Database, *, actor: Actor, complaint_no: str, party: str,
                        channel: str, reference: str = "") -> queries.ComplaintView:
    """Record that the registrant, the supplier or the regulator was told, now, by the actor."""
    require(actor, RECORD)
    party, channel = party.strip().upper(), channel.strip().upper()
    problems = rules.notice_problems(party, channel, reference)
    if problems:
        raise BadComplaint(problems)
    with db.unit_of_work() as uow:
        session, now = uow.session, utc_now()
        row = _open(session, complaint_no)
        before = _notice_of(row, party)
        _set_notice(row, party, now, actor.user_id, channel, reference.strip())
        record_audit(session, actor=actor, action="complaint.notify", entity=ENTITY,
                     entity_key=row.complaint_no, before=before, after=_notice_of(row, party))
        uow.commit()
    return _view(db, complaint_no)


def close_report(db: Database, *, actor: Actor, complaint_no: str) -> queries.ComplaintView:
    """Close a report: needs the cause, the actions and, for an adverse event, the registrant
    told; only quality approval may close."""
    require(actor, APPROVE)
    with db.unit_of_work() as uow:
        session = uow.session
        row = _open(session, complaint_no)
        gaps = rules.closing_gaps(rules.Closing(row.kind, row.status, row.cause, row.actions,
                                                row.registrant_told_at is not None))
        if gaps:
            raise ComplaintNotClosable(row.complaint_no,
                                       tuple(rules.MISSING[g][0] for g in gaps),
                                       tuple(rules.MISSING[g][1] for g in gaps))
        before = row.status
        row.status, row.closed_at, row.closed_by = rules.State.CLOSED, utc_now(), actor.user_id
        record_audit(session, actor=actor, action="complaint.close", entity=ENTITY,
                     entity_key=row.complaint_no, before={"status": before},
                     after={"status": rules.State.CLOSED})
        uow.commit()
    return _view(db, complaint_no)


def _view(db: Database, complaint_no: str) -> queries.ComplaintView:
    with db.reading() as session:
        return queries.complaint_view(session, complaint_no)


def _open(session: Session, complaint_no: str) -> Complaint:
    """The report, locked for update; ComplaintClosed if it is closed."""
    row = session.scalar(select(Complaint).where(
        Complaint.complaint_no == complaint_no.strip().upper()).with_for_update())
    if row is None:
        raise ComplaintNotFound(complaint_no=complaint_no)
    if row.status == rules.State.CLOSED:
        closed = f"{row.closed_at:%Y-%m-%d %H:%M} UTC" if row.closed_at else ""
        raise ComplaintClosed(complaint_no=row.complaint_no, closed_at=closed)
    return row


def _partner(session: Session, code: str) -> Partner:
    partner = session.scalar(select(Partner).where(Partner.code == code.strip().upper()))
    if partner is None:
        raise UnknownCustomer(customer=code.strip())
    return partner


def _item(session: Session, gtin: str, units: Units) -> Item:
    """The report's item: from the GTIN, else from the first scanned UDI."""
    key = gtin.strip() or next((_scanned(raw, units.gs_substitutes).gtin or ""
                                for raw in units.scans), "")
    if not key:
        raise BadComplaint("give the item's GTIN or scan its UDI", field="gtin")
    item, _packaging = resolve_gtin(session, key)
    return item


def _any_gtin(session: Session, item: Item) -> str:
    return session.scalar(select(Packaging.gtin).where(Packaging.item_id == item.id)
                          .order_by(Packaging.id)) or item.code


def _scanned(raw: str, gs_substitutes: Sequence[str]) -> Any:
    try:
        return parse_scan(raw, today=utc_now().date(), gs_substitutes=gs_substitutes)
    except ScanError as refused:
        raise BadComplaint([Problem("the scan is not a UDI this system reads",
                                    column="scans", value=raw[:80],
                                    message_zh="无法识别该 UDI 条码")]) from refused


def _add_units(session: Session, actor: Actor, row: Complaint, item: Item, units: Units,
               now: datetime, gtin: str = "") -> list[dict[str, str]]:
    """ComplaintUnit rows for every lot, serial and scan; returns what was added."""
    gtin = gtin or _any_gtin(session, item)
    wanted: list[tuple[str, str, str]] = [("lot", lot.strip(), "") for lot in units.lots
                                          if lot.strip()]
    wanted += [("serial", serial.strip(), "") for serial in units.serials if serial.strip()]
    for raw in units.scans:
        scan = _scanned(raw, units.gs_substitutes)
        if scan.gtin:
            scanned_item, _p = resolve_gtin(session, scan.gtin)
            if scanned_item.id != item.id:
                raise BadComplaint([Problem(f"the scan is of {scanned_item.code}, the report "
                                            f"is about {item.code}", column="scans",
                                            value=scan.gtin,
                                            message_zh=f"扫描的是 {scanned_item.code}，"
                                                       f"报告涉及的是 {item.code}")])
        if scan.serial:
            wanted.append(("serial", scan.serial, raw.strip()[:300]))
        elif scan.lot:
            wanted.append(("lot", scan.lot, raw.strip()[:300]))
    added = []
    for what, key, raw in wanted:
        lot_id, serial_id = _unit_ids(session, item, gtin, what, key)
        session.add(ComplaintUnit(complaint_id=row.id, lot_id=lot_id, serial_id=serial_id,
                                  raw_scan=raw, added_at=now, added_by=actor.user_id))
        added.append({what: key})
    return added


def _unit_ids(session: Session, item: Item, gtin: str, what: str,
              key: str) -> tuple[int | None, int | None]:
    if what == "lot":
        lot_id = session.scalar(select(Lot.id).where(Lot.item_id == item.id, Lot.lot_no == key))
        if lot_id is None:
            raise UnknownUnit(gtin=gtin, what="lot", what_zh="批号", key=key)
        return lot_id, None
    serial_id = session.scalar(select(SerialUnit.id).where(SerialUnit.item_id == item.id,
                                                           SerialUnit.serial == key))
    if serial_id is None:
        raise UnknownUnit(gtin=gtin, what="serial", what_zh="序列号", key=key)
    return None, serial_id


def _notice_of(row: Complaint, party: str) -> dict[str, Any]:
    prefix = {"REGISTRANT": "registrant_told", "SUPPLIER": "supplier_told",
              "REGULATOR": "regulator_reported"}[party]
    at = getattr(row, f"{prefix}_at")
    out = {"party": party, "at": at.isoformat() if at else None,
           "by": getattr(row, f"{prefix}_by"),
           "channel": getattr(row, f"{party.lower()}_channel")}
    if party == rules.Party.REGULATOR:
        out["reference"] = row.regulator_reference
    return out


def _set_notice(row: Complaint, party: str, now: datetime, user_id: int | None, channel: str,
                reference: str) -> None:
    if party == rules.Party.REGISTRANT:
        row.registrant_told_at, row.registrant_told_by = now, user_id
        row.registrant_channel = channel
    elif party == rules.Party.SUPPLIER:
        row.supplier_told_at, row.supplier_told_by, row.supplier_channel = now, user_id, channel
    else:
        row.regulator_reported_at, row.regulator_reported_by = now, user_id
        row.regulator_channel, row.regulator_reference = channel, reference[:200]
