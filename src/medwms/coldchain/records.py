"""The GSP temperature record (温湿度记录) of one zone and month, as PDF and XLSX.

Readings at the regulated interval (every 30 minutes in storage: the latest reading at or
before each moment, if not older than the interval), per sensor of the zone and of its
locations; min/max over every stored reading, mean and MKT over the regulated readings;
the breaches of the month with their affected lots and signed dispositions.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from medwms.barcode.fonts import label_font
from medwms.coldchain import calibration, manual_queries, queries, rules
from medwms.coldchain.manual_queries import SlotRow
from medwms.coldchain.manual_rules import SlotTimes
from medwms.coldchain.queries import BreachView
from medwms.coldchain.tables import Breach, Reading, Sensor
from medwms.core.clock import local_date, local_text, utc_now
from medwms.core.errors import NotFound, Problem, ValidationError
from medwms.masterdata.tables import Location, Warehouse, Zone

STORAGE_MINUTES = 30
T: dict[str, tuple[str, str]] = {
    "title": ("温湿度记录", "Temperature and humidity record"),
    "warehouse": ("仓库", "Warehouse"), "zone": ("库区", "Zone"), "month": ("月份", "Month"),
    "range": ("规定范围", "Required range"), "printed": ("打印时间", "Printed"),
    "sensor": ("探头", "Sensor"), "count": ("读数", "Readings"), "min": ("最低", "Min"),
    "max": ("最高", "Max"), "mean": ("平均", "Mean"), "mkt": ("平均动力学温度", "MKT"),
    "missing": ("缺失时点", "Missing slots"), "time": ("时间", "Time"),
    "celsius": ("温度 °C", "Temp °C"), "humidity": ("湿度 %", "RH %"),
    "breaches": ("超标事件及处理", "Breaches and dispositions"), "breach": ("编号", "No."),
    "kind": ("类型", "Kind"), "period": ("时段", "Period"), "minutes": ("超标分钟", "Minutes"),
    "lots": ("批次及处理", "Lots and decisions"), "none": ("无", "None"),
    "readings": ("记录（每 30 分钟）", "Readings (every 30 minutes)"),
    "manual": ("人工记录（每日上午、下午各一次）", "Manual readings (morning and afternoon)"),
    "day": ("日期", "Day"), "slot": ("时段", "Slot"), "person": ("记录人", "Recorded by"),
    "state": ("状态", "State"), "MORNING": ("上午", "Morning"),
    "AFTERNOON": ("下午", "Afternoon"), "DONE": ("已记录", "Taken"),
    "DUE": ("待记录", "Due"), "OVERDUE": ("缺失（逾期）", "GAP (overdue)"),
    "UPCOMING": ("未到时间", "Not yet due"),
    "calibration": ("校准", "Calibration"), "uncalibrated": ("未校准", "UNCALIBRATED"),
    "note": ("最低/最高取自全部读数；平均与平均动力学温度（ΔH = 83.144 kJ/mol）取自每 30 分钟"
             "的规定时点读数。",
             "Min/max over every stored reading; mean and MKT (ΔH = 83.144 kJ/mol) over the "
             "readings at the regulated 30-minute moments."),
}


@dataclass(frozen=True)
class Slot:
    at: datetime
    celsius: float | None
    humidity: float | None
    uncalibrated: bool = False


@dataclass(frozen=True)
class SensorMonth:
    code: str
    name: str
    readings: int
    min_celsius: float | None
    max_celsius: float | None
    mean_celsius: float | None
    mkt_celsius: float | None
    missing: int
    slots: list[Slot]


@dataclass(frozen=True)
class ZoneRecord:
    warehouse: str
    zone: str
    zone_name: str
    month: str
    timezone: str
    temp_min: float | None
    temp_max: float | None
    sensors: list[SensorMonth]
    breaches: list[BreachView]
    printed_at: datetime
    manual: tuple[SlotRow, ...] = ()  # the hand readings' slots, day by day (G17)


def month_bounds(month: str, timezone: str) -> tuple[datetime, datetime]:
    """The first moment of the month and of the next, in the warehouse's time zone."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = datetime(year, number, 1, tzinfo=ZoneInfo(timezone))
    except ValueError as error:
        raise ValidationError([Problem("YYYY-MM", column="month", value=month)]) from error
    after = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=ZoneInfo(timezone))
    return start, after


