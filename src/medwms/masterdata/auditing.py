"""Many audit records at once: see `medwms.auth.audit.record_audits`."""

from __future__ import annotations

from medwms.auth.audit import Change, record_audits

record_changes = record_audits

__all__ = ["Change", "record_changes"]
