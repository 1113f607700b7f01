"""runtime settings and archive marks

runtime_setting: the values an administrator changed while the server runs.
One row per setting given a runtime value (over the environment's): the value (NULL once given
back to the environment; rows are never deleted), who changed it, when and why. Every change is
also in the audit log with the old and the new value.

archive_mark: a closed document (receipt, recall case) taken out of the working lists, with
when it closed, until when it must be kept (NULL: for ever), who archived it and when. The
document itself is untouched; marks are never deleted.

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
    op.create_table(
        'archive_mark',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entity', sa.String(length=40), nullable=False),
        sa.Column('entity_key', sa.String(length=100), nullable=False),
        sa.Column('closed_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('keep_until', sa.Date(), nullable=True),
        sa.Column('archived_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('archived_by', sa.Integer(), nullable=True),
        sa.Column('archived_by_name', sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(['archived_by'], ['app_user.id'],
                                name=op.f('fk_archive_mark_archived_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_mark')),
        sa.UniqueConstraint('entity', 'entity_key',
                            name=op.f('uq_archive_mark_entity_entity_key')),
    )


def downgrade() -> None:
    op.drop_table('archive_mark')
    op.drop_table('runtime_setting')
