"""qualification: first-time approval files (首营) and their credentials

One file per supplier, customer, product or salesperson, with its state and quality's signed
decision; its licences, certificates and letters with number, validity and business scope.
The order names its salesperson (G30). Suppliers, customers and products that exist before
this migration were trading already: each gets a file approved "on file before
qualification", so nothing running stops; anything created afterwards starts without one.

Revision ID: 0014q
Revises: 0017c
Create Date: 2026-12-08 04:30:00
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from medwms.core.db import UTCDateTime

revision: str = '0014q'
down_revision: str | None = '0017c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTE = "on file before qualification (grandfathered by migration 0014q)"
CUSTOMER_OF_LICENCE = {"MEDICAL_PRACTICE": "MEDICAL", "TRADING": "DISTRIBUTOR",
                       "TRADING_FILING": "DISTRIBUTOR", "MANUFACTURING": "MANUFACTURER"}


def upgrade() -> None:
    files = op.create_table(
        'qual_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_no', sa.String(length=24), nullable=False),
        sa.Column('subject', sa.String(length=12), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('person_code', sa.String(length=40), nullable=True),
        sa.Column('person_name', sa.String(length=100), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('customer_type', sa.String(length=12), nullable=False),
        sa.Column('catalogue_code', sa.String(length=12), nullable=False),
        sa.Column('customers', sa.String(length=60), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('submitted_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decision_reason', sa.String(length=300), nullable=False),
        sa.Column('signature_audit_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id'],
                                name=op.f('fk_qual_file_partner_id_partner')),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_qual_file_item_id_item')),
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id'],
                                name=op.f('fk_qual_file_created_by_app_user')),
        sa.ForeignKeyConstraint(['decided_by'], ['app_user.id'],
                                name=op.f('fk_qual_file_decided_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_qual_file')),
        sa.UniqueConstraint('file_no', name=op.f('uq_qual_file_file_no')),
        sa.UniqueConstraint('partner_id', name=op.f('uq_qual_file_partner_id')),
        sa.UniqueConstraint('item_id', name=op.f('uq_qual_file_item_id')),
        sa.UniqueConstraint('person_code', name=op.f('uq_qual_file_person_code')),
    )
    op.create_index('ix_qual_file_state', 'qual_file', ['state', 'file_no'])
    op.create_table(
        'qual_credential',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('number', sa.String(length=100), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=True),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('scope', sa.String(length=300), nullable=False),
        sa.Column('person_name', sa.String(length=100), nullable=False),
        sa.Column('person_id_no', sa.String(length=40), nullable=False),
        sa.Column('region', sa.String(length=200), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('superseded_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['file_id'], ['qual_file.id'],
                                name=op.f('fk_qual_credential_file_id_qual_file')),
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id'],
                                name=op.f('fk_qual_credential_created_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_qual_credential')),
    )
    op.create_index(op.f('ix_qual_credential_file_id'), 'qual_credential', ['file_id'])
    op.create_index('ix_qual_credential_valid_until', 'qual_credential', ['valid_until'])
    op.add_column('outbound_order', sa.Column('salesperson', sa.String(length=40),
                                              server_default='', nullable=False))
    _grandfather(files)


def _grandfather(files: sa.Table) -> None:
    """Approved files for the suppliers, customers and products already trading."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    partner = sa.table('partner', sa.column('id'), sa.column('kind'), sa.column('licence_kind'))
    item = sa.table('item', sa.column('id'))
    base = dict(state='APPROVED', person_code=None, person_name='', catalogue_code='',
                customers='', note=NOTE, created_at=now, decided_at=now, decision_reason='')
    rows = [dict(base, file_no=f"QF-P{pid}", subject=kind, partner_id=pid, item_id=None,
                 customer_type=CUSTOMER_OF_LICENCE.get(lk or "", "") if kind == "CUSTOMER"
                 else "")
            for pid, kind, lk in bind.execute(sa.select(partner.c.id, partner.c.kind,
                                                        partner.c.licence_kind)
                                              .where(partner.c.kind.in_(("SUPPLIER",
                                                                         "CUSTOMER"))))]
    rows += [dict(base, file_no=f"QF-I{iid}", subject="ITEM", partner_id=None, item_id=iid,
                  customer_type="") for (iid,) in bind.execute(sa.select(item.c.id))]
    if rows:
        op.bulk_insert(files, rows)


def downgrade() -> None:
    op.drop_column('outbound_order', 'salesperson')
    op.drop_index('ix_qual_credential_valid_until', table_name='qual_credential')
    op.drop_index(op.f('ix_qual_credential_file_id'), table_name='qual_credential')
    op.drop_table('qual_credential')
    op.drop_index('ix_qual_file_state', table_name='qual_file')
    op.drop_table('qual_file')
