"""Words the templates translate from data (statuses, kinds, differences), for the catalogue."""

from __future__ import annotations

from medwms.web.menu import N_, NP_

STATUS_WORDS = (N_("QUARANTINE"), N_("AVAILABLE"), N_("REJECTED"), N_("HOLD"),
                N_("RECALLED"), N_("EXPIRED"), N_("IN_TRANSIT"))
INSPECTION_WORDS = (N_("PENDING"), N_("DONE"))
NOTICE_WORDS = (N_("RECEIVING"), NP_("notice difference", "SHORT"),
                NP_("notice difference", "OVER"), NP_("notice difference", "UNEXPECTED_LOT"),
                NP_("notice difference", "UNEXPECTED_ITEM"),
                NP_("notice difference", "MISSING_SERIAL"),
                NP_("notice difference", "UNEXPECTED_SERIAL"))
BREACH_WORDS = (N_("HIGH"), N_("LOW"), N_("NO_DATA"), N_("SINGLE"), N_("CUMULATIVE"), N_("GAP"),
                N_("SPARSE"))
KIND_WORDS = (N_("RECEIVE"), N_("PUTAWAY"), N_("MOVE"), N_("PICK"), N_("SHIP"), N_("ADJUST"),
              N_("COUNT"), N_("STATUS"), N_("TRANSFER_OUT"), N_("TRANSFER_IN"), N_("RETURN"),
              N_("SCRAP"))
