"""Electronic signatures (the idea of 21 CFR Part 11 §11.50, §11.70, §11.200).

A signature is a re-authentication — the signer types their password again — bound to one
record and one meaning ("approved", "released"). It is written to the audit log in the
caller's unit of work, so the signature and the signed change commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.errors import BadSignatureMeaning, WrongPassword
from medwms.auth.passwords import password_matches
from medwms.auth.rules import Actor
from medwms.auth.tables import User
from medwms.core.clock import DEFAULT_TIMEZONE, local_text
from medwms.core.errors import NotAuthenticated, Problem


@dataclass(frozen=True)
class Signature:
    """Who signed (printed name), when, with what meaning, for which record."""

    user_id: int
    username: str
    display_name: str
    meaning: str
    record_ref: str
    signed_at: datetime
    audit_id: int  # the audit record that carries the signature

    def printed(self, timezone: str = DEFAULT_TIMEZONE) -> str:
        """The line shown beside a signed decision: name – local date/time and zone – meaning."""
        when = local_text(self.signed_at, timezone, seconds=True)
        return f"{self.display_name} ({self.username}) – {when} – {self.meaning}"


def reauthenticate(session: Session, *, actor: Actor, password: str, meaning: str,
                   record_ref: str) -> Signature:
    """Sign `record_ref` with `meaning`, after checking the actor's password again."""
    meaning = meaning.strip()
    if not 0 < len(meaning) <= 40:
        raise BadSignatureMeaning([Problem("1 to 40 characters", column="meaning",
                                           value=meaning)])
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.active:
        raise NotAuthenticated()
    if not password_matches(user.password_hash, password):
        raise WrongPassword(user=user.username)
    record = record_audit(session, actor=actor, action="signature", entity="signature",
                          entity_key=record_ref[:100],
                          after={"meaning": meaning, "record": record_ref,
                                 "signer": user.username, "name": user.display_name})
    session.flush()  # the signed record needs the audit record's id
    return Signature(user_id=user.id, username=user.username, display_name=user.display_name,
                     meaning=meaning, record_ref=record_ref, signed_at=record.at,
                     audit_id=record.id)
