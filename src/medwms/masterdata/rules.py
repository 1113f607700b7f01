"""Validation of master-data records and files: every problem found, with row and column.

Pure: the service loads what a check needs from the database (existing keys, known codes)
and passes it in as a `Context`, with today's date. One record typed in a form and ten
thousand rows of a spreadsheet go through the same functions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from medwms.core.errors import Problem
from medwms.masterdata.fields import FieldError, as_text, bilingual, is_blank
from medwms.masterdata.kinds import Kind
from medwms.masterdata.tables import PartnerKind

EXPIRY_COLUMNS = ("registration_expiry", "licence_expiry")


@dataclass(frozen=True)
class Context:
    """What the checks need to know about the database."""

    today: date
    existing: Collection[tuple[str, ...]] = frozenset()
    items: Collection[str] = frozenset()
    warehouses: Collection[str] = frozenset()
    zones: Collection[tuple[str, str]] = frozenset()
    partner_kinds: Mapping[str, str] = field(default_factory=dict)
    gtin_items: Mapping[str, str] = field(default_factory=dict)
    barcode_locations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Parsed:
    """One parsed record: its clean values, the row it came from, what is wrong with it."""

    values: dict[str, Any]
    row: int | None = None
    problems: tuple[Problem, ...] = ()


def problem(en: str, zh: str, *, column: str | None = None, row: int | None = None,
            value: object = None) -> Problem:
    """A bilingual Problem."""
    shown = None if value is None else as_text(value)
    return Problem(bilingual(en, zh), column=column, row=row, value=shown)


def missing_reason(reason: str, *, required: bool) -> list[Problem]:
    """A change that must say why (the master-data pages ask it of every change, taking out
    of use and putting back in use) and says nothing."""
    if not required or reason.strip():
        return []
    return [problem("say why (the audit log keeps it with the change)",
                    "请填写原因（审计记录与变更一同保存）", column="reason")]


def check_header(kind: Kind, header: Sequence[str]) -> list[Problem]:
    """Missing required columns (each named once), unknown and repeated columns."""
    expected = ", ".join(kind.column_names)
    found = [problem(f"required column {name} is missing; the columns are: {expected}",
                     f"缺少必填列 {name}；应有的列：{expected}", column=name, row=1)
             for name in kind.required_names if name not in header]
    found += unknown_columns(kind, header, row=1)
    found += [problem("column appears twice", "列重复", column=name, row=1)
              for name, count in Counter(header).items() if name and count > 1]
    return found


def unknown_columns(kind: Kind, names: Iterable[str], *, row: int | None = None
                    ) -> list[Problem]:
    """Names that are not columns of `kind` (a typo would otherwise drop data silently)."""
    expected = ", ".join(kind.column_names)
    return [problem(f"unknown column; the columns are: {expected}",
                    f"未知的列；应有的列：{expected}", column=name, row=row)
            for name in names if name and name not in kind.column_names]


def parse_record(kind: Kind, raw: Mapping[str, object], *, row: int | None = None) -> Parsed:
    """Parse every column of one record; blanks take the column default."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for column in kind.columns:
        cell = raw.get(column.name)
        if is_blank(cell):
            if column.required:
                problems.append(problem("required", "必填", column=column.name, row=row))
            values[column.name] = column.default
            continue
        try:
            values[column.name] = column.parse(cell)
        except FieldError as error:
            problems.append(Problem(str(error), column=column.name, row=row,
                                    value=as_text(cell)))
            values[column.name] = None
    if kind.name == "locations" and not values.get("barcode") and values.get("code"):
        values["barcode"] = f"#L:{values['code']}"
    return Parsed(values, row, tuple(problems))


def check_record(kind: Kind, values: Mapping[str, Any], *, today: date, creating: bool,
                 row: int | None = None) -> list[Problem]:
    """Checks across the columns of one record (ranges, expiry, partner hierarchy)."""
    found = _temperature_range(values, row)
    found += _shelf_life(values, row)
    if creating:
        found += _expiry_not_past(values, today, row)
    if kind.name == "partners":
        found += _partner_parent(values, row)
    return found


def _temperature_range(values: Mapping[str, Any], row: int | None) -> list[Problem]:
    low, high = values.get("temp_min"), values.get("temp_max")
    if low is not None and high is not None and low > high:
        return [problem(f"minimum temperature {low} °C is above maximum {high} °C",
                        f"最低温度 {low} °C 高于最高温度 {high} °C",
                        column="temp_min", row=row, value=low)]
    return []


def _shelf_life(values: Mapping[str, Any], row: int | None) -> list[Problem]:
    life, needed = values.get("shelf_life_days"), values.get("min_remaining_days")
    if life is not None and needed is not None and needed > life:
        return [problem(f"minimum remaining shelf life exceeds the shelf life ({life} days)",
                        f"最短剩余效期超过产品有效期（{life} 天）",
                        column="min_remaining_days", row=row, value=needed)]
    return []


def _expiry_not_past(values: Mapping[str, Any], today: date, row: int | None) -> list[Problem]:
    """A new registration certificate or licence must still be valid (GSP qualification)."""
    return [problem(f"already expired (today is {today.isoformat()}); a new record needs a "
                    "valid certificate or licence",
                    f"已过期（今天是 {today.isoformat()}）；新建记录的证照必须在有效期内",
                    column=name, row=row, value=values[name])
            for name in EXPIRY_COLUMNS if values.get(name) is not None and values[name] < today]


