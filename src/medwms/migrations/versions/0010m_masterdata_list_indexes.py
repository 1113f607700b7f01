"""master-data list indexes: the list pages' keyset pages from one index range

The master-data pages list records in code order, a page at a time after the last code
shown, filtered by in use or not, by warehouse and zone, by partner type, and searched by a
code or name prefix. With the filter column first and the code second, each filtered page is
one index range read in order (no sort, however deep the page, at 50,000 items and 100,000
locations); the name indexes serve a name prefix (the
search is one OR of prefixes, each an index range, so every one of its terms needs one).

Revision ID: 0010m
Revises: 0009v
Create Date: 2026-12-08 01:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0010m'
down_revision: str | None = '0009v'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ('ix_item_active_code', 'item', ['active', 'code']),
    ('ix_item_code_prefix', 'item', ['code']),
    ('ix_item_name_zh', 'item', ['name_zh']),
    ('ix_item_name_en', 'item', ['name_en']),
    ('ix_partner_active_code', 'partner', ['active', 'code']),
    ('ix_partner_kind_code', 'partner', ['kind', 'code']),
    ('ix_partner_code_prefix', 'partner', ['code']),
    ('ix_partner_name', 'partner', ['name']),
    ('ix_partner_name_en', 'partner', ['name_en']),
    ('ix_location_warehouse_code', 'location', ['warehouse_id', 'code']),
    ('ix_location_zone_code', 'location', ['zone_id', 'code']),
    ('ix_location_blocked_code', 'location', ['blocked', 'code']),
    ('ix_location_code_prefix', 'location', ['code']),
)
# The search's prefix indexes: PostgreSQL's LIKE 'text%' uses a plain index only under the C
# collation; with the pattern operator class it does under any (SQLite: a plain index).
PATTERN_OPS = {'ix_item_code_prefix', 'ix_item_name_zh', 'ix_item_name_en',
               'ix_partner_code_prefix', 'ix_partner_name', 'ix_partner_name_en',
               'ix_location_code_prefix'}


def upgrade() -> None:
    for name, table, columns in INDEXES:
        ops = {columns[0]: 'varchar_pattern_ops'} if name in PATTERN_OPS else {}
        op.create_index(name, table, columns, unique=False, postgresql_ops=ops)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
