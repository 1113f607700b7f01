"""movement lot history index: a lot's movements in time order from one index range

ix_movement_lot (lot_id) becomes ix_movement_lot_time (lot_id, created_at, id): the trace
reads a lot's movements oldest first, and with the order in the index the database walks
one index range and sorts nothing. The old index is a prefix of the new one, so nothing
that used it loses it, and a movement insert still maintains one lot index.

Revision ID: 0008t
Revises: 0007a
Create Date: 2026-12-07 12:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0008t'
down_revision: str | None = '0007a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_movement_lot_time', 'movement', ['lot_id', 'created_at', 'id'],
                    unique=False)
    op.drop_index('ix_movement_lot', table_name='movement')


def downgrade() -> None:
    op.create_index('ix_movement_lot', 'movement', ['lot_id'], unique=False)
    op.drop_index('ix_movement_lot_time', table_name='movement')
