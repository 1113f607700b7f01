"""Cold chain: sensors, readings (batch and logger file), breaches, decisions, chart, records.

A readings batch is never refused whole: each bad reading is refused and counted, the good
ones are stored (200 with the counts). Readings are append-only: there is no endpoint to
change or delete one.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from pydantic import BaseModel, ConfigDict, Field

from medwms.api.deps import ActorDep, DbDep, LangDep, SettingsDep, needs
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.coldchain import chart, disposition, queries, records
from medwms.coldchain.disposition import Decision
from medwms.coldchain.files import read_logger_file
from medwms.coldchain.ingest import INGEST, RawReading, ingest
from medwms.coldchain.manual_rules import SlotTimes
from medwms.coldchain.sensors import MANAGE as MANAGE_SENSORS
from medwms.coldchain.sensors import SensorSpec, save_sensor
from medwms.core.clock import utc_now
from medwms.core.fields import Code, Count, Id, Line, Moment, Note, Record

router = APIRouter(prefix="/coldchain", tags=["coldchain"])
Lang = Literal["zh-CN", "en"]


class SensorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Line = Field(min_length=1, max_length=40)
    name: Line = Field(default="", max_length=100)
    warehouse: Line | None = Field(default=None, max_length=20)
    zone: Line | None = Field(default=None, max_length=20)
    location: Line | None = Field(default=None, max_length=40)
    shipping_unit_id: Id | None = None
    interval_minutes: Count = Field(default=5, ge=1)
    temp_min: Decimal | None = Field(default=None, ge=-100, le=100)
    temp_max: Decimal | None = Field(default=None, ge=-100, le=100)
    single_minutes: Count = Field(default=10, ge=1)
    cumulative_minutes: Count = Field(default=60, ge=1)
    window_minutes: Count = Field(default=24 * 60, ge=1)
    active: bool = True


@router.get("/sensors", dependencies=[needs(Perm.STOCK_READ)])
def list_sensors(db: DbDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Every sensor with its place and effective range."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return [asdict(v) for v in queries.sensors(s)]


@router.post("/sensors", status_code=status.HTTP_201_CREATED, dependencies=[needs(MANAGE_SENSORS)])
def create_sensor(body: SensorIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Register a sensor in a zone, at a location, or on a shipping unit."""
    return asdict(save_sensor(db, actor=actor, spec=SensorSpec(**body.model_dump()),
                              create=True))


