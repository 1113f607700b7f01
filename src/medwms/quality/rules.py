"""Pure decisions of acceptance inspection: is a conclusion allowed, how it splits the lot,
which STATUS movements it makes, and what the signature's record hash covers.

No database, no clock: the service loads the lot and passes "now" in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from medwms.core.errors import Problem
from medwms.core.hashchain import canonical
from medwms.core.reasons import Reason, say
from medwms.ledger.rules import Line
from medwms.quality.errors import (
    BadInspectionInput,
    ColdChainUnresolved,
    FailedCheckAccepted,
    RejectNeedsReason,
    SplitMismatch,
    TemperatureNotAnswered,
)
from medwms.quality.tables import Conclusion

HOLD_PREFIX = "HOLD:"
MIN_EXPLANATION = 10  # characters of notes that explain accepting a held lot
MEANINGS = {Conclusion.ACCEPT: "released", Conclusion.REJECT: "rejected",
            Conclusion.PARTIAL: "partially released"}
CHECK_NAMES = ("packaging_ok", "label_ok", "certificate_ok", "temperature_ok")
# The signed meanings, stored in English (also the STATUS movements' reason), said in Chinese.
QC_RELEASED = Reason("QC_RELEASED", "QC released", "验收合格放行", "Released by inspection")
QC_REJECTED = Reason("QC_REJECTED", "QC rejected: {reason} / {disposition}",
                     "验收拒收：{reason} / {disposition}", "Rejected by inspection: {reason} / "
                     "{disposition}")
MEANING_WORDS = (Reason("RELEASED", "released", "合格放行"), Reason("REJECTED", "rejected", "拒收"),
                 Reason("PARTLY_RELEASED", "partially released", "部分放行"))


@dataclass(frozen=True)
class Checks:
    """The inspector's answers: None = not answered (not applicable)."""

    packaging_ok: bool | None = None
    label_ok: bool | None = None
    certificate_ok: bool | None = None
    temperature_ok: bool | None = None
    notes: str = ""

    def failed(self) -> list[str]:
        """The checks answered 'not ok'."""
        return [name for name in CHECK_NAMES if getattr(self, name) is False]


@dataclass(frozen=True)
class Finding:
    """What the inspector concluded; quantities are needed only for PARTIAL."""

    conclusion: str
    sample_size: int = 0
    checks: Checks = field(default_factory=Checks)
    accepted_qty: int | None = None
    rejected_qty: int | None = None
    reason: str = ""
    disposition: str = ""


@dataclass(frozen=True)
class LotUnderInspection:
    """The lot as quarantined: how many units, its hold reasons, whether it is cold-chain."""

    item: str
    lot: str
    quantity: int
    hold_reasons: tuple[str, ...] = ()
    cold_chain: bool = False


@dataclass(frozen=True)
class Split:
    """How many units a conclusion releases and how many it rejects."""

    accepted: int
    rejected: int


@dataclass(frozen=True)
class QuarantineBalance:
    """One quarantined balance of the lot from this receipt, as plain data."""

    owner_id: int
    location_id: int
    quantity: int
    serial_id: int | None = None
    hu_id: int | None = None


def hold_reasons(reasons: Sequence[str]) -> tuple[str, ...]:
    """The distinct 'HOLD: …' reasons among movement reasons, in first-seen order."""
    held = [r.strip() for r in reasons if r.strip().upper().startswith(HOLD_PREFIX)]
    return tuple(dict.fromkeys(held))


def split_of(conclusion: str, quantity: int, accepted: int | None,
             rejected: int | None) -> Split:
    """The split a conclusion makes of `quantity`; refuses quantities that do not add up."""
    if conclusion == Conclusion.ACCEPT:
        wanted = Split(quantity, 0)
    elif conclusion == Conclusion.REJECT:
        wanted = Split(0, quantity)
    else:
        wanted = Split(accepted if accepted is not None else -1,
                       rejected if rejected is not None else -1)
        if wanted.accepted <= 0 or wanted.rejected <= 0:
            raise SplitMismatch(accepted=accepted, rejected=rejected, quantity=quantity)
    given = Split(wanted.accepted if accepted is None else accepted,
                  wanted.rejected if rejected is None else rejected)
    if given != wanted or given.accepted + given.rejected != quantity:
        raise SplitMismatch(accepted=given.accepted, rejected=given.rejected,
                            quantity=quantity)
    return given


