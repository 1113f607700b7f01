"""expiry control and nonconforming goods: holds on doubt with their QA decision,
destruction records with two signatures, in-stock check plans and check records (养护)

Revision ID: 0015n
Revises: 0019k
Create Date: 2026-12-08 03:58:47.289952
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from medwms.core.db import UTCDateTime

revision: str = '0015n'
down_revision: str | None = '0019k'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stock_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_no', sa.String(length=40), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('storage_ok', sa.Boolean(), nullable=False),
    sa.Column('conditions_ok', sa.Boolean(), nullable=False),
    sa.Column('monitoring_ok', sa.Boolean(), nullable=False),
    sa.Column('stock_ok', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('checked_by', sa.Integer(), nullable=True),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('checked_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checked_by'], ['app_user.id'], name=op.f('fk_stock_check_checked_by_app_user')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_stock_check_warehouse_id_warehouse')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_stock_check_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_check')),
    sa.UniqueConstraint('check_no', name=op.f('uq_stock_check_check_no'))
    )
    with op.batch_alter_table('stock_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_check_zone_id'), ['zone_id'], unique=False)

    op.create_table('zone_check_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('every_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_zone_check_plan_warehouse_id_warehouse')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_zone_check_plan_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zone_check_plan')),
    sa.UniqueConstraint('zone_id', name=op.f('uq_zone_check_plan_zone_id'))
    )
    op.create_table('destruction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('destruction_no', sa.String(length=40), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('serial_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('hold_no', sa.String(length=40), nullable=False),
    sa.Column('destroyed_on', sa.Date(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('operator_audit_id', sa.Integer(), nullable=False),
    sa.Column('witness_id', sa.Integer(), nullable=False),
    sa.Column('witness_audit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_destruction_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_destruction_location_id_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_destruction_lot_id_lot')),
    sa.ForeignKeyConstraint(['operator_id'], ['app_user.id'], name=op.f('fk_destruction_operator_id_app_user')),
    sa.ForeignKeyConstraint(['serial_id'], ['serial_unit.id'], name=op.f('fk_destruction_serial_id_serial_unit')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_destruction_warehouse_id_warehouse')),
    sa.ForeignKeyConstraint(['witness_id'], ['app_user.id'], name=op.f('fk_destruction_witness_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction')),
    sa.UniqueConstraint('destruction_no', name=op.f('uq_destruction_destruction_no'))
    )
    with op.batch_alter_table('destruction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_lot_id'), ['lot_id'], unique=False)

    op.create_table('quality_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hold_no', sa.String(length=40), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('serial_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('check_no', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=True),
    sa.Column('opened_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decision_note', sa.String(length=300), nullable=False),
    sa.Column('red_location_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('signature_audit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['app_user.id'], name=op.f('fk_quality_hold_decided_by_app_user')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_quality_hold_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_quality_hold_location_id_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_quality_hold_lot_id_lot')),
    sa.ForeignKeyConstraint(['opened_by'], ['app_user.id'], name=op.f('fk_quality_hold_opened_by_app_user')),
    sa.ForeignKeyConstraint(['red_location_id'], ['location.id'], name=op.f('fk_quality_hold_red_location_id_location')),
    sa.ForeignKeyConstraint(['serial_id'], ['serial_unit.id'], name=op.f('fk_quality_hold_serial_id_serial_unit')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_quality_hold_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_hold')),
    sa.UniqueConstraint('hold_no', name=op.f('uq_quality_hold_hold_no'))
    )
    with op.batch_alter_table('quality_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_hold_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_hold_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quality_hold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_hold_status'))
        batch_op.drop_index(batch_op.f('ix_quality_hold_lot_id'))

    op.drop_table('quality_hold')
    with op.batch_alter_table('destruction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_lot_id'))

    op.drop_table('destruction')
    op.drop_table('zone_check_plan')
    with op.batch_alter_table('stock_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_check_zone_id'))

    op.drop_table('stock_check')
