"""cold-chain equipment register and alarms (K03–K05)

The equipment register (sensors, cold rooms, fridges, cold boxes, vehicles) with its
calibration and validation records; alarm recipients per area (FIRST and ESCALATION lists,
never deleted: removal is stamped), each person's alarm notices and the acknowledgements.

Revision ID: 0017c
Revises: 0015n
Create Date: 2026-12-08 04:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from medwms.core.db import UTCDateTime

revision: str = '0017c'
down_revision: str | None = '0015n'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('alarm_recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_by', sa.Integer(), nullable=True),
    sa.Column('removed_at', UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['added_by'], ['app_user.id'], name=op.f('fk_alarm_recipient_added_by_app_user')),
    sa.ForeignKeyConstraint(['removed_by'], ['app_user.id'], name=op.f('fk_alarm_recipient_removed_by_app_user')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_alarm_recipient_user_id_app_user')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_alarm_recipient_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alarm_recipient'))
    )
    op.create_index(op.f('ix_alarm_recipient_zone_id'), 'alarm_recipient', ['zone_id'], unique=False)
    op.create_table('equipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_equipment_created_by_app_user')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_equipment_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment')),
    sa.UniqueConstraint('code', name=op.f('uq_equipment_code'))
    )
    op.create_index(op.f('ix_equipment_zone_id'), 'equipment', ['zone_id'], unique=False)
    op.create_table('equipment_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_no', sa.String(length=40), nullable=False),
    sa.Column('equipment_id', sa.Integer(), nullable=False),
    sa.Column('check_kind', sa.String(length=12), nullable=False),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('certificate_no', sa.String(length=60), nullable=False),
    sa.Column('body', sa.String(length=120), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'], name=op.f('fk_equipment_check_equipment_id_equipment')),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_equipment_check_recorded_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_check')),
    sa.UniqueConstraint('check_no', name=op.f('uq_equipment_check_check_no'))
    )
    op.create_index(op.f('ix_equipment_check_equipment_id'), 'equipment_check', ['equipment_id'], unique=False)
    op.create_table('alarm_ack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], name=op.f('fk_alarm_ack_breach_id_breach')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_alarm_ack_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alarm_ack'))
    )
    op.create_index(op.f('ix_alarm_ack_breach_id'), 'alarm_ack', ['breach_id'], unique=False)
    op.create_table('alarm_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('message_en', sa.String(length=500), nullable=False),
    sa.Column('message_zh', sa.String(length=500), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], name=op.f('fk_alarm_notice_breach_id_breach')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_alarm_notice_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alarm_notice')),
    sa.UniqueConstraint('breach_id', 'user_id', 'level', name=op.f('uq_alarm_notice_breach_id_user_id_level'))
    )
    op.create_index(op.f('ix_alarm_notice_breach_id'), 'alarm_notice', ['breach_id'], unique=False)
    op.create_index(op.f('ix_alarm_notice_user_id'), 'alarm_notice', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_alarm_notice_user_id'), table_name='alarm_notice')
    op.drop_index(op.f('ix_alarm_notice_breach_id'), table_name='alarm_notice')
    op.drop_table('alarm_notice')
    op.drop_index(op.f('ix_alarm_ack_breach_id'), table_name='alarm_ack')
    op.drop_table('alarm_ack')
    op.drop_index(op.f('ix_equipment_check_equipment_id'), table_name='equipment_check')
    op.drop_table('equipment_check')
    op.drop_index(op.f('ix_equipment_zone_id'), table_name='equipment')
    op.drop_table('equipment')
    op.drop_index(op.f('ix_alarm_recipient_zone_id'), table_name='alarm_recipient')
    op.drop_table('alarm_recipient')
