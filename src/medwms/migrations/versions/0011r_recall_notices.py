"""recall notices: each notice sent to a consignee, with its channel and recipient

One row per notice (a consignee may be told twice: a phone call, then the letter): the
channel (phone, e-mail, fax, letter, in person), the person reached and their contact, when
it was sent, a note, and who recorded it when. recall_consignee.notified_at stays the time
of the first notice.

Revision ID: 0011r
Revises: 0010m
Create Date: 2026-12-08 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import medwms.core.db

revision: str = '0011r'
down_revision: str | None = '0010m'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'recall_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recall_id', sa.Integer(), nullable=False),
        sa.Column('consignee_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('sent_at', medwms.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_at', medwms.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['consignee_id'], ['recall_consignee.id'],
                                name=op.f('fk_recall_notice_consignee_id_recall_consignee')),
        sa.ForeignKeyConstraint(['recall_id'], ['recall_case.id'],
                                name=op.f('fk_recall_notice_recall_id_recall_case')),
        sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'],
                                name=op.f('fk_recall_notice_recorded_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recall_notice')),
    )
    with op.batch_alter_table('recall_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recall_notice_recall_id'), ['recall_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_recall_notice_consignee_id'), ['consignee_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('recall_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recall_notice_consignee_id'))
        batch_op.drop_index(batch_op.f('ix_recall_notice_recall_id'))
    op.drop_table('recall_notice')
