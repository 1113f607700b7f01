"""Scan check: what a barcode says, and which item a GTIN means — nothing is written."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from medwms.api.deps import ActorDep, DbDep, LangDep, SettingsDep
from medwms.auth.guard import require
from medwms.auth.rules import Perm
from medwms.barcode import parse_scan
from medwms.core.errors import NotFound
from medwms.masterdata.queries import resolve_gtin

router = APIRouter(tags=["scan"])


class ScanIn(BaseModel):
    raw: str = Field(max_length=2000, description="Exactly what the scanner typed (GS, AIM prefix)")


@router.post("/scan/parse")
def parse(body: ScanIn, db: DbDep, actor: ActorDep, settings: SettingsDep,
          lang: LangDep) -> dict[str, Any]:
    """Parse a scan; the item of its GTIN when master data knows it. A refusal is a 422."""
    require(actor, Perm.STOCK_READ)
    scan = parse_scan(body.raw, gs_substitutes=settings.scanner_gs_substitutes)
    out = scan.to_dict(lang)
    if scan.gtin:
        out |= _item_of(db, scan.gtin, lang)
    return out


def _item_of(db: DbDep, gtin: str, lang: str) -> dict[str, Any]:
    with db.reading() as session:
        try:
            item, packaging = resolve_gtin(session, gtin)
        except NotFound:
            return {"item": None, "item_name": None}
        name = item.name_en if lang == "en" and item.name_en else item.name_zh
        return {"item": item.code, "item_name": name, "units": packaging.quantity}
