"""receiving handover and the outbound review checklist

`receipt_handover`: one row per receipt — the deliverer's name, how they signed (drawn on the
handheld or on paper) and the kept signature file, the receiver and their e-signature. The
outbound review's lines gain the four checklist answers, a note and the scanned UDI;
`review_block` is the quality task a "no" raises, which stops the order's shipment.

Revision ID: 0016h
Revises: 0014q
Create Date: 2026-12-08 04:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from medwms.core.db import UTCDateTime

revision: str = '0016h'
down_revision: str | None = '0014q'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECKS = ('packaging_ok', 'label_ok', 'not_expired', 'no_anomaly')


def upgrade() -> None:
    op.create_table(
        'receipt_handover',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('receipt_id', sa.Integer(), nullable=False),
        sa.Column('deliverer_name', sa.String(length=80), nullable=False),
        sa.Column('deliverer_method', sa.String(length=10), nullable=False),
        sa.Column('deliverer_attachment_id', sa.Integer(), nullable=False),
        sa.Column('receiver_id', sa.Integer(), nullable=False),
        sa.Column('receiver_signature_id', sa.BigInteger(), nullable=False),
        sa.Column('signed_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['receipt_id'], ['receipt.id'],
                                name=op.f('fk_receipt_handover_receipt_id_receipt')),
        sa.ForeignKeyConstraint(['deliverer_attachment_id'], ['attachment.id'],
                                name=op.f('fk_receipt_handover_deliverer_attachment_id_attachment')),
        sa.ForeignKeyConstraint(['receiver_id'], ['app_user.id'],
                                name=op.f('fk_receipt_handover_receiver_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_handover')),
        sa.UniqueConstraint('receipt_id', name=op.f('uq_receipt_handover_receipt_id')),
    )
    with op.batch_alter_table('verification_line') as batch:
        for name in CHECKS:
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('check_note', sa.String(length=300), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('udi', sa.String(length=120), nullable=False,
                                   server_default=''))
    op.create_table(
        'review_block',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('verification_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('line_id', sa.Integer(), nullable=False),
        sa.Column('failed', sa.String(length=80), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('raised_by', sa.Integer(), nullable=True),
        sa.Column('raised_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('cleared_by', sa.Integer(), nullable=True),
        sa.Column('cleared_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('decision', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['verification_id'], ['verification.id'],
                                name=op.f('fk_review_block_verification_id_verification')),
        sa.ForeignKeyConstraint(['order_id'], ['outbound_order.id'],
                                name=op.f('fk_review_block_order_id_outbound_order')),
        sa.ForeignKeyConstraint(['line_id'], ['verification_line.id'],
                                name=op.f('fk_review_block_line_id_verification_line')),
        sa.ForeignKeyConstraint(['raised_by'], ['app_user.id'],
                                name=op.f('fk_review_block_raised_by_app_user')),
        sa.ForeignKeyConstraint(['cleared_by'], ['app_user.id'],
                                name=op.f('fk_review_block_cleared_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_block')),
    )
    op.create_index(op.f('ix_review_block_verification_id'), 'review_block', ['verification_id'])
    op.create_index(op.f('ix_review_block_order_id'), 'review_block', ['order_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_review_block_order_id'), table_name='review_block')
    op.drop_index(op.f('ix_review_block_verification_id'), table_name='review_block')
    op.drop_table('review_block')
    with op.batch_alter_table('verification_line') as batch:
        for name in ('udi', 'check_note', *reversed(CHECKS)):
            batch.drop_column(name)
    op.drop_table('receipt_handover')