def zone_record(session: Session, *, warehouse: str, zone: str, month: str,
                manual: SlotTimes | None = None, now: datetime | None = None) -> ZoneRecord:
    """Everything the monthly record of a zone shows (with `manual`: its hand readings)."""
    wh = session.scalar(select(Warehouse).where(Warehouse.code == warehouse.upper()))
    zn = wh and session.scalar(select(Zone).where(Zone.warehouse_id == wh.id,
                                                  Zone.code == zone.upper()))
    if wh is None or not zn:
        raise NotFound(what="zone", key=f"{warehouse}/{zone}")
    start, end = month_bounds(month, wh.timezone)
    sensors = list(session.scalars(select(Sensor).where(or_(
        Sensor.zone_id == zn.id,
        Sensor.location_id.in_(select(Location.id).where(Location.zone_id == zn.id))))
        .order_by(Sensor.code)))
    flags = calibration.flagger(session, [s.code for s in sensors], wh.timezone)
    months = [_sensor_month(session, s, start, end, flags) for s in sensors]
    found = session.scalars(select(Breach).where(
        Breach.sensor_id.in_([s.id for s in sensors]), Breach.started_at < end,
        or_(Breach.ended_at.is_(None), Breach.ended_at >= start)).order_by(Breach.started_at))
    return ZoneRecord(wh.code, zn.code, zn.name, month, wh.timezone,
                      float(zn.temp_min) if zn.temp_min is not None else None,
                      float(zn.temp_max) if zn.temp_max is not None else None, months,
                      [queries.breach_view(session, b) for b in found], utc_now(),
                      _manual(session, wh, zn, start, end, manual, now or utc_now()))


def _manual(session: Session, wh: Warehouse, zn: Zone, start: datetime, end: datetime,
            times: SlotTimes | None, now: datetime) -> tuple[SlotRow, ...]:
    """The manual slots of the month up to today, if the zone is read by hand."""
    if times is None or not manual_queries.is_manual(session, warehouse=wh.code,
                                                     zone=zn.code):
        return ()
    last = min(local_date(end, wh.timezone) - timedelta(days=1), local_date(now, wh.timezone))
    first = local_date(start, wh.timezone)
    if last < first:
        return ()
    return tuple(manual_queries.month_days(session, warehouse=wh.code, zone=zn.code,
                                           first=first, last=last, now=now, times=times))


def _sensor_month(session: Session, sensor: Sensor, start: datetime, end: datetime,
                  flags: calibration.Flagger) -> SensorMonth:
    rows = session.execute(select(Reading.at, Reading.centi_celsius, Reading.humidity_permille)
                           .where(Reading.sensor_id == sensor.id, Reading.at >= start,
                                  Reading.at < end).order_by(Reading.at)).all()
    humidity = {at: h for at, _, h in rows}
    points = [rules.Point(at, c) for at, c, _ in rows]
    moments = rules.every(start, min(end, max(utc_now(), start)), STORAGE_MINUTES)
    chosen = rules.sample(points, moments, timedelta(minutes=STORAGE_MINUTES))
    slots = [Slot(m, p.centi / 100 if p else None, _rh(humidity.get(p.at)) if p else None,
                  p is not None and flags.uncalibrated(sensor.code, p.at))
             for m, p in zip(moments, chosen, strict=True)]
    regulated = [s.celsius for s in slots if s.celsius is not None]
    values = [p.centi / 100 for p in points]
    mkt = rules.mkt(regulated)
    return SensorMonth(
        code=sensor.code, name=sensor.name, readings=len(points),
        min_celsius=min(values) if values else None, max_celsius=max(values) if values else None,
        mean_celsius=round(sum(regulated) / len(regulated), 2) if regulated else None,
        mkt_celsius=round(mkt, 2) if mkt is not None else None,
        missing=sum(1 for s in slots if s.celsius is None), slots=slots)


def _rh(permille: int | None) -> float | None:
    return None if permille is None else permille / 10


def _t(key: str, lang: str) -> str:
    zh, en = T[key]
    return en if lang == "en" else zh


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _local(moment: datetime | None, tz: str) -> str:
    return local_text(moment, tz, empty="…")


def _decisions(breach: BreachView) -> str:
    return "; ".join(f"{lot.item} {lot.lot or '-'} @{lot.location} ×{lot.quantity}: "
                     f"{lot.disposition or '?'} {lot.comment}".strip()
                     for lot in breach.lots) or "—"


def summary_rows(record: ZoneRecord, lang: str) -> list[list[str]]:
    head = [_t(k, lang) for k in ("sensor", "count", "min", "max", "mean", "mkt", "missing")]
    return [head] + [[f"{s.code} {s.name}", str(s.readings), _num(s.min_celsius),
                      _num(s.max_celsius), _num(s.mean_celsius), _num(s.mkt_celsius),
                      str(s.missing)] for s in record.sensors]


def breach_rows(record: ZoneRecord, lang: str) -> list[list[str]]:
    head = [_t(k, lang) for k in ("breach", "kind", "period", "minutes", "lots")]
    return [head] + [[b.breach_no, f"{b.kind} {b.mode} {b.status}",
                      f"{_local(b.started_at, record.timezone)} – "
                      f"{_local(b.ended_at, record.timezone)}",
                      str(b.minutes_outside), _decisions(b)] for b in record.breaches]


