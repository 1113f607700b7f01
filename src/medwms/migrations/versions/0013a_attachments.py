"""attachments: scanned papers and photos kept with a record

One row per kept file: the record it belongs to (entity, key), its purpose, the name the
person gave it, the media type sniffed from its content, its size and SHA-256 (the file sits
outside the database, named by that hash), who uploaded it and when.

Revision ID: 0013a
Revises: 0012p
Create Date: 2026-12-08 04:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from medwms.core.db import UTCDateTime

revision: str = '0013a'
down_revision: str | None = '0012p'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entity', sa.String(length=40), nullable=False),
        sa.Column('entity_key', sa.String(length=100), nullable=False),
        sa.Column('purpose', sa.String(length=40), nullable=False),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('media_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['uploaded_by'], ['app_user.id'],
                                name=op.f('fk_attachment_uploaded_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    )
    op.create_index('ix_attachment_entity', 'attachment', ['entity', 'entity_key'])
    op.create_index(op.f('ix_attachment_sha256'), 'attachment', ['sha256'])


def downgrade() -> None:
    op.drop_index(op.f('ix_attachment_sha256'), table_name='attachment')
    op.drop_index('ix_attachment_entity', table_name='attachment')
    op.drop_table('attachment')
