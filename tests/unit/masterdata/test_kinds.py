"""Every column of every master-data table is imported and exported (or named here why not)."""

from __future__ import annotations

import pytest

from medwms.masterdata.kinds import KINDS
from medwms.masterdata.store import MODELS

NOT_IN_FILES = {"id", "updated_at"}
AS_CODES = {"item_id": "item_code", "warehouse_id": "warehouse_code", "zone_id": "zone_code",
            "parent_id": "parent_code"}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_file_columns_cover_the_table_columns(kind):
    table = MODELS[kind].__table__
    expected = {AS_CODES.get(c.name, c.name) for c in table.columns} - NOT_IN_FILES
    assert set(KINDS[kind].column_names) == expected
