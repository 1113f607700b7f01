"""Scan check: what a barcode says, and which item a GTIN means — nothing is written."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from medwms.api.deps import ActorDep, DbDep, LangDep, SettingsDep, needs
from medwms.auth.guard import require
from medwms.auth.rules import Perm
from medwms.barcode import parse_scan
from medwms.core.fields import Code, ScanText
from medwms.masterdata.errors import UnknownGtin
from medwms.masterdata.queries import resolve_gtin

router = APIRouter(tags=["scan"])


class ScanIn(BaseModel):
    raw: ScanText = Field(max_length=2000,
                         description="Exactly what the scanner typed (GS, AIM prefix)")


@router.post("/scan/parse", dependencies=[needs(Perm.STOCK_READ)])
def parse(body: ScanIn, db: DbDep, actor: ActorDep, settings: SettingsDep,
          lang: LangDep) -> dict[str, Any]:
    """Parse a scan and name the item of its GTIN; an unknown GTIN is a warning naming it.

    A barcode that can't be read (or a GTIN of zeros) is refused with a 422.
    """
    require(actor, Perm.STOCK_READ)
    scan = parse_scan(body.raw, gs_substitutes=settings.scanner_gs_substitutes)
    out = scan.to_dict(lang)
    gtin = scan.gtin or scan.content_gtin
    if gtin:
        out |= _item_of(db, gtin, lang, out["warnings"])
    return out


def _item_of(db: DbDep, gtin: Code, lang: Code, warnings: list[dict[str, str]]
             ) -> dict[str, Any]:
    """The item a GTIN means; an unknown GTIN is said first among the warnings, by its number."""
    with db.reading() as session:
        try:
            item, packaging = resolve_gtin(session, gtin)
        except UnknownGtin as unknown:
            warnings.insert(0, {"code": unknown.code, "message": unknown.message(lang)})
            return {"item": None, "item_name": None, "known": False}
        name = item.name_en if lang == "en" and item.name_en else item.name_zh
        return {"item": item.code, "item_name": name, "units": packaging.quantity,
                "known": True}
