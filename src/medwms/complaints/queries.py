"""Read-only questions about complaints and adverse events: one report, a filtered list, the
reports naming a lot or serial (for the trace)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session, aliased

from medwms.auth.tables import User
from medwms.complaints.errors import ComplaintNotFound
from medwms.complaints.rules import is_incomplete
from medwms.complaints.tables import Complaint, ComplaintUnit
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.queries import normalised_gtin
from medwms.masterdata.tables import Item, Packaging, Partner

LIST_LIMIT = 500


@dataclass(frozen=True)
class UnitView:
    lot: str | None
    serial: str | None
    raw_scan: str


@dataclass(frozen=True)
class Notice:
    """Who was told (registrant, supplier, regulator), when, by whom, how, reference."""

    party: str
    at: datetime | None
    by: str | None
    channel: str | None
    reference: str = ""


@dataclass(frozen=True)
class ComplaintView:
    complaint_no: str
    kind: str
    severity: str | None
    status: str
    customer: str
    customer_name: str
    item: str
    item_name: str
    item_name_en: str
    description: str
    received_at: datetime
    received_by: str | None
    cause: str
    actions: str
    reply: str
    replied_at: datetime | None
    replied_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    units: tuple[UnitView, ...] = ()
    notices: tuple[Notice, ...] = field(default=())

    @property
    def incomplete(self) -> bool:
        """True when the report names no lot and no serial (G33)."""
        return is_incomplete(len(self.units))

    def notice(self, party: str) -> Notice:
        """The notification record of `party`."""
        return next(n for n in self.notices if n.party == party)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready view (times as ISO text)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            out[name] = _plain(getattr(self, name))
        out["units"] = [{"lot": u.lot, "serial": u.serial, "raw_scan": u.raw_scan}
                        for u in self.units]
        out["notices"] = [{"party": n.party, "at": _plain(n.at), "by": n.by,
                           "channel": n.channel, "reference": n.reference}
                          for n in self.notices]
        out["incomplete"] = self.incomplete
        return out


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def complaint_view(session: Session, complaint_no: str) -> ComplaintView:
    """One report with its units and notifications, or ComplaintNotFound."""
    row = session.scalar(select(Complaint).where(Complaint.complaint_no
                                                 == complaint_no.strip().upper()))
    if row is None:
        raise ComplaintNotFound(complaint_no=complaint_no)
    return _views(session, [row])[0]


@dataclass(frozen=True)
class Filters:
    """List filters; empty means any. `incomplete` True lists only reports without units."""

    kind: str = ""
    status: str = ""
    item: str = ""  # item code or GTIN
    lot: str = ""
    customer: str = ""  # partner code
    incomplete: bool | None = None


def list_complaints(session: Session, filters: Filters = Filters()) -> list[ComplaintView]:
    """Reports matching `filters`, newest first (at most LIST_LIMIT)."""
    query = select(Complaint).order_by(Complaint.received_at.desc(), Complaint.id.desc())
    query = _filtered(session, query, filters).limit(LIST_LIMIT)
    return _views(session, list(session.scalars(query)))


def _filtered(session: Session, query: Select[Any], filters: Filters) -> Select[Any]:
    if filters.kind:
        query = query.where(Complaint.kind == filters.kind.strip().upper())
    if filters.status:
        query = query.where(Complaint.status == filters.status.strip().upper())
    if filters.item:
        query = query.where(Complaint.item_id.in_(_item_ids(filters.item)))
    if filters.customer:
        query = query.where(Complaint.partner_id.in_(
            select(Partner.id).where(Partner.code == filters.customer.strip().upper())))
    if filters.lot:
        query = query.where(Complaint.id.in_(_naming_lot(filters.lot.strip())))
    has_units = exists().where(ComplaintUnit.complaint_id == Complaint.id)
    if filters.incomplete is True:
        query = query.where(~has_units)
    elif filters.incomplete is False:
        query = query.where(has_units)
    return query


def _item_ids(text: str) -> Select[Any]:
    key = text.strip()
    by_gtin = select(Packaging.item_id).where(Packaging.gtin == normalised_gtin(key)) \
        if key.isdigit() else None
    by_code = select(Item.id).where(Item.code == key.upper())
    return by_code.union(by_gtin) if by_gtin is not None else by_code  # type: ignore[return-value]


def _naming_lot(lot_no: str) -> Select[Any]:
    serial_lot = aliased(Lot)
    return (select(ComplaintUnit.complaint_id)
            .outerjoin(Lot, Lot.id == ComplaintUnit.lot_id)
            .outerjoin(SerialUnit, SerialUnit.id == ComplaintUnit.serial_id)
            .outerjoin(serial_lot, serial_lot.id == SerialUnit.lot_id)
            .where(or_(Lot.lot_no == lot_no, serial_lot.lot_no == lot_no,
                       SerialUnit.serial == lot_no)))


def complaints_naming(session: Session, *, lot_ids: Sequence[int] = (),
                      serial_ids: Sequence[int] = ()) -> list[ComplaintView]:
    """The reports naming any of these lots or serials (or a serial of these lots)."""
    conditions = []
    if lot_ids:
        conditions.append(ComplaintUnit.lot_id.in_(lot_ids))
        conditions.append(ComplaintUnit.serial_id.in_(
            select(SerialUnit.id).where(SerialUnit.lot_id.in_(lot_ids))))
    if serial_ids:
        conditions.append(ComplaintUnit.serial_id.in_(serial_ids))
        conditions.append(ComplaintUnit.lot_id.in_(
            select(SerialUnit.lot_id).where(SerialUnit.id.in_(serial_ids),
                                            SerialUnit.lot_id.is_not(None))))
    if not conditions:
        return []
    ids = select(ComplaintUnit.complaint_id).where(or_(*conditions))
    rows = session.scalars(select(Complaint).where(Complaint.id.in_(ids))
                           .order_by(Complaint.received_at, Complaint.id))
    return _views(session, list(rows))


def _views(session: Session, rows: list[Complaint]) -> list[ComplaintView]:
    """Views of `rows`, their names and units read in three statements."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    partners = {p.id: p for p in session.scalars(
        select(Partner).where(Partner.id.in_({r.partner_id for r in rows})))}
    items = {i.id: i for i in session.scalars(
        select(Item).where(Item.id.in_({r.item_id for r in rows})))}
    users = _users(session, rows)
    units = _units(session, ids)
    return [_view(row, partners[row.partner_id], items[row.item_id], users,
                  units.get(row.id, ())) for row in rows]


