"""The count report as XLSX: the plan, the variance list with value and reasons, times."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy.orm import Session

from medwms.counting import queries

LINE_COLUMNS = ("line_id", "location", "owner", "item", "item_name", "lot", "serial", "status",
                "expected", "counted", "recounted", "variance", "unit_cost", "value",
                "within_tolerance", "needs_recount", "reason_code", "adjusted")
TIME_COLUMNS = ("location", "round", "counter", "started_at", "closed_at", "seconds")


def count_xlsx(session: Session, plan_no: str) -> bytes:
    """A workbook: sheet "plan" (header and totals), "lines" (every line), "times"."""
    plan = queries.plan_view(session, plan_no)
    lines = queries.variances(session, plan_no)
    book = Workbook()
    head = book.active
    assert head is not None
    head.title = "plan"
    value = sum((ln.value or Decimal(0) for ln in lines), Decimal(0))
    clean = sum(1 for ln in lines if ln.variance == 0)
    for key, item in (("plan_no", plan.plan_no), ("warehouse", plan.warehouse),
                      ("kind", plan.kind), ("status", plan.status),
                      ("approved_by", plan.approved_by or ""),
                      ("approved_at", _text(plan.approved_at)),
                      ("adjustment_doc_no", plan.adjustment_doc_no),
                      ("lines", len(lines)), ("lines_without_variance", clean),
                      ("accuracy", float(clean / len(lines)) if lines else 1.0),
                      ("variance_value", float(value))):
        head.append([key, item])
    sheet = book.create_sheet("lines")
    sheet.append(list(LINE_COLUMNS))
    for ln in lines:
        sheet.append([_cell(getattr(ln, c)) for c in LINE_COLUMNS])
    times = book.create_sheet("times")
    times.append(list(TIME_COLUMNS))
    for t in queries.location_times(session, plan_no):
        times.append([_cell(getattr(t, c)) for c in TIME_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _cell(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
