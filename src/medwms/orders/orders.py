"""Order commands: create (JSON or by hand), import from CSV/XLSX, cancel.

An order (出库单) is SALE to a customer, DEPARTMENT to a clinical department (consignee =
a partner of that kind) or TRANSFER to another of our warehouses. Lines name an item code
or a GTIN: by item code the quantity is in base units; by GTIN it counts packs of that
GTIN's packaging level, so a box GTIN (10 each) × 3 = 30 base units. A line may require a
lot or a serial. GSP: a SALE needs a customer whose licence is valid (G24); SALE and
DEPARTMENT orders need items whose registration is valid (G23). Every problem is listed
with its line (or file row) and column; nothing is written unless all is well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import Problem, ValidationError
from medwms.core.ids import new_doc_no
from medwms.masterdata.fields import FieldError
from medwms.masterdata.fields import code as code_field
from medwms.masterdata.fields import gtin as gtin_field
from medwms.masterdata.rules import credential_problem
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.tables import Item, Owner, Packaging, Partner, PartnerKind, Warehouse
from medwms.orders import queries
from medwms.orders.errors import (
    CustomerNotQualified,
    ItemNotRegistered,
    OrderExists,
    OrderInvalid,
    OrderNotCancellable,
)
from medwms.orders.tables import (
    Allocation,
    AllocationStatus,
    OrderKind,
    OrderLine,
    OrderStatus,
    OutboundOrder,
    Wave,
)
from medwms.qualification import gates

CONSIGNEE_KIND = {OrderKind.SALE: PartnerKind.CUSTOMER,
                  OrderKind.DEPARTMENT: PartnerKind.DEPARTMENT}
KIND_WORDS = {OrderKind.SALE: ("销售出库单", "a sales order"),
              OrderKind.DEPARTMENT: ("科室领用单", "a department issue")}
CONSIGNEE_WORDS = {
    PartnerKind.CUSTOMER: ("客户（医院或经销商）", "customer (hospital or distributor)"),
    PartnerKind.DEPARTMENT: ("临床科室", "clinical department"),
    PartnerKind.SUPPLIER: ("供货单位", "supplier"),
    PartnerKind.CARRIER: ("物流承运商", "carrier")}
CANCELLABLE = frozenset({OrderStatus.OPEN, OrderStatus.ALLOCATED, OrderStatus.PARTIAL})
WHY = {"missing": ("is missing", "缺失"), "expired": ("has expired", "已过期"),
       "inactive": ("is inactive", "已停用")}


@dataclass(frozen=True)
class LineIn:
    """One line as a person or a file names it: an item code or a GTIN, and a quantity."""

    quantity: int
    item: str | None = None
    gtin: str | None = None
    lot: str | None = None
    serial: str | None = None
    row: int | None = None  # the file row, when imported


@dataclass(frozen=True)
class OrderIn:
    """An order as given: codes, not ids."""

    warehouse: str
    lines: tuple[LineIn, ...]
    kind: str = OrderKind.SALE
    consignee: str | None = None
    to_warehouse: str | None = None
    owner: str = "SELF"
    order_no: str | None = None
    reference: str = ""
    salesperson: str = ""  # the ID number of the salesperson who made the sale (G30)
    requested_ship_date: date | None = None
    delivery_date: date | None = None
    row: int | None = None  # the first file row of this order


@dataclass
class _Resolved:
    """An order's ids and lines once every code was found; `found` lists the problems."""

    found: list[Problem] = field(default_factory=list)
    warehouse: Warehouse | None = None
    owner_id: int = 0
    consignee: Partner | None = None
    to_warehouse_id: int | None = None
    lines: list[tuple[Item, int, LineIn]] = field(default_factory=list)


def create_order(db: Database, *, actor: Actor, order: OrderIn,
                 now: datetime | None = None) -> queries.OrderView:
    """Create one outbound order, or refuse it whole with every problem named."""
    return create_orders(db, actor=actor, orders=[order], now=now)[0]


