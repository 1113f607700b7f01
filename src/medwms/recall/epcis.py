"""GS1 EPCIS 2.0 JSON-LD export of a lot's (or a period's) movements, one ObjectEvent each.

Movement kinds map to CBV business steps (RECEIVE receiving, QC status inspecting, PUTAWAY
storing, PICK picking, SHIP shipping, recall status holding/recalled, RETURN receiving,
COUNT cycle_counting, SCRAP destroying); the stock status after the event maps to a CBV
disposition. Identifiers:
- class of a lot: urn:epc:class:lgtin:<company prefix>.<indicator+item ref>.<lot>; a serial:
  urn:epc:id:sgtin:…; the GS1 company prefix length is a parameter (default 7 digits);
- places: GS1 Digital Link GLN URIs (https://id.gs1.org/414/<gln>[/254/<location>]) when
  the warehouse has a GLN, otherwise urn:medwms:… URIs; partners and documents: urn:medwms:….
`ilmd` (lot number, expiry) is written on ADD events only, as the schema demands.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session, aliased

from medwms.ledger.tables import Lot, Movement, SerialUnit
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse
from medwms.recall.trace import TraceQuery, resolve

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
STEPS = {"RECEIVE": "receiving", "PUTAWAY": "storing", "MOVE": "storing", "PICK": "picking",
         "SHIP": "shipping", "COUNT": "cycle_counting", "ADJUST": "stock_taking",
         "RETURN": "receiving", "SCRAP": "destroying", "TRANSFER_OUT": "shipping",
         "TRANSFER_IN": "receiving"}
DISPOSITIONS = {"AVAILABLE": "sellable_not_accessible", "QUARANTINE": "in_progress",
                "HOLD": "non_sellable_other", "REJECTED": "non_conformant",
                "RECALLED": "recalled", "EXPIRED": "expired", "IN_TRANSIT": "in_transit"}
TRANSACTIONS = {"RCV": "recadv", "SHP": "desadv", "RET": "rma"}
EPC_SAFE = "!'()*+,-.:;=_"
LIMIT = 100_000


@dataclass(frozen=True)
class EventRow:
    """A movement with everything its event names."""

    warehouse: str
    movement_id: int
    kind: str
    doc_type: str
    doc_no: str
    at: datetime
    quantity: int
    from_status: str | None
    to_status: str | None
    gtin: str
    lot: str | None
    expiry: date | None
    serial: str | None
    gln: str | None
    timezone: str
    location: str | None
    partner: str | None
    owner: str


def epcis_document(session: Session, *, query: TraceQuery | None = None,
                   since: datetime | None = None, until: datetime | None = None,
                   now: datetime, prefix_length: int = 7) -> dict[str, Any]:
    """An EPCISDocument of the lot/serial of `query` and/or the period [since, until)."""
    where: ColumnElement[bool] = true()
    if query is not None:
        where = resolve(session, query).movement_filter()
    if since is not None:
        where = where & (Movement.created_at >= since)
    if until is not None:
        where = where & (Movement.created_at < until)
    events = [event(row, prefix_length) for row in event_rows(session, where)]
    return {"@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": _time(now), "epcisBody": {"eventList": [e for e in events if e]}}


def event_rows(session: Session, where: ColumnElement[bool]) -> list[EventRow]:
    """The movements matching `where`, oldest first, with GTIN, lot, place and party."""
    place = aliased(Location)
    gtin = (select(Packaging.gtin).where(Packaging.item_id == Movement.item_id)
            .order_by(Packaging.quantity, Packaging.id).limit(1).scalar_subquery())
    query = (select(Warehouse.code, Movement.id, Movement.kind, Movement.doc_type,
                    Movement.doc_no, Movement.created_at, Movement.quantity,
                    Movement.from_status, Movement.to_status, gtin, Lot.lot_no, Lot.expiry,
                    SerialUnit.serial, Warehouse.gln, Warehouse.timezone, place.code,
                    Partner.code, Owner.code)
             .join(Warehouse, Warehouse.id == Movement.warehouse_id)
             .join(Item, Item.id == Movement.item_id)
             .join(Owner, Owner.id == Movement.owner_id)
             .outerjoin(Lot, Lot.id == Movement.lot_id)
             .outerjoin(SerialUnit, SerialUnit.id == Movement.serial_id)
             .outerjoin(place, place.id == func.coalesce(Movement.to_location_id,
                                                         Movement.from_location_id))
             .outerjoin(Partner, Partner.id == Movement.partner_id)
             .where(where).order_by(Movement.created_at, Movement.id).limit(LIMIT))
    return [EventRow(*row) for row in session.execute(query)]


def event(row: EventRow, prefix_length: int) -> dict[str, Any] | None:
    """One ObjectEvent, or None for the bookkeeping half of a transfer's arrival."""
    if row.kind == "TRANSFER_OUT" and row.to_status is None:
        return None
    out: dict[str, Any] = {
        "type": "ObjectEvent", "eventTime": _time(row.at),
        "eventTimeZoneOffset": _offset(row.at, row.timezone), "eventID": _event_id(row),
        "action": _action(row.kind), "bizStep": _step(row),
        "disposition": DISPOSITIONS.get(row.to_status or row.from_status or "", "unknown")}
    out.update(_what(row, prefix_length))
    out.update(_where(row))
    out.update(_why(row))
    if out["action"] == "ADD":
        out["ilmd"] = _ilmd(row)
    if row.kind == "SHIP":
        out["disposition"] = "in_transit"
    return out


