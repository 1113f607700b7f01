"""user warehouse scope: a user's roles may be limited to chosen warehouses

A user with no user_warehouse rows acts in every warehouse, as every user did before.

Revision ID: 0007w
Revises: 0006i
Create Date: 2026-12-07 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007w'
down_revision: str | None = '0006i'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'user_warehouse',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('warehouse_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                name=op.f('fk_user_warehouse_user_id_app_user')),
        sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'],
                                name=op.f('fk_user_warehouse_warehouse_id_warehouse')),
        sa.PrimaryKeyConstraint('user_id', 'warehouse_id', name=op.f('pk_user_warehouse')),
    )


def downgrade() -> None:
    op.drop_table('user_warehouse')
