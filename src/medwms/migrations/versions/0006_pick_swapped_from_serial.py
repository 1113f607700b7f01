"""pick swapped from serial: the allocated serial a picked unit of the same lot replaced

Revision ID: 0006
Revises: 0005c
Create Date: 2026-12-06 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pick', schema=None) as batch_op:
        batch_op.add_column(sa.Column('swapped_from_serial_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_pick_swapped_from_serial_id_serial_unit'),
                                    'serial_unit', ['swapped_from_serial_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('pick', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pick_swapped_from_serial_id_serial_unit'),
                                 type_='foreignkey')
        batch_op.drop_column('swapped_from_serial_id')