def create_orders(db: Database, *, actor: Actor, orders: Sequence[OrderIn],
                  now: datetime | None = None,
                  rejected: type[ValidationError] = OrderInvalid) -> list[queries.OrderView]:
    """Create several orders in one unit of work: all of them or none."""
    require(actor, Perm.ORDERS_MANAGE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        resolved = [_resolve(s, order) for order in orders]
        problems = [p for r in resolved for p in r.found] + _duplicates(s, orders)
        if problems:
            raise rejected(problems)
        require_warehouses(s, actor, *(r.warehouse.id for r in resolved if r.warehouse))
        numbers = [_write(s, actor, order, r, now) for order, r in zip(orders, resolved,
                                                                         strict=True)]
        uow.commit()
    with reading_as(db, actor) as s:
        return [queries.order_view(s, number) for number in numbers]


def _resolve(s: Session, order: OrderIn) -> _Resolved:
    r = _Resolved()
    kind = order.kind.upper()
    if kind not in set(OrderKind):
        r.found.append(_problem(order.row, "kind", order.kind,
                                f"must be one of {', '.join(OrderKind)}", "类型无效"))
        return r
    r.warehouse = _warehouse(s, order.warehouse, "warehouse", order.row, r.found)
    r.owner_id = _owner(s, order.owner, order.row, r.found)
    if kind == OrderKind.TRANSFER:
        _transfer_target(s, order, r)
    else:
        r.consignee = _consignee(s, order, OrderKind(kind), r.found)
    _dates(order, r.found)
    if not order.lines:
        r.found.append(_problem(order.row, "lines", None, "an order needs at least one line",
                                "出库单至少需要一行"))
    r.lines = _lines(s, order, r.found)
    return r


def _problem(row: int | None, column: str, value: object, en: str, zh: str) -> Problem:
    shown = None if value is None else str(value)
    return Problem(en, column=column, row=row, value=shown, message_zh=zh)


def _warehouse(s: Session, code: str | None, column: str, row: int | None,
               found: list[Problem]) -> Warehouse | None:
    warehouse = s.scalars(select(Warehouse).where(
        Warehouse.code == (code or "").strip().upper())).one_or_none()
    if warehouse is None:
        found.append(_problem(row, column, code, "unknown warehouse", "未知的仓库"))
    return warehouse


def _owner(s: Session, code: str, row: int | None, found: list[Problem]) -> int:
    owner_id = s.scalar(select(Owner.id).where(Owner.code == code.strip().upper()))
    if owner_id is None:
        found.append(_problem(row, "owner", code, "unknown owner", "未知的货主"))
    return owner_id or 0


def _consignee(s: Session, order: OrderIn, kind: OrderKind,
               found: list[Problem]) -> Partner | None:
    if not order.consignee:
        found.append(_problem(order.row, "consignee", None,
                              f"{KIND_WORDS[kind][1]} needs a consignee",
                              "需要收货单位"))
        return None
    partner = s.scalars(select(Partner).where(
        Partner.code == order.consignee.strip().upper())).one_or_none()
    if partner is None:
        found.append(_problem(order.row, "consignee", order.consignee, "unknown partner",
                              "未知的收货单位"))
    elif partner.kind != CONSIGNEE_KIND[kind]:
        (want_zh, want_en), (is_zh, is_en) = (CONSIGNEE_WORDS[CONSIGNEE_KIND[kind]],
                                              CONSIGNEE_WORDS[PartnerKind(partner.kind)])
        found.append(_problem(order.row, "consignee", order.consignee,
                              f"{KIND_WORDS[kind][1]} goes to a {want_en}: {partner.code} is a "
                              f"{is_en}", f"{KIND_WORDS[kind][0]}的收货单位应为{want_zh}，"
                              f"{partner.code} 是{is_zh}"))
    return partner


def _transfer_target(s: Session, order: OrderIn, r: _Resolved) -> None:
    target = _warehouse(s, order.to_warehouse, "to_warehouse", order.row, r.found)
    if target is not None and r.warehouse is not None and target.id == r.warehouse.id:
        r.found.append(_problem(order.row, "to_warehouse", order.to_warehouse,
                                "a transfer goes to another warehouse", "调拨须调往其他仓库"))
    r.to_warehouse_id = target.id if target else None


def _dates(order: OrderIn, found: list[Problem]) -> None:
    ship, deliver = order.requested_ship_date, order.delivery_date
    if ship and deliver and deliver < ship:
        found.append(_problem(order.row, "delivery_date", deliver.isoformat(),
                              "the delivery date is before the ship date",
                              "送达日期早于发货日期"))


def _lines(s: Session, order: OrderIn, found: list[Problem]) -> list[tuple[Item, int, LineIn]]:
    codes = {line.item.strip().upper() for line in order.lines if line.item}
    items = {i.code: i for i in s.scalars(select(Item).where(Item.code.in_(codes)))}
    gtins = {_gtin(line.gtin) for line in order.lines if line.gtin} - {None}
    packs = {p.gtin: (i, p.quantity) for i, p in s.execute(
        select(Item, Packaging).join(Packaging, Packaging.item_id == Item.id)
        .where(Packaging.gtin.in_(gtins)))}
    resolved = []
    for number, line in enumerate(order.lines, start=1):
        found_here = _line_problems(line, number, items, packs)
        found += found_here
        if not found_here:
            item, per_pack = (items[line.item.strip().upper()], 1) if line.item else \
                packs[_gtin(line.gtin) or ""]
            resolved.append((item, line.quantity * per_pack, line))
    return resolved


def _gtin(raw: str | None) -> str | None:
    try:
        return gtin_field(raw) if raw else None
    except FieldError:
        return None


def _line_problems(line: LineIn, number: int, items: dict[str, Item],
                   packs: dict[str, tuple[Item, int]]) -> list[Problem]:
    row = line.row or number
    found = []
    if bool(line.item) == bool(line.gtin):
        found.append(_problem(row, "item", line.item or line.gtin,
                              "name an item code or a GTIN (one of them)",
                              "请填写物料编码或 GTIN（二选一）"))
    elif line.item and line.item.strip().upper() not in items:
        found.append(_problem(row, "item", line.item, "unknown item", "未知的物料"))
    elif line.gtin and (_gtin(line.gtin) or "") not in packs:
        found.append(_problem(row, "gtin", line.gtin, "unknown or invalid GTIN",
                              "未知或无效的 GTIN"))
    if line.quantity <= 0:
        found.append(_problem(row, "quantity", line.quantity,
                              "quantity must be a whole number above zero", "数量必须大于零"))
    if line.serial and line.quantity != 1:
        found.append(_problem(row, "quantity", line.quantity,
                              "a line requiring a serial is for one unit",
                              "指定序列号时数量应为 1"))
    return found


def _duplicates(s: Session, orders: Sequence[OrderIn]) -> list[Problem]:
    numbers = [o.order_no.strip().upper() for o in orders if o.order_no]
    taken = set(s.scalars(select(OutboundOrder.order_no)
                          .where(OutboundOrder.order_no.in_(numbers))))
    if taken and len(orders) == 1:
        raise OrderExists(order_no=min(taken))
    found = []
    for order in orders:
        number = (order.order_no or "").strip().upper()
        bad = number in taken
        try:
            if number:
                code_field(40)(number)
        except FieldError as error:
            found.append(_problem(order.row, "order_no", order.order_no, error.en, error.zh))
        if bad:
            found.append(_problem(order.row, "order_no", number, "order already exists",
                                  "出库单已存在"))
    return found


def _write(s: Session, actor: Actor, order: OrderIn, r: _Resolved, now: datetime) -> str:
    assert r.warehouse is not None
    today = local_date(now, r.warehouse.timezone)
    check_gsp(s, r.consignee, [item for item, _, _ in r.lines], today, order.kind.upper(),
              salesperson=order.salesperson)
    number = (order.order_no or "").strip().upper() or new_doc_no("OUT", now)
    row = OutboundOrder(order_no=number, kind=order.kind.upper(), warehouse_id=r.warehouse.id,
                        owner_id=r.owner_id, consignee_id=r.consignee.id if r.consignee else None,
                        to_warehouse_id=r.to_warehouse_id, reference=order.reference[:60],
                        salesperson=order.salesperson.strip().upper()[:40],
                        requested_ship_date=order.requested_ship_date,
                        delivery_date=order.delivery_date, status=OrderStatus.OPEN,
                        created_at=now, created_by=actor.user_id)
    s.add(row)
    s.flush()
    s.add_all(OrderLine(order_id=row.id, line_no=n, item_id=item.id, quantity=quantity,
                        lot_no=line.lot or None, serial=line.serial or None)
              for n, (item, quantity, line) in enumerate(r.lines, start=1))
    record_audit(s, actor=actor, action="create", entity="outbound_order", entity_key=number,
                 after={"kind": row.kind, "warehouse": r.warehouse.code,
                        "lines": [[item.code, q] for item, q, _ in r.lines]})
    return number


def check_gsp(s: Session, consignee: Partner | None, items: Sequence[Item], today: date,
              kind: str, *, action: str = "SELL", salesperson: str = "") -> None:
    """G24: a SALE needs a qualified customer; G23: sold items need a valid registration;
    then the qualification files (G02/G03/G24/G30: approved, nothing lapsed, in scope)."""
    if kind == OrderKind.SALE and consignee is not None:
        why = "inactive" if not consignee.active else credential_problem(
            consignee.licence_no, consignee.licence_expiry, today)
        if why:
            raise CustomerNotQualified(customer=consignee.code, licence=consignee.licence_no or "—",
                                       why_en=_why_en(why, consignee.licence_expiry),
                                       why_zh=WHY[why][1], why=why)
    if kind == OrderKind.TRANSFER:
        return
    for item in items:
        why = credential_problem(item.registration_no, item.registration_expiry, today)
        if why:
            raise ItemNotRegistered(item=item.code, registration=item.registration_no or "—",
                                    why_en=_why_en(why, item.registration_expiry),
                                    why_zh=WHY[why][1], why=why)
    gates.check_outbound(s, consignee=consignee, items=items, today=today, kind=kind,
                         action=action, salesperson=salesperson)


def _why_en(why: str, expiry: date | None) -> str:
    words = WHY[why][0]
    return f"{words} on {expiry.isoformat()}" if why == "expired" and expiry else words


def cancel_order(db: Database, *, actor: Actor, order_no: str, reason: str) -> queries.OrderView:
    """Cancel an order nothing of which was picked; its reservations are released."""
    require(actor, Perm.ORDERS_MANAGE)
    if not reason.strip():
        raise ValidationError("a cancellation needs a reason", field="reason")
    with db.unit_of_work() as uow:
        s = uow.session
        order = queries.lock_order(s, order_no, actor)
        picked = s.scalar(select(OrderLine.id).where(OrderLine.order_id == order.id,
                                                     OrderLine.picked_qty > 0).limit(1))
        if order.status not in CANCELLABLE or picked is not None:
            raise OrderNotCancellable(order_no=order.order_no, status=order.status,
                                      why="units were already picked or shipped")
        lines = select(OrderLine.id).where(OrderLine.order_id == order.id)
        s.execute(update(Allocation).where(Allocation.order_line_id.in_(lines),
                                           Allocation.status == AllocationStatus.OPEN)
                  .values(status=AllocationStatus.CANCELLED))
        forget_pick_progress(s, waves={order.wave_id} if order.wave_id else set(),
                             orders={order.id})
        before = order.status
        order.status = OrderStatus.CANCELLED
        record_audit(s, actor=actor, action="cancel", entity="outbound_order",
                     entity_key=order.order_no, before={"status": before},
                     after={"status": order.status}, reason=reason.strip())
        uow.commit()
    with reading_as(db, actor) as s:
        return queries.order_view(s, order.order_no)


def forget_pick_progress(s: Session, *, waves: set[int], orders: set[int]) -> None:
    """Have the next pick count these waves and orders afresh (their allocations changed)."""
    if waves:
        s.execute(update(Wave).where(Wave.id.in_(waves)).values(open_qty=None))
    if orders:
        s.execute(update(OutboundOrder).where(OutboundOrder.id.in_(orders))
                  .values(open_qty=None))
