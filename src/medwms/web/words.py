"""Words the templates translate from data (status and movement kinds), for the catalogue."""

from __future__ import annotations

from medwms.web.menu import N_

STATUS_WORDS = (N_("QUARANTINE"), N_("AVAILABLE"), N_("REJECTED"), N_("HOLD"),
                N_("RECALLED"), N_("EXPIRED"), N_("IN_TRANSIT"))
KIND_WORDS = (N_("RECEIVE"), N_("PUTAWAY"), N_("MOVE"), N_("PICK"), N_("SHIP"), N_("ADJUST"),
              N_("COUNT"), N_("STATUS"), N_("TRANSFER_OUT"), N_("TRANSFER_IN"), N_("RETURN"),
              N_("SCRAP"))
