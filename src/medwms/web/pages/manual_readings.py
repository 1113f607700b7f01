"""Manual temperature readings (G17): record a hand reading for a zone without automatic
monitoring (a big form for a phone), today's slots with their due times, and the overdue
list. A cold-chain manager switches a zone's manual readings on or off here.

The person is the signed-in user and the time the server clock: the form has neither.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.coldchain import manual, manual_queries
from medwms.coldchain.manual_rules import SlotTimes
from medwms.config import Settings
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.fields import Code
from medwms.web import forms
from medwms.web.deps import DbDep, SettingsDep, Visitor, VisitorDep, needs
from medwms.web.forms import Reader, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
PAGE = "/quality/manual-readings"
SLOT_WORDS = {"MORNING": N_("Morning"), "AFTERNOON": N_("Afternoon"), "LATE": N_("Late")}
STATE_WORDS = {"DONE": N_("Taken"), "DUE": N_("Due now"), "OVERDUE": N_("Overdue"),
               "UPCOMING": N_("Not yet due")}
WORDS = {"slots": SLOT_WORDS, "states": STATE_WORDS}


def _times(settings: Settings) -> SlotTimes:
    return SlotTimes(settings.manual_morning_end, settings.manual_afternoon_end)


@router.get(PAGE, response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def readings_page(request: Request, db: DbDep, visitor: VisitorDep,
                  settings: SettingsDep) -> HTMLResponse:
    """Today's slots of every manual zone, each zone with its reading form."""
    return _page(request, db, visitor, settings)


def _page(request: Request, db: Database, visitor: Visitor, settings: Settings,
          refusal: Refusal | None = None, failed: str = "",
          values: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        areas = manual_queries.manual_areas(s)
        slots = manual_queries.slots(s, now=utc_now(), times=_times(settings))
    return render(request, "quality/manual_readings.html", visitor=visitor, areas=areas,
                  slots=slots, words=WORDS, can_record=visitor.actor.can(manual.RECORD),
                  can_manage=visitor.actor.can(manual.MANAGE), refusal=refusal,
                  failed=failed, values=values or {}, status_code=status_code)


@router.post(PAGE + "/{warehouse}/{zone}", response_model=None,
             dependencies=[needs(manual.RECORD)])
def record(request: Request, warehouse: Code, zone: Code, db: DbDep, visitor: VisitorDep,
           settings: SettingsDep, form: forms.FormDep) -> Response:
    """Record a hand reading now, as the signed-in person."""
    forms.check_csrf(request, visitor, form)
    area = f"{warehouse.upper()}/{zone.upper()}"

    def save() -> str:
        read = Reader()
        celsius = read.number(forms.text(form, "celsius"), "celsius")
        humidity = read.number(forms.text(form, "humidity"), "humidity")
        read.require(celsius is not None, "celsius", "is required", "必填")
        read.check()
        assert celsius is not None
        done = manual.record_reading(db, actor=visitor.actor, warehouse=warehouse, zone=zone,
                                     celsius=celsius, humidity=humidity,
                                     note=forms.text(form, "note"), times=_times(settings))
        return f"{PAGE}?recorded={done.id}" + ("&outside=1" if done.out_of_range else "")

    return forms.submitted(
        save, lambda refused, status: _page(request, db, visitor, settings, refused, area,
                                            forms.values(form), status),
        lang=visitor.lang, fields={"celsius": "celsius", "humidity": "humidity"}, form=form)


@router.post(PAGE + "/zones", response_model=None, dependencies=[needs(manual.MANAGE)])
def switch(request: Request, db: DbDep, visitor: VisitorDep, settings: SettingsDep,
           form: forms.FormDep) -> Response:
    """Switch a zone's manual readings on or off."""
    forms.check_csrf(request, visitor, form)

    def save() -> str:
        manual.set_manual(db, actor=visitor.actor, warehouse=forms.text(form, "warehouse"),
                          zone=forms.text(form, "zone"),
                          manual=forms.text(form, "manual") == "on")
        return f"{PAGE}?switched=1"

    return forms.submitted(
        save, lambda refused, status: _page(request, db, visitor, settings, refused,
                                            "ZONES", forms.values(form), status),
        lang=visitor.lang, fields={"zone": "zone", "warehouse": "warehouse"}, form=form)


@router.get(PAGE + "/overdue", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def overdue_page(request: Request, db: DbDep, visitor: VisitorDep,
                 settings: SettingsDep) -> HTMLResponse:
    """The slots that ended without a reading in the last days: the gaps."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        rows = manual_queries.overdue(s, now=utc_now(), times=_times(settings),
                                      days=settings.manual_overdue_days)
    return render(request, "quality/manual_overdue.html", visitor=visitor, rows=rows,
                  words=WORDS, days=settings.manual_overdue_days)