def _time(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _offset(moment: datetime, timezone: str) -> str:
    text = moment.astimezone(ZoneInfo(timezone)).strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def _event_id(row: EventRow) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'medwms:movement:{row.movement_id}')}"


def _action(kind: str) -> str:
    return {"RECEIVE": "ADD", "SCRAP": "DELETE"}.get(kind, "OBSERVE")


def _step(row: EventRow) -> str:
    if row.kind == "STATUS":
        return "inspecting" if row.doc_type == "QC" else "holding"
    return STEPS.get(row.kind, "other")


def epc_class(gtin: str, lot: str | None, prefix_length: int) -> str:
    """urn:epc:class:lgtin:… for a lot; a GTIN-wide idpat when there is no lot."""
    prefix, reference = gtin[1:1 + prefix_length], gtin[0] + gtin[1 + prefix_length:13]
    if lot is None:
        return f"urn:epc:idpat:sgtin:{prefix}.{reference}.*"
    return f"urn:epc:class:lgtin:{prefix}.{reference}.{quote(lot, safe=EPC_SAFE)}"


def sgtin(gtin: str, serial: str, prefix_length: int) -> str:
    """urn:epc:id:sgtin:… of one serialised unit."""
    prefix, reference = gtin[1:1 + prefix_length], gtin[0] + gtin[1 + prefix_length:13]
    return f"urn:epc:id:sgtin:{prefix}.{reference}.{quote(serial, safe=EPC_SAFE)}"


def _what(row: EventRow, prefix_length: int) -> dict[str, Any]:
    if row.serial is not None:
        return {"epcList": [sgtin(row.gtin, row.serial, prefix_length)]}
    return {"quantityList": [{"epcClass": epc_class(row.gtin, row.lot, prefix_length),
                              "quantity": row.quantity}]}


def place_uri(gln: str | None, warehouse: str, location: str | None = None) -> str:
    """A GS1 Digital Link GLN URI (with the location as extension), or a urn:medwms one."""
    if gln:
        base = f"https://id.gs1.org/414/{gln}"
        return base if location is None else f"{base}/254/{quote(location, safe='-')}"
    base = f"urn:medwms:warehouse:{quote(warehouse, safe='-')}"
    return base if location is None else f"{base}:location:{quote(location, safe='-')}"


def _where(row: EventRow) -> dict[str, Any]:
    out: dict[str, Any] = {"readPoint": {"id": place_uri(row.gln, row.warehouse,
                                                         row.location)}}
    if row.kind != "SHIP":
        out["bizLocation"] = {"id": place_uri(row.gln, row.warehouse)}
    else:
        out["readPoint"] = {"id": place_uri(row.gln, row.warehouse)}
    return out


def _party(code: str, kind: str) -> str:
    return f"urn:medwms:{kind}:{quote(code, safe='-')}"


def _why(row: EventRow) -> dict[str, Any]:
    doc = f"urn:medwms:doc:{quote(row.doc_type or 'NONE', safe='-')}:" \
          f"{quote(row.doc_no or '-', safe='-')}"
    transaction: dict[str, str] = {"bizTransaction": doc}
    if row.doc_type in TRANSACTIONS:
        transaction = {"type": TRANSACTIONS[row.doc_type], **transaction}
    out: dict[str, Any] = {"bizTransactionList": [transaction]}
    ours = _party(row.owner, "owner")
    if row.partner and row.kind in ("RECEIVE", "RETURN"):
        out["sourceList"] = [{"type": "owning_party", "source": _party(row.partner, "partner")}]
        out["destinationList"] = [{"type": "owning_party", "destination": ours}]
    if row.partner and row.kind == "SHIP":
        out["sourceList"] = [{"type": "owning_party", "source": ours}]
        out["destinationList"] = [{"type": "owning_party",
                                   "destination": _party(row.partner, "partner")}]
    return out


def _ilmd(row: EventRow) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if row.lot is not None:
        out["cbvmda:lotNumber"] = row.lot
    if row.expiry is not None:
        out["cbvmda:itemExpirationDate"] = row.expiry.isoformat()
    return out