def decide(lot: LotUnderInspection, finding: Finding) -> Split:
    """Check a finding against the lot and return its split, or raise the refusal."""
    _check_input(lot, finding)
    split = split_of(finding.conclusion, lot.quantity, finding.accepted_qty,
                     finding.rejected_qty)
    if split.rejected and not (finding.reason.strip() and finding.disposition.strip()):
        raise RejectNeedsReason()
    failed = finding.checks.failed()
    if finding.conclusion == Conclusion.ACCEPT and failed:
        raise FailedCheckAccepted(check=failed[0])
    if split.accepted:
        _check_temperature(lot, finding.checks)
    return split


def _check_input(lot: LotUnderInspection, finding: Finding) -> None:
    problems = []
    if finding.conclusion not in set(Conclusion):
        problems.append(Problem("must be ACCEPT, REJECT or PARTIAL", column="conclusion",
                                value=str(finding.conclusion)))
    if not 0 <= finding.sample_size <= lot.quantity:
        problems.append(Problem(f"must be 0 to {lot.quantity}", column="sample_size",
                                value=str(finding.sample_size)))
    limits = {"reason": (finding.reason, 300), "disposition": (finding.disposition, 100),
              "notes": (finding.checks.notes, 2000)}
    problems += [Problem(f"at most {limit} characters", column=name)
                 for name, (text, limit) in limits.items() if len(text) > limit]
    if problems:
        raise BadInspectionInput(problems)


def _check_temperature(lot: LotUnderInspection, checks: Checks) -> None:
    """A held lot needs temperature_ok=True and notes; a cold item needs an answer."""
    if lot.hold_reasons and (checks.temperature_ok is not True
                             or len(checks.notes.strip()) < MIN_EXPLANATION):
        raise ColdChainUnresolved(lot=lot.lot, hold="; ".join(lot.hold_reasons))
    if lot.cold_chain and checks.temperature_ok is None:
        raise TemperatureNotAnswered(item=lot.item, lot=lot.lot)


def signature_words(printed: str, language: str) -> str:
    """A printed signature "name – date/time – meaning" with its meaning in `language`."""
    head, dash, meaning = printed.rpartition(" – ")
    return head + dash + say(meaning, MEANING_WORDS, language) if dash else printed


def meaning_of(split: Split) -> str:
    """The signature's meaning: released, rejected or partially released."""
    if split.accepted and split.rejected:
        return MEANINGS[Conclusion.PARTIAL]
    return MEANINGS[Conclusion.ACCEPT] if split.accepted else MEANINGS[Conclusion.REJECT]


def status_lines(*, item_id: int, lot_id: int | None, balances: Sequence[QuarantineBalance],
                 split: Split, accept_reason: str, reject_reason: str) -> list[Line]:
    """STATUS lines at each balance's location: accepted units first, in a fixed order."""
    lines: list[Line] = []
    to_accept = split.accepted
    ordered = sorted(balances, key=lambda b: (b.location_id, b.serial_id or 0, b.hu_id or 0,
                                              b.owner_id))
    for balance in ordered:
        accepted = min(to_accept, balance.quantity)
        to_accept -= accepted
        for status, quantity, reason in (("AVAILABLE", accepted, accept_reason),
                                         ("REJECTED", balance.quantity - accepted,
                                          reject_reason)):
            if quantity:
                lines.append(_line(item_id, lot_id, balance, status, quantity, reason))
    return lines


def _line(item_id: int, lot_id: int | None, balance: QuarantineBalance, status: str,
          quantity: int, reason: str) -> Line:
    return Line(kind="STATUS", owner_id=balance.owner_id, item_id=item_id, lot_id=lot_id,
                serial_id=balance.serial_id, quantity=quantity,
                from_location_id=balance.location_id, to_location_id=balance.location_id,
                from_status="QUARANTINE", to_status=status, from_hu_id=balance.hu_id,
                to_hu_id=balance.hu_id, reason=reason[:300])


@dataclass(frozen=True)
class SignedRecord:
    """The fields of an inspection record that its signature covers."""

    inspection_no: str
    receipt_no: str
    item: str
    lot: str
    expiry: date | None
    quantity: int
    sample_size: int
    checks: Checks
    conclusion: str
    accepted_qty: int
    rejected_qty: int
    reject_reason: str
    disposition: str
    hold_reasons: tuple[str, ...]
    inspector: str
    meaning: str
    concluded_at: datetime


def record_hash_input(record: SignedRecord) -> str:
    """The canonical text the record hash is taken over (sorted keys, ISO dates)."""
    return canonical(asdict(record))


def record_hash(record: SignedRecord) -> str:
    """SHA-256 (hex) of the record's canonical text."""
    return hashlib.sha256(record_hash_input(record).encode()).hexdigest()


def record_ref(inspection_no: str, digest: str) -> str:
    """What the e-signature names: the inspection and its record hash."""
    return f"inspection:{inspection_no}:{digest}"
