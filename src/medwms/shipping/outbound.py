"""What the outbound stations read from picking and shipping, each in a read session as the
actor: orders, waves, documents waiting at a station, what is still to be packed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.guard import reading_as
from medwms.auth.rules import Actor
from medwms.barcode import document_number
from medwms.core.db import Database
from medwms.masterdata.storage import is_cold_chain
from medwms.masterdata.tables import Item, Partner, PartnerKind, Warehouse
from medwms.orders import queries as orders
from medwms.orders.queries import OrderSummary, OrderView, WaveView
from medwms.orders.tables import OrderStatus, OutboundOrder, Wave
from medwms.picking.rules import UnitKey
from medwms.shipping import queries as shipping
from medwms.shipping.queries import ShipmentView
from medwms.shipping.tables import Shipment
from medwms.verification import queries as records
from medwms.verification.queries import VerificationRecord
from medwms.verification.tables import Verification

FINISHED_WAVES = ("CANCELLED", "SHIPPED", "CLOSED")


@dataclass(frozen=True)
class ToPack:
    """One verified stock key of an order and how much of it is packed."""

    item: str
    lot: str | None
    serial: str | None
    shippable: int
    packed: int
    storage: str
    cold: bool  # cold-chain by its storage condition: it goes into a cold box

    @property
    def left(self) -> int:
        return max(self.shippable - self.packed, 0)


@dataclass(frozen=True)
class OpenDoc:
    """A document waiting at a station: its number, its order and its status."""

    number: str
    order_no: str
    status: str
    consignee: str | None
    consignee_en: str | None = None


def order_list(db: Database, actor: Actor, *, status: str | None = None) -> list[OrderSummary]:
    """Orders, newest first (optionally of one status)."""
    with reading_as(db, actor) as s:
        return orders.list_orders(s, status=status, limit=300)


def order_detail(db: Database, actor: Actor, order_no: str) -> tuple[OrderView, dict[str, Any]]:
    """One order with its lines and the allocation explanation (ORDER_NOT_FOUND)."""
    with reading_as(db, actor) as s:
        return orders.order_view(s, order_no), orders.explanation(s, order_no)


def order_choices(db: Database, actor: Actor, lang: str = "zh-CN"
                  ) -> dict[str, list[tuple[str, str]]]:
    """Warehouses, consignees (customers, departments) and items for the order form, named
    in `lang` (the English name in English, where there is one)."""
    kinds = (PartnerKind.CUSTOMER, PartnerKind.DEPARTMENT)
    english = lang == "en"
    with reading_as(db, actor) as s:
        return {
            "warehouses": _pairs(s, select(Warehouse.code, Warehouse.name, Warehouse.name)
                                 .order_by(Warehouse.code), english),
            "consignees": _pairs(s, select(Partner.code, Partner.name, Partner.name_en).where(
                Partner.kind.in_(kinds), Partner.active.is_(True)).order_by(Partner.code),
                english),
            "items": _pairs(s, select(Item.code, Item.name_zh, Item.name_en)
                            .order_by(Item.code), english),
        }


def _pairs(s: Session, query: Any, english: bool) -> list[tuple[str, str]]:
    return [(str(code), str(en if english and en else name)) for code, name, en in s.execute(query)]


def wave(db: Database, actor: Actor, wave_no: str) -> WaveView:
    """One wave with its route and lengths (WAVE_NOT_FOUND)."""
    with reading_as(db, actor) as s:
        return orders.wave_view(s, document_number(wave_no))


def open_waves(db: Database, actor: Actor) -> list[WaveView]:
    """Waves still being picked, newest first."""
    with reading_as(db, actor) as s:
        numbers = s.scalars(select(Wave.wave_no).where(Wave.status.not_in(FINISHED_WAVES))
                            .order_by(Wave.created_at.desc(), Wave.id.desc()).limit(100))
        return [orders.wave_view(s, number) for number in numbers]


def to_verify(db: Database, actor: Actor) -> list[OpenDoc]:
    """Picked orders without a verification, and verifications not yet passed."""
    with reading_as(db, actor) as s:
        going = s.execute(select(Verification.verification_no, OutboundOrder.order_no,
                                 Verification.status, Partner.name, Partner.name_en)
                          .join(OutboundOrder, OutboundOrder.id == Verification.order_id)
                          .outerjoin(Partner, Partner.id == OutboundOrder.consignee_id)
                          .where(Verification.status != "PASSED")
                          .order_by(Verification.id.desc())).all()
        busy = {order for _, order, _, _, _ in going}
        picked = _orders_of_status(s, OrderStatus.PICKED)
    docs = [OpenDoc(*row) for row in going]
    return docs + [doc for doc in picked if doc.order_no not in busy]


def to_ship(db: Database, actor: Actor) -> list[OpenDoc]:
    """Shipments being packed, and verified orders not yet opened for packing."""
    with reading_as(db, actor) as s:
        packing = s.execute(select(Shipment.shipment_no, OutboundOrder.order_no,
                                   Shipment.status, Partner.name, Partner.name_en)
                            .join(OutboundOrder, OutboundOrder.id == Shipment.order_id)
                            .outerjoin(Partner, Partner.id == OutboundOrder.consignee_id)
                            .where(Shipment.status == "PACKING")
                            .order_by(Shipment.id.desc())).all()
        busy = {order for _, order, _, _, _ in packing}
        verified = _orders_of_status(s, OrderStatus.VERIFIED)
    docs = [OpenDoc(*row) for row in packing]
    return docs + [doc for doc in verified if doc.order_no not in busy]


def _orders_of_status(s: Session, status: str) -> list[OpenDoc]:
    rows = s.execute(select(OutboundOrder.order_no, OutboundOrder.status, Partner.name,
                            Partner.name_en)
                     .outerjoin(Partner, Partner.id == OutboundOrder.consignee_id)
                     .where(OutboundOrder.status == status)
                     .order_by(OutboundOrder.id.desc()).limit(200))
    return [OpenDoc("", order_no, st, name, name_en) for order_no, st, name, name_en in rows]


def verification(db: Database, actor: Actor, verification_no: str) -> VerificationRecord:
    """The outbound review record (VERIFICATION_NOT_FOUND)."""
    with reading_as(db, actor) as s:
        return records.record(s, records.verification_by_no(s, verification_no))


def shipment(db: Database, actor: Actor, shipment_no: str) -> tuple[ShipmentView, list[ToPack]]:
    """One shipment and what of its order is (still) to be packed (SHIPMENT_NOT_FOUND)."""
    with reading_as(db, actor) as s:
        view = shipping.shipment_view(s, document_number(shipment_no))
        order_id = s.scalars(select(OutboundOrder.id).where(
            OutboundOrder.order_no == view.order_no)).one()
        shippable = records.shippable_units(s, order_id)
        return view, [_to_pack(s, key, n, view) for key, n in sorted(shippable.items())]


def _to_pack(s: Session, key: UnitKey, shippable: int, view: ShipmentView) -> ToPack:
    item, lot_no, serial = records.unit_names(s, key)
    lot = lot_no if key.lot_id else None
    packed = sum(line.quantity for line in view.lines
                 if (line.item, line.lot, line.serial) == (item, lot, serial))
    stored = s.get_one(Item, key.item_id)
    return ToPack(item, lot, serial, shippable, packed, shipping.storage_text(stored),
                  is_cold_chain(stored.temp_min, stored.temp_max))


def customer_return(db: Database, actor: Actor, return_no: str) -> shipping.ReturnView:
    """One customer return with its scanned lines (RETURN_NOT_FOUND)."""
    with reading_as(db, actor) as s:
        return shipping.return_view(s, document_number(return_no))


def incoming_transfers(db: Database, actor: Actor) -> list[OpenDoc]:
    """Transfer shipments on their way (SHIPPED) or short (SHORT), newest first."""
    with reading_as(db, actor) as s:
        rows = s.execute(select(Shipment.shipment_no, OutboundOrder.order_no, Shipment.status,
                                Warehouse.name, Warehouse.name)
                         .join(OutboundOrder, OutboundOrder.id == Shipment.order_id)
                         .join(Warehouse, Warehouse.id == Shipment.to_warehouse_id)
                         .where(Shipment.status.in_(("SHIPPED", "SHORT")))
                         .order_by(Shipment.id.desc()).limit(200)).all()
    return [OpenDoc(*row) for row in rows]


def transfer(db: Database, actor: Actor, shipment_no: str) -> ShipmentView:
    """A transfer shipment with its lines, received quantities and discrepancy report."""
    with reading_as(db, actor) as s:
        return shipping.shipment_view(s, document_number(shipment_no))
