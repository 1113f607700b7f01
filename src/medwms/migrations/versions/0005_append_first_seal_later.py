"""append first, seal later: unsealed movement and audit rows, signed checkpoints

Movement and audit rows are inserted unsealed (seq, prev_hash and hash empty) and sealed by
the sealer; signed checkpoints anchor the chains; e-signatures point at their audit
record's id (an unsealed record has no seq yet).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 20:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import medwms.core.db

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNED = (("inspection", sa.Integer()), ("count_plan", sa.BigInteger()),
          ("recall_case", sa.BigInteger()), ("breach_lot", sa.BigInteger()))


def upgrade() -> None:
    op.create_table('chain_checkpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('signed_at', medwms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_checkpoint')),
    sa.UniqueConstraint('chain', 'seq', name=op.f('uq_chain_checkpoint_chain_seq'))
    )
    for table, seq_type in (("movement", sa.BigInteger()), ("audit_record", sa.BigInteger())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('seq', existing_type=seq_type, nullable=True)
            batch_op.alter_column('prev_hash', existing_type=sa.String(length=64),
                                  nullable=True)
            batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=True)
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_at', medwms.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
    op.create_index('ix_movement_unsealed', 'movement', ['id'], unique=False,
                    sqlite_where=sa.text('seq IS NULL'), postgresql_where=sa.text('seq IS NULL'))
    op.create_index('ix_audit_record_unsealed', 'audit_record', ['id'], unique=False,
                    sqlite_where=sa.text('seq IS NULL'), postgresql_where=sa.text('seq IS NULL'))
    for table, kind in SIGNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('signature_audit_seq', new_column_name='signature_audit_id',
                                  existing_type=kind, existing_nullable=True)


def downgrade() -> None:
    for table, kind in SIGNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('signature_audit_id', new_column_name='signature_audit_seq',
                                  existing_type=kind, existing_nullable=True)
    op.drop_index('ix_audit_record_unsealed', table_name='audit_record')
    op.drop_index('ix_movement_unsealed', table_name='movement')
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.drop_column('recorded_at')
    for table in ("movement", "audit_record"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
            batch_op.alter_column('prev_hash', existing_type=sa.String(length=64),
                                  nullable=False)
            batch_op.alter_column('seq', existing_type=sa.BigInteger(), nullable=False)
    op.drop_table('chain_checkpoint')
