"""partner licence kind and scope; packaging levels taken out of use instead of deleted

A partner's licence gets its kind (经营许可证, 经营备案凭证, 生产许可证, 医疗机构执业许可证;
NULL = not said) and its scope (经营范围, free text, "" = none). A packaging level gets an
`active` flag: out of use, its GTIN stays (stock and history name it) but receiving refuses
new stock under it. Existing packaging levels start in use. Carriers (partner kind CARRIER)
need no schema change.

Revision ID: 0012p
Revises: 0011r
Create Date: 2026-12-08 02:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012p'
down_revision: str | None = '0011r'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('licence_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('licence_scope', sa.String(length=500), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('packaging', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('packaging', schema=None) as batch_op:
        batch_op.drop_column('active')
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_column('licence_scope')
        batch_op.drop_column('licence_kind')
