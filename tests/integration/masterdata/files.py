"""Small builders of master-data files and records for tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from medwms.auth.rules import SYSTEM, Actor
from medwms.auth.tables import AuditRecord
from medwms.barcode.checkdigit import gs1_check_digit
from medwms.core.db import Database
from medwms.masterdata import importing, service
from tests.support.builders import NOW

PICKER = Actor(user_id=None, username="pia", roles=frozenset({"picker"}))
MANAGER = Actor(user_id=None, username="max", roles=frozenset({"manager"}))


def gs1(body: str) -> str:
    """`body` completed with its GS1 check digit (a GTIN-8/12/13/14 or a GLN)."""
    return body + str(gs1_check_digit(body))


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(header: Sequence[str] | None, rows: Sequence[Sequence[Any]] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def load(db: Database, kind: str, data: bytes, filename: str = "f.csv",
         actor: Actor = SYSTEM) -> service.ImportResult:
    return importing.import_file(db=db, actor=actor, kind=kind, data=data, filename=filename,
                                 now=NOW)


def count(db: Database, model: Any) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def audits(db: Database) -> list[Any]:
    """The audit records as plain rows, in chain order."""
    table = AuditRecord.__table__
    with db.reading() as s:
        return list(s.execute(select(table).order_by(table.c.seq)).all())


def item(code: str = "CATH-01", **over: Any) -> dict[str, Any]:
    values = {"code": code, "name_zh": "导管", "name_en": "Catheter", "risk_class": "III",
              "tracking": "LOT", "temp_min": "2", "temp_max": "25",
              "registration_no": "国械注准20233030001", "registration_expiry": "2030-06-30"}
    values.update(over)
    return values


def site(db: Database) -> None:
    """Warehouse WH1 with zones RCV and S1 (through the service)."""
    service.create_record(db=db, actor=SYSTEM, kind="warehouses",
                          values={"code": "WH1", "name": "Main", "gln": gs1("690123400000")},
                          now=NOW)
    for code, kind in (("RCV", "RECEIVING"), ("S1", "STORAGE")):
        service.create_record(db=db, actor=SYSTEM, kind="zones", now=NOW,
                              values={"warehouse_code": "WH1", "code": code, "kind": kind})


ITEM_HEADER = ["code", "name_zh", "risk_class", "tracking", "registration_expiry"]
PACK_HEADER = ["gtin", "item_code", "level", "quantity"]
