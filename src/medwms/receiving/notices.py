"""Advance notices (到货通知): created by API, by hand, or from a file — all or nothing.

Quantities on a notice are base units (eaches), whatever GTIN (packaging level) a line
names: a line "GTIN of the case, quantity 100" expects 100 units, e.g. one case of 100.
A line may name the item code instead of a GTIN; it then gets the item's smallest pack's GTIN.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import NotFound, Problem, ValidationError
from medwms.core.ids import new_doc_no
from medwms.masterdata import fields
from medwms.masterdata.rules import problem
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.tables import Item, Packaging, Warehouse
from medwms.receiving import queries
from medwms.receiving.errors import NoticeExists
from medwms.receiving.service import owner_of, supplier_of
from medwms.receiving.tables import AdvanceNotice, AdvanceNoticeLine

MAX_TEXT = 20


@dataclass(frozen=True)
class NoticeLineIn:
    """One expected line; `row` names it in problems (line number, or spreadsheet row).

    `gtin` or, when it is empty, `item` (an item code) names the product."""

    gtin: str
    quantity: int
    lot: str | None = None
    expiry: date | None = None
    production_date: date | None = None
    serials: tuple[str, ...] = ()
    row: int | None = None
    item: str | None = None


def create_notice(db: Database, *, actor: Actor, supplier: str, warehouse: str,
                  lines: Sequence[NoticeLineIn], notice_no: str | None = None,
                  po_no: str = "", expected_on: date | None = None, owner: str = "SELF",
                  problems: Sequence[Problem] = (),
                  rejected: type[ValidationError] = ValidationError,
                  now: datetime | None = None) -> queries.NoticeDetail:
    """Create a notice with its lines, or refuse it whole listing every problem."""
    require(actor, Perm.RECEIVE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        found = list(problems)
        refs = _references(s, supplier, warehouse, owner, found)
        number = _number(notice_no, now, found)
        lines = _by_gtin(s, lines, found)
        items = _items(s, lines, found)
        if not lines and not found:
            found.append(problem("a notice needs at least one line", "到货通知至少需要一行",
                                 column="gtin"))
        if found:
            raise rejected(found)
        require_warehouses(s, actor, refs[1])
        if s.scalars(select(AdvanceNotice.id).where(AdvanceNotice.notice_no == number)).first():
            raise NoticeExists(notice_no=number)
        notice = AdvanceNotice(notice_no=number, supplier_id=refs[0], warehouse_id=refs[1],
                               owner_id=refs[2], po_no=po_no.strip().upper(),
                               expected_on=expected_on, created_at=now, created_by=actor.user_id)
        s.add(notice)
        s.flush()
        s.add_all(_line_rows(notice.id, lines, items))
        record_audit(s, actor=actor, action="notice.create", entity="advance_notice",
                     entity_key=number, after={"lines": len(lines), "po_no": notice.po_no})
        s.flush()
        detail = queries.get_notice(s, number)
        uow.commit()
    return detail


def _references(s: Session, supplier: str, warehouse: str, owner: str,
                found: list[Problem]) -> tuple[int, int, int]:
    ids = []
    for column, value in (("supplier", supplier), ("warehouse", warehouse), ("owner", owner)):
        try:
            ids.append(_reference(s, column, value))
        except NotFound:
            ids.append(0)
            found.append(problem(f"unknown {column}", f"未知的{column}", column=column,
                                 value=value))
    return ids[0], ids[1], ids[2]


def _reference(s: Session, column: str, value: str) -> int:
    if column == "supplier":
        return supplier_of(s, value).id
    if column == "owner":
        return owner_of(s, value).id
    return _warehouse_id(s, value)


def _warehouse_id(s: Session, code: str) -> int:
    found = s.scalars(select(Warehouse.id).where(Warehouse.code == code.strip().upper())).first()
    if found is None:
        raise NotFound(what="warehouse", key=code)
    return found


def _number(notice_no: str | None, now: datetime, found: list[Problem]) -> str:
    if not notice_no or not notice_no.strip():
        return new_doc_no("ASN", now)
    try:
        value: str = fields.code(40)(notice_no)
    except fields.FieldError as error:
        found.append(problem(error.en, error.zh, column="notice_no", value=notice_no))
        return ""
    return value


def _by_gtin(s: Session, lines: Sequence[NoticeLineIn],
             found: list[Problem]) -> list[NoticeLineIn]:
    """Every line named by GTIN: an item code becomes its smallest pack's GTIN (quantities are
    base units whatever the pack); a line with an unknown code is refused and left out."""
    codes = {line.item.strip().upper() for line in lines if line.item and not line.gtin}
    gtins: dict[str, str] = {}
    if codes:
        for code, gtin in s.execute(select(Item.code, Packaging.gtin)
                                    .join(Packaging, Packaging.item_id == Item.id)
                                    .where(Item.code.in_(codes))
                                    .order_by(Packaging.quantity.desc(), Packaging.gtin.desc())):
            gtins[code] = gtin
    named = []
    for number, line in enumerate(lines, start=1):
        row = line.row if line.row is not None else number
        code = (line.item or "").strip().upper()
        if line.gtin or not code:
            named.append(replace(line, row=row))
        elif code in gtins:
            named.append(replace(line, row=row, gtin=gtins[code]))
        else:
            found.append(problem("unknown item code (or an item without a GTIN)",
                                 "未知的产品编码（或该产品没有 GTIN）", column="item", row=row,
                                 value=line.item))
    return named


def _items(s: Session, lines: Sequence[NoticeLineIn], found: list[Problem]) -> dict[str, int]:
    """GTIN → item id for every line; every bad line is added to `found`."""
    gtins = {}
    for number, line in enumerate(lines, start=1):
        row = line.row if line.row is not None else number
        try:
            gtins[line.gtin] = fields.gtin(line.gtin)
        except fields.FieldError as error:
            found.append(problem(error.en, error.zh, column="gtin", row=row, value=line.gtin))
    known = {g: item for g, item in s.execute(select(Packaging.gtin, Packaging.item_id)
                                               .where(Packaging.gtin.in_(set(gtins.values()))))}
    items = {raw: known[g] for raw, g in gtins.items() if g in known}
    for number, line in enumerate(lines, start=1):
        found.extend(_line_problems(line, line.row if line.row is not None else number,
                                    known=line.gtin in items or line.gtin not in gtins))
    found.extend(_repeated_serials(lines, items))
    return items


def _line_problems(line: NoticeLineIn, row: int, *, known: bool) -> list[Problem]:
    out = []
    if not known:
        out.append(problem("GTIN is not in master data: add the item first",
                           "GTIN 不在主数据中：请先添加产品", column="gtin", row=row,
                           value=line.gtin))
    if line.quantity < 1:
        out.append(problem("quantity (base units) must be 1 or more",
                           "数量（最小单位）必须大于等于 1", column="quantity", row=row,
                           value=line.quantity))
    for column, text in [("lot", line.lot or "")] + [("serials", x) for x in line.serials]:
        if len(text) > MAX_TEXT:
            out.append(problem(f"at most {MAX_TEXT} characters", f"最多 {MAX_TEXT} 个字符",
                               column=column, row=row, value=text))
    if line.serials and len(line.serials) != line.quantity:
        out.append(problem(f"{len(line.serials)} serials listed for quantity {line.quantity}",
                           f"列出 {len(line.serials)} 个序列号，数量却为 {line.quantity}",
                           column="serials", row=row, value=len(line.serials)))
    if line.expiry and line.production_date and line.expiry < line.production_date:
        out.append(problem("expiry is before the production date", "失效日期早于生产日期",
                           column="expiry", row=row, value=line.expiry))
    return out


def _repeated_serials(lines: Sequence[NoticeLineIn], items: dict[str, int]) -> list[Problem]:
    seen = Counter((items.get(line.gtin), s) for line in lines for s in line.serials)
    return [problem("serial listed twice", "序列号重复", column="serials", row=line.row,
                    value=s)
            for line in lines for s in line.serials if seen[(items.get(line.gtin), s)] > 1]


def _line_rows(notice_id: int, lines: Sequence[NoticeLineIn],
               items: dict[str, int]) -> list[AdvanceNoticeLine]:
    return [AdvanceNoticeLine(
        notice_id=notice_id, line_no=number, item_id=items[line.gtin],
        gtin=fields.gtin(line.gtin), lot_no=(line.lot or "").strip() or None,
        expiry=line.expiry, production_date=line.production_date,
        serials="\n".join(line.serials), quantity=line.quantity)
        for number, line in enumerate(lines, start=1)]
