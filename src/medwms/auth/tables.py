"""Users, their roles, API tokens, sign-in throttling, and the hash-chained audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from medwms.core.db import Base, UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Sign-in throttling (auth.lockout): failures in a row, the last one, the lockout's end.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a sign-in succeeds with a password today's policy refuses, or by an admin's
    # reset: until the user changes it, they may do nothing else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Carried in every login token; logout and a password change move it on, so every
    # session and login token issued before is refused.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class UserWarehouse(Base):
    """A warehouse a user's roles apply to. A user with no rows here acts in every warehouse."""

    __tablename__ = "user_warehouse"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), primary_key=True)


class ApiToken(Base):
    """A long-lived token for an integration; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(20), default="read-only")  # scopes.ApiScope
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # set on every new one
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginThrottle(Base):
    """Failed sign-ins of a client address, or of a username that names no user.

    Known users keep their count on app_user (never pruned); these rows are pruned once
    stale and capped in number (`login_throttle_rows`), so a flood of made-up names or
    addresses cannot grow the table without bound.
    """

    __tablename__ = "login_throttle"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # "address" | "username"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditRecord(Base):
    """Who changed what, when, before/after and why; hash-chained (chain "audit").

    Inserted unsealed; the sealer gives it `seq`, `prev_hash` and `hash` shortly after.
    """

    __tablename__ = "audit_record"
    # The audit log page pages by id, newest first (auth.audit_queries): a filter by user or
    # action walks one index range in id order; a time range is one range of `at`.
    __table_args__ = (Index("ix_audit_record_unsealed", "id", sqlite_where=text("seq IS NULL"),
                            postgresql_where=text("seq IS NULL")),
                      Index("ix_audit_record_actor_name_id", "actor_name", "id"),
                      Index("ix_audit_record_action_id", "action", "id"),
                      Index("ix_audit_record_at", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)  # None until sealed
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    actor_name: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(100), index=True)
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(300), default="")
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