def _partner_parent(values: Mapping[str, Any], row: int | None) -> list[Problem]:
    department = values.get("kind") == PartnerKind.DEPARTMENT
    if department and not values.get("parent_code"):
        return [problem("a clinical department needs parent_code (its customer)",
                        "临床科室必须填写 parent_code（所属客户）", column="parent_code", row=row)]
    if not department and values.get("parent_code"):
        return [problem("only a clinical department has a parent",
                        "只有临床科室可以有上级", column="parent_code", row=row,
                        value=values["parent_code"])]
    return []


def check_references(kind: Kind, values: Mapping[str, Any], ctx: Context,
                     row: int | None = None) -> list[Problem]:
    """Codes that must name existing records, and unique values used by another record."""
    checks = {"packaging": _packaging_refs, "zones": _zone_refs,
              "locations": _location_refs, "partners": _partner_refs}
    check = checks.get(kind.name)
    return check(values, ctx, row) if check else []


def _unknown(what_en: str, what_zh: str, column: str, value: object,
             row: int | None) -> Problem:
    return problem(f"unknown {what_en} {value}", f"未知的{what_zh} {value}",
                   column=column, row=row, value=value)


def _packaging_refs(values: Mapping[str, Any], ctx: Context, row: int | None) -> list[Problem]:
    found = []
    item = values.get("item_code")
    if item and item not in ctx.items:
        found.append(_unknown("item", "产品", "item_code", item, row))
    owner = ctx.gtin_items.get(values.get("gtin") or "")
    if item and owner and owner != item:
        found.append(problem(f"GTIN already belongs to item {owner}",
                             f"GTIN 已属于产品 {owner}", column="gtin", row=row,
                             value=values["gtin"]))
    return found


def _zone_refs(values: Mapping[str, Any], ctx: Context, row: int | None) -> list[Problem]:
    warehouse = values.get("warehouse_code")
    if warehouse and warehouse not in ctx.warehouses:
        return [_unknown("warehouse", "仓库", "warehouse_code", warehouse, row)]
    return []


def _location_refs(values: Mapping[str, Any], ctx: Context, row: int | None) -> list[Problem]:
    found = _zone_refs(values, ctx, row)
    warehouse, zone = values.get("warehouse_code"), values.get("zone_code")
    if not found and warehouse and zone and (warehouse, zone) not in ctx.zones:
        found.append(_unknown(f"zone (in warehouse {warehouse})", f"库区（仓库 {warehouse}）",
                              "zone_code", zone, row))
    holder = ctx.barcode_locations.get(values.get("barcode") or "")
    if holder and holder != values.get("code"):
        found.append(problem(f"barcode already used by location {holder}",
                             f"条码已被库位 {holder} 使用", column="barcode", row=row,
                             value=values["barcode"]))
    return found


def _partner_refs(values: Mapping[str, Any], ctx: Context, row: int | None) -> list[Problem]:
    parent = values.get("parent_code")
    if not parent:
        return []
    if parent not in ctx.partner_kinds:
        return [_unknown("partner", "往来单位", "parent_code", parent, row)]
    if ctx.partner_kinds[parent] != PartnerKind.CUSTOMER:
        return [problem(f"parent {parent} is not a customer", f"上级 {parent} 不是客户",
                        column="parent_code", row=row, value=parent)]
    return []


def check_rows(kind: Kind, rows: Sequence[Parsed], ctx: Context) -> list[Problem]:
    """Every problem of a file: each row's own, cross-column, reference and duplicate ones."""
    ctx = _with_file_partners(kind, rows, ctx)
    found: list[Problem] = []
    for parsed in rows:
        found += parsed.problems
        if parsed.problems:
            continue
        creating = kind.key_of(parsed.values) not in ctx.existing
        found += check_record(kind, parsed.values, today=ctx.today, creating=creating,
                              row=parsed.row)
        found += check_references(kind, parsed.values, ctx, parsed.row)
    found += duplicates_in_file(kind, rows)
    order = {name: i for i, name in enumerate(kind.column_names)}
    return sorted(found, key=lambda p: (p.row or 0, order.get(p.column or "", -1)))


def _with_file_partners(kind: Kind, rows: Iterable[Parsed], ctx: Context) -> Context:
    """Departments may name a customer defined further up the same file."""
    if kind.name != "partners":
        return ctx
    kinds = dict(ctx.partner_kinds)
    kinds.update({p.values["code"]: p.values["kind"] for p in rows
                  if p.values.get("code") and p.values.get("kind")})
    return replace(ctx, partner_kinds=kinds)


def duplicates_in_file(kind: Kind, rows: Sequence[Parsed]) -> list[Problem]:
    """Rows repeating a key (or a location barcode) seen on an earlier row of the file."""
    columns = [kind.key] + ([("barcode",)] if kind.name == "locations" else [])
    found: list[Problem] = []
    for names in columns:
        first: dict[tuple[str, ...], int | None] = {}
        for parsed in rows:
            value = tuple(str(parsed.values.get(n) or "") for n in names)
            if not all(value):
                continue
            if value in first:
                found.append(_duplicate(names[-1], ":".join(value), first[value], parsed.row))
            else:
                first[value] = parsed.row
    return found


def _duplicate(column: str, value: str, first: int | None, row: int | None) -> Problem:
    return problem(f"duplicate: {value} is already on row {first} of this file",
                   f"重复：{value} 已在本文件第 {first} 行出现", column=column, row=row,
                   value=value)


def credential_problem(number: str, expiry: date | None, day: date) -> str | None:
    """Why a licence or registration is not valid on `day`: "missing", "expired" or None."""
    if not number.strip():
        return "missing"
    if expiry is not None and expiry < day:
        return "expired"
    return None
