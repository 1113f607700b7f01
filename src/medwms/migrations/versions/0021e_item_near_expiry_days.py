"""item near-expiry threshold of its own

`item.near_expiry_days`: how many days ahead of expiry this product is listed as near expiry
(近效期预警). NULL means the product follows the site-wide setting; existing items keep NULL,
so nothing listed today changes.

Revision ID: 0021e
Revises: 0016h
Create Date: 2026-12-08 05:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021e'
down_revision: str | None = '0016h'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('item') as batch:
        batch.add_column(sa.Column('near_expiry_days', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('item') as batch:
        batch.drop_column('near_expiry_days')
