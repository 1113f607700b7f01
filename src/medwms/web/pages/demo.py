"""The demo barcode sheet: every symbol needed to walk the demo's day, as a page and a PDF.

Symbols are the ones medwms prints (`barcode.symbols`), inline as SVG so a phone screen can
be scanned; the PDF is the same sheet as A4 labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from medwms.auth.guard import reading_as
from medwms.barcode.fonts import find_cjk_font
from medwms.barcode.labels import DeviceLabel, LocationLabel
from medwms.barcode.symbols import render_svg
from medwms.demo.sheet import Code, demo_sheet, symbol_of
from medwms.demo.sheet_pdf import sheet_pdf
from medwms.web.deps import DbDep, SettingsDep, VisitorDep, signed_in
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
PATH = "/demo/barcodes"

TITLES = {
    "documents": N_("Document barcodes"),
    "notice": N_("Units on the advance notice"),
    "wave": N_("Stock allocated to the wave"),
    "open_order": N_("Lots the order to allocate can take"),
    "count": N_("Units in the counted zone"),
    "recall": N_("The lot of the mock recall"),
    "locations": N_("Location labels"),
}
KINDS = {
    "notice": N_("Advance notice"), "wave": N_("Wave"), "order": N_("Sales order"),
    "open_order": N_("Order to allocate"), "count_plan": N_("Count plan"),
    "shipped_order": N_("Shipped order"), "shipment": N_("Shipment"),
    "mock_recall": N_("Mock recall"),
}


@dataclass(frozen=True)
class Entry:
    """One symbol as the page shows it: the SVG and the words beside it."""

    svg: Markup
    what: str  # unit, location or document
    code: Code


def inline_svg(svg: str) -> Markup:
    """zxing-cpp's SVG document as an inline element that scales with its box (a viewBox,
    crisp module edges, no XML prolog)."""
    body = svg[svg.index("<svg"):]
    size = re.match(r'<svg width="(\d+)" height="(\d+)"', body)
    if size is not None:
        width, height = size.groups()
        body = body.replace(size.group(0), f'{size.group(0)} viewBox="0 0 {width} {height}" '
                            'shape-rendering="crispEdges" role="img"', 1)
    return Markup(body)  # noqa: S704 - zxing-cpp's own SVG, no user text in it


def entry(code: Code) -> Entry:
    """The page entry of a sheet code."""
    kind, data = symbol_of(code.label)
    # A bar a whole CSS pixel wide: a linear symbol must never be scaled to fit (rounded
    # bar edges become unreadable); it fits 360 px at one pixel per module.
    svg = inline_svg(render_svg(kind, data, scale=1 if kind.is_linear else 2))
    if isinstance(code.label, DeviceLabel):
        return Entry(svg, "unit", code)
    return Entry(svg, "location" if isinstance(code.label, LocationLabel) else "document", code)


@router.get(PATH, response_class=HTMLResponse, dependencies=[signed_in()])
def barcode_sheet(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The demo's barcodes, section by section."""
    with reading_as(db, visitor.actor) as session:
        sheet = demo_sheet(session)
    sections = [(s.key, [entry(code) for code in s.codes]) for s in sheet.sections if s.codes]
    return render(request, "demo/barcodes.html", visitor=visitor, sections=sections,
                  titles=TITLES, kinds=KINDS, loaded=sheet.documents.notice is not None,
                  documents=sheet.documents)


@router.get(PATH + ".pdf", dependencies=[signed_in()])
def barcode_sheet_pdf(db: DbDep, visitor: VisitorDep, settings: SettingsDep) -> Response:
    """The same sheet as an A4 PDF of labels."""
    with reading_as(db, visitor.actor) as session:
        sheet = demo_sheet(session)
    pdf = sheet_pdf(sheet, font_path=settings.cjk_font_path or find_cjk_font())
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": 'inline; filename="medwms-demo-barcodes.pdf"'})
