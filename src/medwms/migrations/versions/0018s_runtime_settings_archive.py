"""runtime settings: the values an administrator changed while the server runs

One row per setting given a runtime value (over the environment's): the value (NULL once given
back to the environment; rows are never deleted), who changed it, when and why. Every change is
also in the audit log with the old and the new value.

Revision ID: 0018s
Revises: 0013a
Create Date: 2026-12-08 04:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from medwms.core.db import UTCDateTime

revision: str = '0018s'
down_revision: str | None = '0013a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'runtime_setting',
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Text(), nullable=True),
        sa.Column('changed_by', sa.Integer(), nullable=True),
        sa.Column('changed_by_name', sa.String(length=60), nullable=False),
        sa.Column('changed_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['changed_by'], ['app_user.id'],
                                name=op.f('fk_runtime_setting_changed_by_app_user')),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_runtime_setting')),
    )


def downgrade() -> None:
    op.drop_table('runtime_setting')
