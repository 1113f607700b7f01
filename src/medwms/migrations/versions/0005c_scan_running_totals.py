"""scan running totals: receipt lines carry their totals, pick progress counters, scan indexes

A receiving scan reads the receipt's running totals from its last line instead of summing
every line; a pick keeps the wave's and the order's units still to pick on their rows.
Existing receipt lines are numbered and given their totals here.

Revision ID: 0005c
Revises: 0005
Create Date: 2026-11-26 09:00:00
"""
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0005c'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANY_LOT = "*"


def upgrade() -> None:
    with op.batch_alter_table('receipt_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_no', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('receipt_quantity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tally_key', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('tally', sa.Integer(), nullable=True))
    _number_receipt_lines(op.get_bind())
    with op.batch_alter_table('receipt_line', schema=None) as batch_op:
        batch_op.alter_column('line_no', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('receipt_quantity', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('tally_key', existing_type=sa.String(length=24), nullable=False)
        batch_op.alter_column('tally', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_receipt_line_receipt_id_line_no'),
                                          ['receipt_id', 'line_no'])
        batch_op.create_index('ix_receipt_line_tally',
                              ['receipt_id', 'item_id', 'tally_key', 'line_no'], unique=False)
    with op.batch_alter_table('advance_notice_line', schema=None) as batch_op:
        batch_op.create_index('ix_advance_notice_line_item', ['notice_id', 'item_id', 'lot_no'],
                              unique=False)
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.create_index('ix_allocation_wave_location',
                              ['wave_id', 'location_id', 'status'], unique=False)
        # its prefix; left alone, SQLite's planner prefers it and reads the whole wave
        batch_op.drop_index('ix_allocation_wave_id')
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_qty', sa.Integer(), nullable=True))
    with op.batch_alter_table('outbound_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_qty', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbound_order', schema=None) as batch_op:
        batch_op.drop_column('open_qty')
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.drop_column('open_qty')
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.create_index('ix_allocation_wave_id', ['wave_id'], unique=False)
        batch_op.drop_index('ix_allocation_wave_location')
    with op.batch_alter_table('advance_notice_line', schema=None) as batch_op:
        batch_op.drop_index('ix_advance_notice_line_item')
    with op.batch_alter_table('receipt_line', schema=None) as batch_op:
        batch_op.drop_index('ix_receipt_line_tally')
        batch_op.drop_constraint(batch_op.f('uq_receipt_line_receipt_id_line_no'),
                                 type_='unique')
        batch_op.drop_column('tally')
        batch_op.drop_column('tally_key')
        batch_op.drop_column('receipt_quantity')
        batch_op.drop_column('line_no')


def _number_receipt_lines(conn: Any) -> None:
    """Give every existing line its number and running totals, as a scan would have."""
    meta = sa.MetaData()
    line = sa.Table('receipt_line', meta, autoload_with=conn)
    receipt = sa.Table('receipt', meta, autoload_with=conn)
    notice_line = sa.Table('advance_notice_line', meta, autoload_with=conn)
    lot = sa.Table('lot', meta, autoload_with=conn)
    named: dict[int, set[tuple[int, str | None]]] = defaultdict(set)
    for notice_id, item_id, lot_no in conn.execute(sa.select(
            notice_line.c.notice_id, notice_line.c.item_id, notice_line.c.lot_no)):
        named[notice_id].add((item_id, lot_no))
    rows = conn.execute(
        sa.select(line.c.id, line.c.receipt_id, line.c.item_id, line.c.quantity,
                  lot.c.lot_no, receipt.c.notice_id)
        .join(receipt, receipt.c.id == line.c.receipt_id)
        .outerjoin(lot, lot.c.id == line.c.lot_id)
        .order_by(line.c.receipt_id, line.c.id)).all()
    counts: dict[int, tuple[int, int]] = {}
    tallies: dict[tuple[int, int, str], int] = defaultdict(int)
    updates = []
    for line_id, receipt_id, item_id, quantity, lot_no, notice_id in rows:
        key = _tally_key(named.get(notice_id, set()) if notice_id else None, item_id, lot_no)
        number, total = counts.get(receipt_id, (0, 0))
        counts[receipt_id] = (number + 1, total + quantity)
        tallies[(receipt_id, item_id, key)] += quantity
        updates.append({"b_id": line_id, "b_no": number + 1, "b_total": total + quantity,
                        "b_key": key, "b_tally": tallies[(receipt_id, item_id, key)]})
    if updates:
        conn.execute(line.update().where(line.c.id == sa.bindparam("b_id")).values(
            line_no=sa.bindparam("b_no"), receipt_quantity=sa.bindparam("b_total"),
            tally_key=sa.bindparam("b_key"), tally=sa.bindparam("b_tally")), updates)


def _tally_key(named: set[tuple[int, str | None]] | None, item_id: int,
               lot_no: str | None) -> str:
    """receiving.rules.tally_of, frozen here as the migration's own copy."""
    if named is not None and lot_no is not None and (item_id, lot_no) in named:
        return "=" + lot_no
    if named is not None and (item_id, None) in named:
        return ANY_LOT
    return "=" + (lot_no or "")
