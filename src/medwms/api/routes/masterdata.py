"""Master data over HTTP: list, read, create, update, deactivate, import and export files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Form, Query, Response, UploadFile

from medwms.api.deps import ActorDep, DbDep, LangDep, needs
from medwms.auth.rules import Perm
from medwms.core.fields import Code, Offset, Record
from medwms.masterdata import exporting, importing, service
from medwms.masterdata.queries import Filters

router = APIRouter(prefix="/masterdata", tags=["masterdata"])

Values = Annotated[Record, Body(examples=[{"code": "CATH-01", "name_zh": "导管",
                                                   "risk_class": "III", "tracking": "LOT"}])]


def plain(record: dict[str, Any]) -> dict[str, Any]:
    """A record for JSON: decimals as exact text, dates as YYYY-MM-DD."""
    return {k: str(v) if isinstance(v, Decimal) else
            v.isoformat() if isinstance(v, date) else v for k, v in record.items()}


@router.get("/{kind}", dependencies=[needs(Perm.MASTERDATA_READ)])
def list_records(kind: Code, db: DbDep, actor: ActorDep, q: Code = "",
                 active: bool | None = None, warehouse: Code = "",
                 offset: Offset = 0,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> dict[str, Any]:
    """Records of a kind, filtered and paged."""
    filters = Filters(search=q, active=active, warehouse=warehouse, offset=offset, limit=limit)
    page = service.browse(db=db, actor=actor, kind=kind, filters=filters)
    return {"total": page.total, "offset": offset, "limit": limit,
            "records": [plain(r) for r in page.records]}


@router.get("/{kind}/export", dependencies=[needs(Perm.MASTERDATA_READ)])
def export_records(kind: Code, db: DbDep, actor: ActorDep,
                   format: Literal["csv", "xlsx"] = "csv") -> Response:
    """Every record of a kind as a CSV or XLSX file, in the columns the import reads."""
    content = exporting.export_file(db=db, actor=actor, kind=kind, file_format=format)
    disposition = f'attachment; filename="{kind}.{format}"'
    return Response(content, media_type=exporting.FORMATS[format],
                    headers={"Content-Disposition": disposition})


@router.post("/{kind}/import", dependencies=[needs(Perm.MASTERDATA_WRITE)])
def import_records(kind: Code, db: DbDep, actor: ActorDep, lang: LangDep,
                   file: Annotated[UploadFile, File()],
                   reason: Annotated[Code, Form()] = "",
                   dry_run: Annotated[bool, Form()] = False) -> dict[str, Any]:
    """Create or update records from a CSV/XLSX file; a file with bad rows is refused whole."""
    result = importing.import_file(db=db, actor=actor, kind=kind, data=file.file.read(),
                                   filename=file.filename or "upload", reason=reason,
                                   dry_run=dry_run)
    return {"kind": result.kind, "rows": result.rows, "created": result.created,
            "updated": result.updated, "unchanged": result.unchanged,
            "dry_run": result.dry_run, "message": _summary(result, lang)}


def _summary(result: importing.ImportResult, lang: Code) -> str:
    counts = (result.rows, result.created, result.updated, result.unchanged)
    if lang.startswith("zh"):
        return "读取 {} 行：新建 {}，更新 {}，未变 {}。".format(*counts)
    return "{} rows read: {} created, {} updated, {} unchanged.".format(*counts)


@router.get("/{kind}/{key}", dependencies=[needs(Perm.MASTERDATA_READ)])
def get_record(kind: Code, key: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """One record by its key (`CODE`, a GTIN, or `WAREHOUSE:ZONE` for zones)."""
    return plain(service.fetch(db=db, actor=actor, kind=kind, key=key))


@router.post("/{kind}", status_code=201, dependencies=[needs(Perm.MASTERDATA_WRITE)])
def create_record(kind: Code, values: Values, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Create a record; an optional `reason` field goes to the audit log."""
    reason = str(values.pop("reason", "") or "")
    return plain(service.create_record(db=db, actor=actor, kind=kind, values=values,
                                       reason=reason))


@router.patch("/{kind}/{key}", dependencies=[needs(Perm.MASTERDATA_WRITE)])
def update_record(kind: Code, key: Code, changes: Values, db: DbDep,
                  actor: ActorDep) -> dict[str, Any]:
    """Change some values of a record; an optional `reason` field goes to the audit log."""
    reason = str(changes.pop("reason", "") or "")
    return plain(service.update_record(db=db, actor=actor, kind=kind, key=key,
                                       changes=changes, reason=reason))


@router.delete("/{kind}/{key}", dependencies=[needs(Perm.MASTERDATA_WRITE)])
def deactivate_record(kind: Code, key: Code, db: DbDep, actor: ActorDep,
                      reason: Code = "") -> dict[str, Any]:
    """Take a record out of use (inactive, or a location blocked); nothing is deleted."""
    return plain(service.deactivate_record(db=db, actor=actor, kind=kind, key=key,
                                           reason=reason))
