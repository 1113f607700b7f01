"""Shared fixtures: `db` is an empty migrated database, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medwms.auth.rules import SYSTEM, Actor
from medwms.core.db import Database
from medwms.ledger.checkpoints import Anchor
from tests.support.databases import backends, database_fixture, empty_all_tables
from tests.support.sealing import anchor_in


@pytest.fixture(scope="session", params=backends())
def database(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One migrated database per backend and test session."""
    yield from database_fixture(request, tmp_path_factory)


@pytest.fixture
def db(database: Database) -> Iterator[Database]:
    """The session's database, emptied after each test."""
    yield database
    empty_all_tables(database)


@pytest.fixture
def admin() -> Actor:
    return SYSTEM


@pytest.fixture
def anchor(tmp_path) -> Anchor:
    """A seal key and a checkpoint file of this test's own."""
    return anchor_in(tmp_path)