def manual_rows(record: ZoneRecord, lang: str) -> list[list[str]]:
    """The hand readings day by day; a slot with no reading shows as a gap."""
    head = [_t(k, lang) for k in ("day", "slot", "time", "celsius", "humidity", "person",
                                  "state")]
    rows = [head]
    for slot in record.manual:
        taken = slot.reading
        rows.append([slot.day.isoformat(), _t(slot.slot, lang),
                     _local(taken.at, record.timezone) if taken else "—",
                     _num(taken.celsius) if taken else "—",
                     _num(taken.humidity) if taken else "—",
                     taken.recorded_by if taken else "—", _t(slot.state, lang)])
    return rows


def record_pdf(record: ZoneRecord, *, language: str = "zh-CN",
               font_path: Path | str | None = None) -> bytes:
    """The record as PDF bytes (A4), in Chinese or English."""
    lang = "en" if language.lower().startswith("en") else "zh-CN"
    font = label_font(font_path).name
    body = ParagraphStyle("b", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    title = ParagraphStyle("t", fontName=font, fontSize=15, leading=20)
    rng = f"{_num(record.temp_min)} … {_num(record.temp_max)} °C"
    story: list[object] = [
        Paragraph(escape(_t("title", lang)), title),
        _grid([[_t("warehouse", lang), record.warehouse, _t("zone", lang),
                f"{record.zone} {record.zone_name}"],
               [_t("month", lang), record.month, _t("range", lang), rng],
               [_t("printed", lang), _local(record.printed_at, record.timezone), "", ""]],
              body, font),
        Spacer(1, 4 * mm), _grid(summary_rows(record, lang), body, font, header=True),
        Paragraph(escape(_t("note", lang)), body), Spacer(1, 4 * mm),
        Paragraph(escape(_t("breaches", lang)), body)]
    rows = breach_rows(record, lang)
    story.append(_grid(rows, body, font, header=True) if len(rows) > 1
                 else Paragraph(_t("none", lang), body))
    if record.manual:
        story += [Spacer(1, 4 * mm), Paragraph(escape(_t("manual", lang)), body),
                  _grid(manual_rows(record, lang), body, font, header=True)]
    for sensor in record.sensors:
        story += [Spacer(1, 4 * mm),
                  Paragraph(escape(f"{_t('readings', lang)} — {sensor.code}"), body),
                  _grid(_slot_columns(sensor, record.timezone, lang), body, font, header=True)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm,
                      topMargin=12 * mm, bottomMargin=12 * mm,
                      title=_t("title", lang)).build(story)
    return buffer.getvalue()


def _slot_columns(sensor: SensorMonth, tz: str, lang: str, groups: int = 4) -> list[list[str]]:
    """Slots laid out in `groups` side-by-side columns (time, °C, RH) to save paper."""
    head = [_t(k, lang) for k in ("time", "celsius", "humidity")] * groups
    cells = [[_local(s.at, tz), _num(s.celsius) + (f" {_t('uncalibrated', lang)}"
                                                   if s.uncalibrated else ""),
              _num(s.humidity)] for s in sensor.slots]
    per = -(-len(cells) // groups) if cells else 0
    rows = []
    for i in range(per):
        row: list[str] = []
        for g in range(groups):
            index = g * per + i
            row += cells[index] if index < len(cells) else ["", "", ""]
        rows.append(row)
    return [head, *rows]


def _grid(rows: list[list[str]], style: ParagraphStyle, font: str,
          header: bool = False) -> Table:
    table = Table([[Paragraph(escape(str(c)), style) for c in row] for row in rows],
                  repeatRows=1 if header else 0)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("FONTNAME", (0, 0), (-1, -1), font),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke if header else colors.white)]))
    return table


def record_xlsx(record: ZoneRecord, *, language: str = "zh-CN") -> bytes:
    """The record as an XLSX workbook: summary, breaches, one sheet of readings per sensor."""
    lang = "en" if language.lower().startswith("en") else "zh-CN"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Summary"
    sheet.append([_t("title", lang)])
    sheet.append([_t("warehouse", lang), record.warehouse, _t("zone", lang), record.zone,
                  _t("month", lang), record.month])
    sheet.append([_t("range", lang), record.temp_min, record.temp_max])
    for row in summary_rows(record, lang):
        sheet.append(row)
    sheet.append([_t("note", lang)])
    breaches = book.create_sheet("Breaches")
    for row in breach_rows(record, lang):
        breaches.append(row)
    if record.manual:
        manual = book.create_sheet("Manual")
        for row in manual_rows(record, lang):
            manual.append(row)
    for sensor in record.sensors:
        readings = book.create_sheet(sensor.code[:31])
        readings.append([_t(k, lang) for k in ("time", "celsius", "humidity", "calibration")])
        for slot in sensor.slots:
            readings.append([_local(slot.at, record.timezone), slot.celsius, slot.humidity,
                             _t("uncalibrated", lang) if slot.uncalibrated else ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
