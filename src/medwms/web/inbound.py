"""What the web pages read from the receiving and quality features (their queries)."""

from __future__ import annotations

from sqlalchemy import select

from medwms.auth.guard import reading_as
from medwms.auth.rules import Actor
from medwms.barcode import document_number
from medwms.core.db import Database
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Partner, PartnerKind, Warehouse
from medwms.quality import queries as quality
from medwms.quality.queries import InspectionView, PendingLot
from medwms.quality.tables import Inspection
from medwms.receiving import queries as receiving
from medwms.receiving.queries import ReceiptDetail, ReceiptHeader


def receipts(db: Database, actor: Actor, *, status: str | None = None, limit: int = 200
             ) -> list[ReceiptHeader]:
    """Receipts, newest first (only open ones with `status="OPEN"`)."""
    with reading_as(db, actor) as s:
        return receiving.list_receipts(s, status=status, limit=limit)


def receipt(db: Database, actor: Actor, receipt_no: str) -> ReceiptDetail:
    """One receipt with its lines and progress against the notice (RECEIPT_NOT_FOUND)."""
    with reading_as(db, actor) as s:
        return receiving.get_receipt(s, document_number(receipt_no))


def receiving_choices(db: Database, actor: Actor, lang: str = "zh-CN"
                      ) -> dict[str, list[tuple[str, str]]]:
    """Warehouses and active suppliers (code, name in `lang`) for the "receive against a PO"
    form."""
    with reading_as(db, actor) as s:
        warehouses = s.execute(select(Warehouse.code, Warehouse.name).order_by(Warehouse.code))
        suppliers = s.execute(select(Partner.code, Partner.name, Partner.name_en).where(
            Partner.kind == PartnerKind.SUPPLIER, Partner.active.is_(True)).order_by(Partner.code))
        return {"warehouses": [(code, name) for code, name in warehouses],
                "suppliers": [(code, en if lang == "en" and en else name)
                              for code, name, en in suppliers]}


def inspections_of_lot(db: Database, actor: Actor, *, item: str, lot: str) -> list[InspectionView]:
    """The inspection records of a lot (item code + lot number)."""
    with reading_as(db, actor) as s:
        numbers = s.scalars(select(Inspection.inspection_no)
                            .join(Item, Item.id == Inspection.item_id)
                            .join(Lot, Lot.id == Inspection.lot_id)
                            .where(Item.code == item.upper(), Lot.lot_no == lot)
                            .order_by(Inspection.id)).all()
        return [quality.inspection_view(s, number) for number in numbers]


def pending_lots(db: Database, actor: Actor) -> list[PendingLot]:
    """Lots awaiting inspection, oldest arrival first."""
    with reading_as(db, actor) as s:
        return quality.pending_lots(s)


def inspection(db: Database, actor: Actor, inspection_no: str) -> InspectionView:
    """One inspection record, pending or signed (INSPECTION_NOT_FOUND)."""
    with reading_as(db, actor) as s:
        return quality.inspection_view(s, inspection_no.upper())


def inspections_of_receipt(db: Database, actor: Actor, receipt_no: str) -> list[InspectionView]:
    """The inspections of one receipt."""
    with reading_as(db, actor) as s:
        return quality.inspections_of_receipt(s, receipt_no)
