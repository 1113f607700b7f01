"""The audit log: every change to master data, users and settings, hash-chained.

A command appends its records unsealed, in its own unit of work, and waits on nothing; the
sealer (`ledger.sealer`) links them into the "audit" chain a moment later.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from medwms.auth.rules import Actor
from medwms.auth.tables import AuditRecord
from medwms.core.clock import utc_now
from medwms.core.hashchain import canonical

AUDIT_CHAIN = "audit"


def audit_fields(record: AuditRecord) -> dict[str, Any]:
    """The fields of an audit record covered by its hash."""
    return {
        "seq": record.seq, "at": record.at, "actor_id": record.actor_id,
        "actor_name": record.actor_name, "action": record.action, "entity": record.entity,
        "entity_key": record.entity_key, "before": record.before, "after": record.after,
        "reason": record.reason,
    }


def snapshot(values: Mapping[str, Any] | None) -> str:
    """A record's values as stable JSON text for the before/after columns."""
    return "" if values is None else canonical(values)


@dataclass(frozen=True)
class Change:
    """One audited change: what was done to which record, its values before and after."""

    action: str
    entity: str
    entity_key: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


def record_audit(session: Session, *, actor: Actor, action: str, entity: str,
                 entity_key: str, before: Mapping[str, Any] | None = None,
                 after: Mapping[str, Any] | None = None, reason: str = "") -> AuditRecord:
    """Append one audit record in the caller's unit of work."""
    change = Change(action, entity, entity_key, before, after)
    return record_audits(session, actor=actor, changes=[change], reason=reason)[0]


def record_audits(session: Session, *, actor: Actor, changes: Sequence[Change],
                  reason: str = "") -> list[AuditRecord]:
    """Append one unsealed audit record per change, in the caller's unit of work."""
    if not changes:
        return []
    at = utc_now()
    records = [AuditRecord(
        at=at, actor_id=actor.user_id, actor_name=actor.username, action=change.action,
        entity=change.entity, entity_key=change.entity_key, before=snapshot(change.before),
        after=snapshot(change.after), reason=reason) for change in changes]
    session.add_all(records)
    return records


def parse_snapshot(text: str) -> dict[str, Any]:
    """The before/after JSON text back as a dict ({} when empty)."""
    return dict(json.loads(text)) if text else {}
