"""Shipments, shipping units (SSCC), their lines, transfer receipts and customer returns."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medwms.auth.guard import in_warehouse
from medwms.core.db import Base, UTCDateTime


class Shipment(Base):
    __tablename__ = "shipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_no: Mapped[str] = mapped_column(String(40), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("outbound_order.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    consignee_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    to_warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(12), default="PACKING")  # PACKING, SHIPPED, RECEIVED
    carrier: Mapped[str] = mapped_column(String(100), default="")
    waybill: Mapped[str] = mapped_column(String(60), default="")
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    shipped_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    discrepancies: Mapped[str] = mapped_column(Text, default="")  # JSON, transfer receipt


class ShippingUnit(Base):
    """A packed box or pallet with its SSCC; cold-chain boxes record logger and temperature."""

    __tablename__ = "shipping_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), index=True)
    hu_id: Mapped[int] = mapped_column(ForeignKey("handling_unit.id"), unique=True)
    cold: Mapped[bool] = mapped_column(Boolean, default=False)
    box_id: Mapped[str] = mapped_column(String(60), default="")
    logger_id: Mapped[str] = mapped_column(String(60), default="")
    dispatch_temp: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    packed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    packed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ShipmentLine(Base):
    __tablename__ = "shipment_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), index=True)
    shipping_unit_id: Mapped[int | None] = mapped_column(ForeignKey("shipping_unit.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    received_qty: Mapped[int] = mapped_column(Integer, default=0)  # transfers


class CustomerReturn(Base):
    """A return received against the original shipment, into QUARANTINE."""

    __tablename__ = "customer_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_no: Mapped[str] = mapped_column(String(40), unique=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    consignee_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    status: Mapped[str] = mapped_column(String(10), default="OPEN")
    reason: Mapped[str] = mapped_column(String(300), default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ReturnLine(Base):
    __tablename__ = "return_line"
    __table_args__ = (UniqueConstraint("return_id", "scan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("customer_return.id"), index=True)
    scan_id: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(String(300))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_unit.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300), default="")
    flagged: Mapped[str] = mapped_column(String(300), default="")  # e.g. never shipped to them
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Which warehouse a row belongs to: scoped readings keep to the reader's (auth.guard).
in_warehouse(Shipment.warehouse_id, Shipment.to_warehouse_id)
in_warehouse(CustomerReturn.warehouse_id)
