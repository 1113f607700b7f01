"""The scenarios of `medwms bench run`, in the order they run."""

from __future__ import annotations

from collections.abc import Callable

from medwms.bench.scenarios import (
    coldchain_ingest,
    count_approve,
    fefo_allocate,
    ledger_post,
    masterdata_pages,
    parse,
    recall_trace,
    scan_document_size,
    scan_latency,
    scan_open_loop,
    stock_query,
    trace,
)
from medwms.bench.scenarios.base import Context, Result

SCENARIOS: dict[str, Callable[[Context], Result]] = {
    "parse": parse.run,
    "stock_query": stock_query.run,
    "trace": trace.run,
    "recall_trace": recall_trace.run,
    "ledger_post": ledger_post.run,
    "fefo_allocate": fefo_allocate.run,
    "count_approve": count_approve.run,
    "coldchain_ingest": coldchain_ingest.run,
    "scan_latency": scan_latency.run,
    "scan_open_loop": scan_open_loop.run,
    "scan_document_size": scan_document_size.run,
    "masterdata_pages": masterdata_pages.run,
}
