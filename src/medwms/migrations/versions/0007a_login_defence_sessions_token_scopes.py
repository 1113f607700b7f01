"""login defence, sessions and token scopes: throttle counts, forced password change,
session generation, API token scope; every API token gets an expiry

app_user gains its sign-in failure count, last failure and lockout end, the
must_change_password flag and the session generation carried in login tokens;
login_throttle keeps the counts of client addresses and of usernames that name no user.
api_token gains its scope: tokens made before it were made "for an integration", so they
become integration tokens; the ones without an expiry expire 365 days from this upgrade
(the default api_token_max_days).

Revision ID: 0007a
Revises: 0007w
Create Date: 2026-12-08 09:00:00
"""
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import medwms.core.db
from medwms.core.db import driver_time

revision: str = '0007a'
down_revision: str | None = '0007w'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('last_failed_login_at', medwms.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked_until', medwms.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=20), nullable=False,
                                      server_default='integration'))
    op.create_table('login_throttle',
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', medwms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', medwms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_last_failure_at'),
                              ['last_failure_at'], unique=False)
    bind = op.get_bind()
    until = driver_time(bind.dialect.name, datetime.now(UTC) + timedelta(days=365))
    bind.execute(sa.text("UPDATE api_token SET expires_at = :until WHERE expires_at IS NULL"),
                 {"until": until})


def downgrade() -> None:
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_failure_at'))
    op.drop_table('login_throttle')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('scope')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('last_failed_login_at')
        batch_op.drop_column('failed_logins')
