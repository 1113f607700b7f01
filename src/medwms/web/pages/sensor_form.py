"""The forms that register a temperature sensor and change it, from the temperature board.

They post here (CSRF token in the form) and call the service the API's POST and PUT
/coldchain/sensors call. Its router comes before the cold-chain pages' router, so
/coldchain/sensors/new is not read as a sensor code.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from medwms.auth.guard import reading_as, require
from medwms.coldchain import queries
from medwms.coldchain.errors import BadSensor
from medwms.coldchain.queries import SensorView
from medwms.coldchain.sensors import MANAGE, SensorSpec, save_sensor
from medwms.core.db import Database
from medwms.core.fields import Code
from medwms.masterdata import choices
from medwms.web import forms
from medwms.web.deps import DbDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Reader, Refusal
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
MINUTES = {"interval_minutes": 5, "single_minutes": 10, "cumulative_minutes": 60,
           "window_minutes": 24 * 60}
TEXTS = ("code", "name", "zone", "location", "temp_min", "temp_max")
# Where each problem column (or NotFound `what`, or error code) is shown on the form.
FIELDS = {name: name for name in (*TEXTS, *MINUTES)} | {
    "shipping unit": "zone", "SENSOR_EXISTS": "code", "SENSOR_NOT_FOUND": "code"}


@router.get("/coldchain/sensors/new", response_class=HTMLResponse, dependencies=[needs(MANAGE)])
def new_sensor(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The form: code, name, zone or location, range, and the breach thresholds."""
    require(visitor.actor, MANAGE)
    return _form(request, db, visitor, values={k: str(v) for k, v in MINUTES.items()},
                 editing=None)


@router.post("/coldchain/sensors/new", response_model=None, dependencies=[needs(MANAGE)])
def register_sensor(request: Request, db: DbDep, visitor: VisitorDep,
                    form: FormDep) -> Response:
    """Register the sensor and show its page; or the form again with the problems."""
    return _save(request, db, visitor, form, editing=None)


@router.get("/coldchain/sensors/{code}/edit", response_class=HTMLResponse,
            dependencies=[needs(MANAGE)])
def edit_sensor(request: Request, code: Code, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The same form, filled in with the sensor as it is."""
    require(visitor.actor, MANAGE)
    with reading_as(db, visitor.actor) as s:
        sensor = queries.sensor_by_code(s, code)
        view = queries.sensor_view(s, sensor)
        place = queries.place_of(s, sensor) if view.kind == "ZONE" else ""
        own = {"temp_min": _text(sensor.temp_min), "temp_max": _text(sensor.temp_max)}
    return _form(request, db, visitor, values=_values(view, place) | own, editing=view)


@router.post("/coldchain/sensors/{code}/edit", response_model=None, dependencies=[needs(MANAGE)])
def change_sensor(request: Request, code: Code, db: DbDep, visitor: VisitorDep,
                  form: FormDep) -> Response:
    """Save the changes (unticking "active" retires the sensor) and show its page."""
    with reading_as(db, visitor.actor) as s:
        view = queries.sensor_view(s, queries.sensor_by_code(s, code))
    return _save(request, db, visitor, form, editing=view)


def _save(request: Request, db: Database, visitor: Visitor, form: FormData, *,
          editing: SensorView | None) -> Response:
    forms.check_csrf(request, visitor, form)
    require(visitor.actor, MANAGE)
    def save() -> str:
        view = save_sensor(db, actor=visitor.actor, spec=_spec(form, editing),
                           create=editing is None)
        return f"/coldchain/sensors/{view.code}"

    return forms.submitted(
        save, lambda refused, status: _form(request, db, visitor, values=forms.values(form),
                                            editing=editing, refusal=refused,
                                            status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


def _spec(form: FormData, editing: SensorView | None) -> SensorSpec:
    read = Reader()
    warehouse, _, zone = forms.text(form, "zone").rpartition("/")
    minutes = {name: read.whole(forms.text(form, name), name, empty=default)
               for name, default in MINUTES.items()}
    spec = SensorSpec(
        code=editing.code if editing else forms.text(form, "code"),
        name=forms.text(form, "name"), warehouse=warehouse or None, zone=zone or None,
        location=forms.text(form, "location") or None,
        shipping_unit_id=editing.shipping_unit_id if editing else None,
        temp_min=read.number(forms.text(form, "temp_min"), "temp_min"),
        temp_max=read.number(forms.text(form, "temp_max"), "temp_max"),
        active=editing is None or forms.text(form, "active") == "yes", **minutes)
    read.check(BadSensor, sensor=spec.code)
    return spec


def _values(view: SensorView, place: str) -> dict[str, str]:
    shown: dict[str, Any] = {"code": view.code, "name": view.name, "zone": place,
                             "location": view.location or "",
                             "active": "yes" if view.active else ""}
    return {k: str(v) for k, v in shown.items()} | {
        name: str(getattr(view, name)) for name in MINUTES}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _form(request: Request, db: Database, visitor: Visitor, *, values: dict[str, str],
          editing: SensorView | None, refusal: Refusal | None = None,
          status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as s:
        zones = choices.zones(s)
    return render(request, "coldchain/sensor_form.html", visitor=visitor, values=values,
                  zones=zones, editing=editing, refusal=refusal, status_code=status_code)
