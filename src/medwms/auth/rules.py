"""Roles and permissions: which role may do what. Pure data and decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    RECEIVER = "receiver"
    INSPECTOR = "inspector"
    PICKER = "picker"
    VERIFIER = "verifier"
    AUDITOR = "auditor"
    INTEGRATOR = "integrator"
    SHIPPER = "shipper"
    QUALITY_MANAGER = "quality"  # 质量负责人: quality decisions, recalls and their signatures


class Perm(StrEnum):
    MASTERDATA_READ = "masterdata.read"
    MASTERDATA_WRITE = "masterdata.write"
    STOCK_READ = "stock.read"
    STOCK_MOVE = "stock.move"
    STOCK_ADJUST = "stock.adjust"
    STOCK_STATUS = "stock.status"
    RECEIVE = "receiving.receive"
    INSPECT = "quality.inspect"
    PICK = "picking.pick"
    VERIFY = "picking.verify"
    SHIP = "shipping.ship"
    PUTAWAY_OVERRIDE = "putaway.override"
    ORDERS_MANAGE = "orders.manage"
    RESOLVE_DISCREPANCY = "picking.resolve"
    COUNT = "counting.count"
    RECALL_MANAGE = "recall.manage"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    SYSTEM_ADMIN = "system.admin"
    ATTACHMENT_READ = "attachments.read"
    QUALITY_RECORD = "quality.record"  # hold on doubt, in-stock checks, complaints: write down
    QUALITY_APPROVE = "quality.approve"  # 首营, credentials, nonconforming decisions: QA decides
    COLDCHAIN_MANAGE = "coldchain.manage"  # equipment, calibration, alarm recipients
    SETTINGS_MANAGE = "settings.manage"


_READ = {Perm.MASTERDATA_READ, Perm.STOCK_READ, Perm.ATTACHMENT_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.MANAGER: frozenset(_READ | {Perm.MASTERDATA_WRITE, Perm.STOCK_MOVE, Perm.STOCK_ADJUST,
                                     Perm.STOCK_STATUS, Perm.RECEIVE, Perm.INSPECT, Perm.PICK,
                                     Perm.VERIFY, Perm.SHIP, Perm.AUDIT_READ, Perm.PUTAWAY_OVERRIDE,
                                     Perm.ORDERS_MANAGE, Perm.RESOLVE_DISCREPANCY, Perm.COUNT,
                                     Perm.RECALL_MANAGE, Perm.QUALITY_RECORD,
                                     Perm.COLDCHAIN_MANAGE}),
    Role.RECEIVER: frozenset(_READ | {Perm.RECEIVE, Perm.STOCK_MOVE, Perm.COUNT}),
    Role.INSPECTOR: frozenset(_READ | {Perm.INSPECT, Perm.STOCK_STATUS, Perm.QUALITY_RECORD}),
    Role.PICKER: frozenset(_READ | {Perm.PICK, Perm.STOCK_MOVE, Perm.COUNT}),
    Role.VERIFIER: frozenset(_READ | {Perm.VERIFY}),
    Role.SHIPPER: frozenset(_READ | {Perm.SHIP}),
    Role.AUDITOR: frozenset(_READ | {Perm.AUDIT_READ}),
    Role.INTEGRATOR: frozenset(_READ | {Perm.MASTERDATA_WRITE, Perm.RECEIVE, Perm.STOCK_MOVE,
                                        Perm.ORDERS_MANAGE}),
    Role.QUALITY_MANAGER: frozenset(_READ | {Perm.INSPECT, Perm.STOCK_STATUS, Perm.RECALL_MANAGE,
                                             Perm.AUDIT_READ, Perm.QUALITY_RECORD,
                                             Perm.QUALITY_APPROVE, Perm.COLDCHAIN_MANAGE}),
}


_ROLES = {role.value: role for role in Role}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user (or `system` for jobs), with their roles.

    `warehouses` is the scope the roles apply to: the ids of the warehouses the user may act
    in and see, or None for every warehouse (administrators, jobs, users given no scope).
    """

    user_id: int | None
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    warehouses: frozenset[int] | None = None

    @property
    def permissions(self) -> frozenset[Perm]:
        granted: set[Perm] = set()
        for role in self.roles:
            granted |= ROLE_PERMISSIONS.get(_ROLES.get(role, Role.AUDITOR), frozenset()) \
                if role in _ROLES else set()
        return frozenset(granted)

    def can(self, permission: Perm) -> bool:
        return permission in self.permissions

    def covers(self, warehouse_id: int | None) -> bool:
        """Whether warehouse `warehouse_id` is in this actor's scope (None: no warehouse)."""
        return self.warehouses is None or warehouse_id is None or warehouse_id in self.warehouses


SYSTEM = Actor(user_id=None, username="system", roles=frozenset({Role.ADMIN}))
