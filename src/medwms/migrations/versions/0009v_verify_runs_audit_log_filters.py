"""verify runs, and the audit log's filter indexes

`verify_run` keeps every run of `verify` (the CLI's and the verification page's): who ran
it, when, what it counted and the problems it found. The audit log page filters by user,
action and time and pages by id: (actor_name, id) and (action, id) give a filter one index
range in page order, (at) a time range.

Revision ID: 0009v
Revises: 0008t
Create Date: 2026-12-08 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import medwms.core.db

revision: str = '0009v'
down_revision: str | None = '0008t'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'verify_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', medwms.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', medwms.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=60), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('balances', sa.BigInteger(), nullable=False),
        sa.Column('movements', sa.BigInteger(), nullable=False),
        sa.Column('audit_records', sa.BigInteger(), nullable=False),
        sa.Column('checkpoints', sa.BigInteger(), nullable=False),
        sa.Column('unsealed_movements', sa.BigInteger(), nullable=False),
        sa.Column('unsealed_audit_records', sa.BigInteger(), nullable=False),
        sa.Column('oldest_unsealed_ms', sa.BigInteger(), nullable=False),
        sa.Column('problems', sa.Text(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'],
                                name=op.f('fk_verify_run_actor_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_verify_run')),
    )
    op.create_index('ix_audit_record_actor_name_id', 'audit_record', ['actor_name', 'id'],
                    unique=False)
    op.create_index('ix_audit_record_action_id', 'audit_record', ['action', 'id'],
                    unique=False)
    op.create_index('ix_audit_record_at', 'audit_record', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_record_at', table_name='audit_record')
    op.drop_index('ix_audit_record_action_id', table_name='audit_record')
    op.drop_index('ix_audit_record_actor_name_id', table_name='audit_record')
    op.drop_table('verify_run')