def _users(session: Session, rows: list[Complaint]) -> dict[int, str]:
    wanted = {getattr(r, name) for r in rows for name in
              ("received_by", "replied_by", "closed_by", "registrant_told_by",
               "supplier_told_by", "regulator_reported_by")} - {None}
    if not wanted:
        return {}
    return {u.id: f"{u.display_name} ({u.username})" if u.display_name else u.username
            for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def _units(session: Session, ids: list[int]) -> dict[int, tuple[UnitView, ...]]:
    serial_lot = aliased(Lot)
    rows = session.execute(
        select(ComplaintUnit.complaint_id, Lot.lot_no, SerialUnit.serial, serial_lot.lot_no,
               ComplaintUnit.raw_scan)
        .outerjoin(Lot, Lot.id == ComplaintUnit.lot_id)
        .outerjoin(SerialUnit, SerialUnit.id == ComplaintUnit.serial_id)
        .outerjoin(serial_lot, serial_lot.id == SerialUnit.lot_id)
        .where(ComplaintUnit.complaint_id.in_(ids)).order_by(ComplaintUnit.id))
    out: dict[int, list[UnitView]] = {}
    for complaint_id, lot_no, serial, serial_lot_no, raw in rows:
        out.setdefault(complaint_id, []).append(UnitView(lot_no or serial_lot_no, serial, raw))
    return {key: tuple(value) for key, value in out.items()}


def _view(row: Complaint, partner: Partner, item: Item, users: dict[int, str],
          units: tuple[UnitView, ...]) -> ComplaintView:
    def who(user_id: int | None) -> str | None:
        return users.get(user_id) if user_id is not None else None

    notices = (Notice("REGISTRANT", row.registrant_told_at, who(row.registrant_told_by),
                      row.registrant_channel),
               Notice("SUPPLIER", row.supplier_told_at, who(row.supplier_told_by),
                      row.supplier_channel),
               Notice("REGULATOR", row.regulator_reported_at, who(row.regulator_reported_by),
                      row.regulator_channel, row.regulator_reference))
    return ComplaintView(
        complaint_no=row.complaint_no, kind=row.kind, severity=row.severity, status=row.status,
        customer=partner.code, customer_name=partner.name, item=item.code,
        item_name=item.name_zh, item_name_en=item.name_en, description=row.description,
        received_at=row.received_at, received_by=who(row.received_by), cause=row.cause,
        actions=row.actions, reply=row.reply, replied_at=row.replied_at,
        replied_by=who(row.replied_by), closed_at=row.closed_at, closed_by=who(row.closed_by),
        units=units, notices=notices)
