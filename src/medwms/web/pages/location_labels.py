"""Location labels from the browser: choose a warehouse, a zone or a code prefix, see which
locations that is, and download their labels as a PDF (label stock or A4 sheets), drawn by
the same code as `medwms label` and the demo sheet (`medwms.documents.location_labels`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from medwms.auth.guard import reading_as
from medwms.auth.rules import Perm
from medwms.barcode.fonts import find_cjk_font
from medwms.barcode.labels import LabelSize
from medwms.core.errors import Problem, ValidationError
from medwms.documents.location_labels import (
    Selected,
    Selection,
    location_labels_pdf,
    selected_locations,
)
from medwms.masterdata import choices
from medwms.masterdata.fields import bilingual
from medwms.web import forms
from medwms.web.deps import DbDep, SettingsDep, VisitorDep, needs
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
PATH = "/masterdata/locations/labels"
SHOWN = 200  # locations listed on the page; the PDF has them all
SIZES = tuple(size.value for size in LabelSize)


@dataclass(frozen=True)
class Choice:
    """What the visitor chose: the selection, the label stock and whether on A4 sheets."""

    warehouse: str
    zone: str  # "WH1/CR", as the zone list offers it
    prefix: str
    size: LabelSize
    sheet: bool

    def selection(self) -> Selection | None:
        """The locations chosen; None when the zone is not in the chosen warehouse."""
        warehouse, _, zone = self.zone.rpartition("/")
        if zone and self.warehouse and warehouse != self.warehouse:
            return None
        return Selection(warehouse=warehouse or self.warehouse, zone=zone, prefix=self.prefix)

    def query(self) -> str:
        """The choice as the query of the PDF's address."""
        return urlencode({"warehouse": self.warehouse, "zone": self.zone,
                          "prefix": self.prefix, "size": self.size.value,
                          "sheet": "a4" if self.sheet else ""})


def _choice(request: Request) -> Choice:
    size = forms.query_text(request, "size") or LabelSize.L100X50.value
    if size not in SIZES:
        raise ValidationError([Problem(bilingual(
            f"size: choose one of {', '.join(SIZES)}", f"size：请选择 {'、'.join(SIZES)}"),
            column="size")])
    return Choice(warehouse=forms.query_text(request, "warehouse").upper(),
                  zone=forms.query_text(request, "zone").upper(),
                  prefix=forms.query_text(request, "prefix").upper(),
                  size=LabelSize(size), sheet=forms.query_text(request, "sheet") == "a4")


@router.get(PATH, response_class=HTMLResponse, dependencies=[needs(Perm.MASTERDATA_READ)])
def labels_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The choice, and (once chosen) the locations it selects with the PDF link."""
    chosen = _choice(request)
    asked = bool(request.query_params)
    found: list[Selected] = []
    problem = ""
    with reading_as(db, visitor.actor) as s:
        warehouses, zones = choices.warehouses(s), choices.zones(s)
        selection = chosen.selection()
        if asked and selection is not None:
            try:
                found = selected_locations(s, selection)
            except ValidationError as error:
                problem = "; ".join(forms.in_language(p.message, visitor.lang)
                                    for p in error.problems)
    return render(request, "masterdata_files/labels.html", visitor=visitor, chosen=chosen,
                  warehouses=warehouses, zones=zones, sizes=SIZES, asked=asked,
                  found=found[:SHOWN], total=len(found), more=max(0, len(found) - SHOWN),
                  problem=problem)


@router.get(PATH + ".pdf", dependencies=[needs(Perm.MASTERDATA_READ)])
def labels_pdf(request: Request, db: DbDep, visitor: VisitorDep,
               settings: SettingsDep) -> Response:
    """The chosen locations' labels as a PDF (every location when nothing is chosen)."""
    chosen = _choice(request)
    # A zone outside the chosen warehouse selects nothing: "-" is no warehouse's code.
    selection = chosen.selection() or Selection(warehouse="-")
    with reading_as(db, visitor.actor) as s:
        pdf = location_labels_pdf(s, selection, size=chosen.size, sheet=chosen.sheet,
                                  font_path=settings.cjk_font_path or find_cjk_font())
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": 'inline; filename="location-labels.pdf"'})
