"""complaints: customer complaints and suspected adverse-event reports, with their lots/serials

One row per report (kind, severity, status, customer, item, description, received when and
by whom, cause, actions, reply, and who told the registrant, the supplier and the regulator,
when and how), and one row per lot or serial a report names.

Revision ID: 0019k
Revises: 0018s
Create Date: 2026-12-08 04:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from medwms.core.db import UTCDateTime

revision: str = '0019k'
down_revision: str | None = '0018s'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USERS = ('received_by', 'replied_by', 'registrant_told_by', 'supplier_told_by',
         'regulator_reported_by', 'closed_by')


def _when(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, UTCDateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        'complaint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_no', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('severity', sa.String(length=12), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('received_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('received_by', sa.Integer(), nullable=True),
        sa.Column('cause', sa.Text(), nullable=False),
        sa.Column('actions', sa.Text(), nullable=False),
        sa.Column('reply', sa.Text(), nullable=False),
        _when('replied_at'),
        sa.Column('replied_by', sa.Integer(), nullable=True),
        _when('registrant_told_at'),
        sa.Column('registrant_told_by', sa.Integer(), nullable=True),
        sa.Column('registrant_channel', sa.String(length=12), nullable=True),
        _when('supplier_told_at'),
        sa.Column('supplier_told_by', sa.Integer(), nullable=True),
        sa.Column('supplier_channel', sa.String(length=12), nullable=True),
        _when('regulator_reported_at'),
        sa.Column('regulator_reported_by', sa.Integer(), nullable=True),
        sa.Column('regulator_channel', sa.String(length=12), nullable=True),
        sa.Column('regulator_reference', sa.String(length=200), nullable=False),
        _when('closed_at'),
        sa.Column('closed_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_complaint_item_id_item')),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id'],
                                name=op.f('fk_complaint_partner_id_partner')),
        *(sa.ForeignKeyConstraint([name], ['app_user.id'],
                                  name=op.f(f'fk_complaint_{name}_app_user')) for name in USERS),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
        sa.UniqueConstraint('complaint_no', name=op.f('uq_complaint_complaint_no')),
    )
    for column in ('kind', 'status', 'partner_id', 'item_id'):
        op.create_index(op.f(f'ix_complaint_{column}'), 'complaint', [column])
    op.create_table(
        'complaint_unit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('lot_id', sa.Integer(), nullable=True),
        sa.Column('serial_id', sa.Integer(), nullable=True),
        sa.Column('raw_scan', sa.String(length=300), nullable=False),
        sa.Column('added_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('added_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'],
                                name=op.f('fk_complaint_unit_complaint_id_complaint')),
        sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_complaint_unit_lot_id_lot')),
        sa.ForeignKeyConstraint(['serial_id'], ['serial_unit.id'],
                                name=op.f('fk_complaint_unit_serial_id_serial_unit')),
        sa.ForeignKeyConstraint(['added_by'], ['app_user.id'],
                                name=op.f('fk_complaint_unit_added_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_unit')),
    )
    for column in ('complaint_id', 'lot_id', 'serial_id'):
        op.create_index(op.f(f'ix_complaint_unit_{column}'), 'complaint_unit', [column])


def downgrade() -> None:
    for column in ('complaint_id', 'lot_id', 'serial_id'):
        op.drop_index(op.f(f'ix_complaint_unit_{column}'), table_name='complaint_unit')
    op.drop_table('complaint_unit')
    for column in ('kind', 'status', 'partner_id', 'item_id'):
        op.drop_index(op.f(f'ix_complaint_{column}'), table_name='complaint')
    op.drop_table('complaint')