@router.get("/sensors/{code}", dependencies=[needs(Perm.STOCK_READ)])
def get_sensor(code: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return asdict(queries.sensor_view(s, queries.sensor_by_code(s, code)))


@router.put("/sensors/{code}", dependencies=[needs(MANAGE_SENSORS)])
def update_sensor(code: Code, body: SensorIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Change a sensor (the code in the path wins); `active: false` retires it."""
    spec = SensorSpec(**(body.model_dump() | {"code": code}))
    return asdict(save_sensor(db, actor=actor, spec=spec, create=False))


class ReadingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    readings: list[Record] = Field(
        max_length=100_000,
        description='[{"sensor": "CR1-T1", "time": ISO-8601, "celsius": 4.2, "humidity": 55}]')


@router.post("/readings", dependencies=[needs(INGEST)])
def post_readings(body: ReadingsIn, db: DbDep, actor: ActorDep,
                  settings: SettingsDep) -> dict[str, Any]:
    """Store a batch; bad readings are refused one by one and counted."""
    raw = [RawReading(str(r.get("sensor", "")), r.get("time"), r.get("celsius"),
                      r.get("humidity"), payload=str(r)[:1000]) for r in body.readings]
    result = ingest(db, actor=actor, source="API", readings=raw,
                    local=ZoneInfo(settings.timezone))
    return result.as_dict()


@router.post("/sensors/{code}/readings/file", dependencies=[needs(INGEST)])
async def upload_readings(code: Code, db: DbDep, actor: ActorDep, settings: SettingsDep,
                          file: Annotated[UploadFile, File(description="CSV or XLSX")]
                          ) -> dict[str, Any]:
    """A logger's download (CSV/XLSX: time, celsius[, humidity]); naive times are local."""
    content = await file.read()
    raw = read_logger_file(code, file.filename or "upload.csv", content)
    result = ingest(db, actor=actor, source="FILE", readings=raw,
                    local=ZoneInfo(settings.timezone))
    return result.as_dict()


@router.get("/rejected", dependencies=[needs(Perm.STOCK_READ)])
def rejected(db: DbDep, actor: ActorDep,
             hours: Annotated[int, Query(ge=1, le=24 * 3660)] = 24) -> dict[str, Any]:
    """How many readings were refused in the last `hours`, and the latest reasons."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return queries.rejected_counts(s, utc_now() - timedelta(hours=hours))


@router.get("/board", dependencies=[needs(Perm.STOCK_READ)])
def board(db: DbDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Every active sensor's latest reading and colour."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return [asdict(t) for t in queries.board(s, utc_now())]


@router.get("/breaches", dependencies=[needs(Perm.STOCK_READ)])
def list_breaches(db: DbDep, actor: ActorDep,
                  status_: Annotated[Code | None, Query(alias="status")] = None
                  ) -> list[dict[str, Any]]:
    """Breaches, newest first (?status=OPEN lists acknowledged ones too)."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return [asdict(b) for b in queries.breaches(s, status=status_)]


@router.get("/breaches/{breach_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_breach(breach_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """One breach with its affected lots, quantities and the items' allowed ranges."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return asdict(queries.breach_view(s, breach_no))


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    disposition: Literal["RELEASE", "REJECT"]
    comment: Note = Field(max_length=2000)
    password: Line = Field(min_length=1, max_length=1000,
                           description="the decider's password: the signature")


@router.post("/breaches/{breach_no}/lots/{line_id}/disposition",
             dependencies=[needs(disposition.DECIDE)])
def decide(breach_no: Code, line_id: Id, body: DecisionIn, db: DbDep,
           actor: ActorDep) -> dict[str, Any]:
    """Release or reject one affected lot, signed."""
    view = disposition.decide_lot(db, actor=actor, breach_no=breach_no,
                                  decision=Decision(line_id, body.disposition, body.comment),
                                  password=body.password)
    return asdict(view)


class AcknowledgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: Note = Field(max_length=2000)


@router.post("/breaches/{breach_no}/acknowledge", dependencies=[needs(disposition.DECIDE)])
def acknowledge(breach_no: Code, body: AcknowledgeIn, db: DbDep,
                actor: ActorDep) -> dict[str, Any]:
    """Acknowledge an ongoing breach (lost or faulty sensor) without closing it."""
    return asdict(disposition.acknowledge(db, actor=actor, breach_no=breach_no,
                                          comment=body.comment))


@router.get("/sensors/{code}/chart.svg", dependencies=[needs(Perm.STOCK_READ)])
def chart_svg(code: Code, db: DbDep, actor: ActorDep, settings: SettingsDep,
              start: Moment | None = None, end: Moment | None = None,
              hours: Annotated[int, Query(ge=1, le=24 * 62)] = 24) -> Response:
    """The sensor's readings as an SVG chart with the range band and breaches marked."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        svg = chart.sensor_chart(s, code, start=start, end=end, hours=hours,
                           timezone=settings.timezone)
    return Response(svg, media_type="image/svg+xml")


@router.get("/zones/{warehouse}/{zone}/record.pdf", dependencies=[needs(Perm.STOCK_READ)])
def record_pdf(warehouse: Code, zone: Code, month: Code, db: DbDep, actor: ActorDep,
               settings: SettingsDep, language: LangDep, lang: Lang | None = None) -> Response:
    """The GSP temperature record of a zone for a month (YYYY-MM) as PDF."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        record = records.zone_record(s, warehouse=warehouse, zone=zone, month=month,
                                     manual=SlotTimes(settings.manual_morning_end,
                                                      settings.manual_afternoon_end))
    pdf = records.record_pdf(record, language=lang or language, font_path=settings.cjk_font_path)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{zone}-{month}-temperature.pdf"'})


@router.get("/zones/{warehouse}/{zone}/record.xlsx", dependencies=[needs(Perm.STOCK_READ)])
def record_xlsx(warehouse: Code, zone: Code, month: Code, db: DbDep, actor: ActorDep,
                settings: SettingsDep, language: LangDep,
                lang: Lang | None = None) -> Response:
    """The GSP temperature record of a zone for a month as XLSX."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        record = records.zone_record(s, warehouse=warehouse, zone=zone, month=month,
                                     manual=SlotTimes(settings.manual_morning_end,
                                                      settings.manual_afternoon_end))
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(records.record_xlsx(record, language=lang or language), media_type=media,
                    headers={"Content-Disposition":
                             f'attachment; filename="{zone}-{month}-temperature.xlsx"'})


@router.get("/lots/{item}/{lot}/temperatures", dependencies=[needs(Perm.STOCK_READ)])
def lot_temperatures(item: Code, lot: Code, db: DbDep, actor: ActorDep) -> list[dict[str, Any]]:
    """The temperature history on a lot's trace: each stay, its sensors' min/max/MKT."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return [asdict(stay) for stay in queries.lot_temperatures(s, item=item, lot=lot)]
