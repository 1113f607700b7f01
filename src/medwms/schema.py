"""Every table of medwms, imported in one place so metadata is complete."""

from __future__ import annotations

from sqlalchemy import MetaData

from medwms.attachments import tables as attachments_tables
from medwms.auth import tables as auth_tables
from medwms.coldchain import tables as coldchain_tables
from medwms.complaints import tables as complaints_tables
from medwms.core import tables as core_tables
from medwms.core.db import Base
from medwms.counting import tables as counting_tables
from medwms.equipment import tables as equipment_tables
from medwms.ledger import tables as ledger_tables
from medwms.masterdata import tables as masterdata_tables
from medwms.orders import tables as orders_tables
from medwms.picking import tables as picking_tables
from medwms.qualification import tables as qualification_tables
from medwms.quality import tables as quality_tables
from medwms.recall import tables as recall_tables
from medwms.receiving import tables as receiving_tables
from medwms.runtime import tables as runtime_tables
from medwms.shipping import tables as shipping_tables
from medwms.verification import tables as verification_tables

TABLE_MODULES = (core_tables, auth_tables, attachments_tables, runtime_tables, masterdata_tables,
                 ledger_tables, qualification_tables, equipment_tables,
                 receiving_tables, quality_tables, orders_tables, picking_tables,
                 verification_tables, shipping_tables,
                 counting_tables, coldchain_tables, recall_tables, complaints_tables)


def metadata() -> MetaData:
    """The complete metadata of the models (what migrations must produce)."""
    return Base.metadata
