"""The backward half of a trace, with its documents: notice, receipt, inspection, signature.

`recall.trace` reads the origin off the ledger (RECEIVE movements: receipt number, supplier);
the recall feature may not read receiving or quality, so this layer — above every feature —
adds the receipt header (advance notice, purchase order, transport, arrival temperature,
logger) and the acceptance inspection (conclusion, inspector, printed signature, hash).
Doors call `full_trace` instead of `recall.trace.trace`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.masterdata.tables import Partner
from medwms.quality.queries import inspections_of_receipt
from medwms.recall.trace import Trace, TraceQuery, trace, with_complaints
from medwms.receiving.tables import AdvanceNotice, Receipt


def full_trace(session: Session, query: TraceQuery) -> Trace:
    """The trace with each origin's receipt and inspection records attached, and the
    complaints and adverse events naming its lots or serial."""
    found = trace(session, query)
    return with_complaints(session, with_documents(session, found))


def with_documents(session: Session, found: Trace) -> Trace:
    """`found` with `receipt` and `inspections` added to every origin entry."""
    numbers = sorted({str(o["receipt"]) for o in found.origin})
    headers = receipt_headers(session, numbers)
    inspections = {no: inspections_of_receipt(session, no) for no in numbers}
    origin = []
    for entry in found.origin:
        no = str(entry["receipt"])
        records = [_inspection(view) for view in inspections[no]
                   if view.item == found.item["code"] and view.lot == entry["lot"]]
        origin.append({**entry, **_supplier(entry, headers.get(no)),
                       "receipt_record": headers.get(no), "inspections": records})
    return replace(found, origin=tuple(origin))


def _supplier(entry: dict[str, Any], header: dict[str, Any] | None) -> dict[str, Any]:
    """The receipt's supplier where the movement names none (receipts before it did)."""
    if entry.get("supplier") or header is None:
        return {}
    return {"supplier": header["supplier"], "supplier_name": header["supplier_name"],
            "supplier_name_en": header["supplier_name_en"]}


def receipt_headers(session: Session, numbers: list[str]) -> dict[str, dict[str, Any]]:
    """receipt no → notice, purchase order, transport and arrival temperature."""
    if not numbers:
        return {}
    rows = session.execute(select(Receipt, AdvanceNotice.notice_no, Partner)
                           .outerjoin(AdvanceNotice, AdvanceNotice.id == Receipt.notice_id)
                           .join(Partner, Partner.id == Receipt.supplier_id)
                           .where(Receipt.receipt_no.in_(numbers)))
    return {r.receipt_no: {"notice": notice, "po_no": r.po_no, "status": r.status,
                           "supplier": supplier.code, "supplier_name": supplier.name,
                           "supplier_name_en": supplier.name_en,
                           "transport_mode": r.transport_mode,
                           "arrival_temp": None if r.arrival_temp is None
                           else str(r.arrival_temp),
                           "logger_id": r.logger_id, "opened_at": r.opened_at,
                           "closed_at": r.closed_at} for r, notice, supplier in rows}


def _inspection(view: Any) -> dict[str, Any]:
    return {"inspection_no": view.inspection_no, "status": view.status,
            "conclusion": view.conclusion, "accepted_qty": view.accepted_qty,
            "rejected_qty": view.rejected_qty, "temperature_ok": view.temperature_ok,
            "cold_chain": view.cold_chain, "hold_reasons": view.hold_reasons,
            "inspector": view.inspector, "signed_at": view.signed_at,
            "signature": view.signature, "record_hash": view.record_hash}

