"""Stored reasons and signature meanings, shown in the UI language (see core.reasons).

Movement reasons, hold reasons and signatures are stored as the English their feature wrote;
the `reason` and `signed` filters read them back and word them in the page's language.
Count reason codes go through the catalogue (they are the count plan page's words).
"""

from __future__ import annotations

from jinja2 import pass_context
from jinja2.runtime import Context

from medwms.coldchain.hold import DECIDED, HELD_BY_BREACH
from medwms.core.reasons import Reason, say
from medwms.demo.stock import OPENING_STOCK
from medwms.picking.picks import LOT_SWAP, SERIAL_SWAP
from medwms.quality.rules import MEANING_WORDS, QC_REJECTED, QC_RELEASED, signature_words
from medwms.quality.stock_rules import REASONS as QUALITY_STOCK
from medwms.recall.casework import DESTROYED_IN_RECALL
from medwms.recall.service import RETURNED_IN_RECALL
from medwms.receiving.rules import ARRIVAL_OUTSIDE, HELD
from medwms.shipping.reasons import REASONS as SHIPPING
from medwms.verification.service import RESOLVED
from medwms.web.i18n import gettext_for
from medwms.web.menu import N_

STORED: tuple[Reason, ...] = (HELD, ARRIVAL_OUTSIDE, QC_RELEASED, QC_REJECTED, *MEANING_WORDS,
                              HELD_BY_BREACH, DECIDED,
                              DESTROYED_IN_RECALL, RETURNED_IN_RECALL, LOT_SWAP, SERIAL_SWAP,
                              *SHIPPING, OPENING_STOCK, *QUALITY_STOCK)
COUNT_REASONS = {"DAMAGED": N_("Damaged"), "FOUND": N_("Found"),
                 "MISCOUNTED": N_("Miscounted"), "THEFT": N_("Theft"),
                 "UNRECORDED_MOVE": N_("Unrecorded move"), "OTHER": N_("Other")}
DOC_WORDS = {"RCV": N_("Receipt"), "QC": N_("Inspection"), "PUT": N_("Putaway"),
             "PICK": N_("Picking"), "SHP": N_("Shipment"), "RET": N_("Customer return"),
             "CNT": N_("Count plan"), "CCH": N_("Temperature breach"), "RCL": N_("Recall"),
             "STOCK": N_("Opening stock"), "EXPIRY": N_("Expiry lock"),
             "HOLD": N_("Quality hold"), "DESTROY": N_("Destruction record")}


def language_of(context: Context) -> str:
    """The UI language of the template environment (each language has its own), so a filter
    knows it inside a macro imported without context too."""
    return str(context.environment.globals["ui_language"])


def reason_words(text: str, language: str) -> str:
    """A stored reason in `language` (a reason no feature wrote is shown as it is)."""
    return say(text, STORED, language)


@pass_context
def reason(context: Context, text: str | None) -> str:
    """Template filter: a stored reason (or a count reason code) in the page's language."""
    if not text:
        return ""
    language = language_of(context)
    if text in COUNT_REASONS:
        return gettext_for(language, COUNT_REASONS[text])
    return reason_words(text, language)


@pass_context
def resolution(context: Context, text: str | None) -> str:
    """Template filter: a verification line's resolution "ACTION: why", the action worded."""
    return say(text or "", (RESOLVED,), language_of(context))


@pass_context
def signed(context: Context, text: str | None) -> str:
    """Template filter: a printed signature "name – time – meaning", its meaning worded."""
    return signature_words(text or "", language_of(context))
