"""The demo loaded once per test module into the session's database, as of now."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medwms.auth.rules import SYSTEM
from medwms.core.db import Database
from medwms.demo import DemoSummary, load_demo
from tests.support.databases import empty_all_tables
from tests.support.demo import NOW


@pytest.fixture(scope="module")
def demo(database: Database) -> Iterator[tuple[Database, DemoSummary]]:
    """The demo loaded at NOW, for the tests of one module; emptied afterwards."""
    summary = load_demo(database, actor=SYSTEM, now=NOW)
    yield database, summary
    empty_all_tables(database)
