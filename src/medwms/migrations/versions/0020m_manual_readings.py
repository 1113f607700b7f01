"""manual temperature readings of areas without automatic monitoring (G17)

Which zones are read by hand (switched on and off, never deleted) and the append-only hand
readings: the local day and slot (MORNING, AFTERNOON, LATE), the server time, the values, the
person who took them, and whether the reading left the zone's range.

Revision ID: 0020m
Revises: 0021e
Create Date: 2026-12-08 05:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from medwms.core.db import UTCDateTime

revision: str = '0020m'
down_revision: str | None = '0021e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('manual_zone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('since', UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['app_user.id'], name=op.f('fk_manual_zone_changed_by_app_user')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_manual_zone_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manual_zone')),
    sa.UniqueConstraint('zone_id', name=op.f('uq_manual_zone_zone_id'))
    )
    op.create_table('manual_reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot', sa.String(length=10), nullable=False),
    sa.Column('at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('celsius', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('humidity', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('out_of_range', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_manual_reading_recorded_by_app_user')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_manual_reading_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manual_reading'))
    )
    op.create_index(op.f('ix_manual_reading_zone_id'), 'manual_reading', ['zone_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_manual_reading_zone_id'), table_name='manual_reading')
    op.drop_table('manual_reading')
    op.drop_table('manual_zone')
