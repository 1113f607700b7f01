"""Master-data commands: create, update, deactivate one record.

Each command opens one unit of work, checks MASTERDATA_WRITE, validates with `rules`,
writes, audits the change with the values before and after, and commits. Whole files go
through `importing`, which applies the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import reading_as, require, require_every_warehouse
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import Problem, ValidationError
from medwms.masterdata import queries, rules, store
from medwms.masterdata.errors import (
    CannotDeactivate,
    DuplicateRecord,
    KeyChangeRefused,
    RecordNotFound,
    UnknownKind,
)
from medwms.masterdata.kinds import KINDS, Kind, key_text

Record = dict[str, Any]


def kind_named(name: str) -> Kind:
    """The kind called `name` (items, packaging, owners, partners, warehouses, zones, …)."""
    kind = KINDS.get(name.strip().lower())
    if kind is None:
        raise UnknownKind(key=name, kinds=", ".join(KINDS), what="kind")
    return kind


def parse_key(kind: Kind, text: str) -> tuple[str, ...]:
    """A key from its text form (`CODE`, or `WAREHOUSE:ZONE` for zones), upper-cased."""
    parts = tuple(p.strip().upper() for p in text.split(":"))
    if kind.name == "packaging":
        parts = tuple(p.zfill(14) for p in parts)
    if len(parts) != len(kind.key):
        raise RecordNotFound(what=kind.entity, key=text)
    return parts


def browse(*, db: Database, actor: Actor, kind: str,
           filters: queries.Filters | None = None) -> queries.Page:
    """One page of records of `kind` for someone allowed to read master data."""
    require(actor, Perm.MASTERDATA_READ)
    spec = kind_named(kind)
    with reading_as(db, actor) as session:
        return queries.list_records(session, spec, filters or queries.Filters())


def fetch(*, db: Database, actor: Actor, kind: str, key: str) -> Record:
    """One record of `kind` by its key text."""
    require(actor, Perm.MASTERDATA_READ)
    spec = kind_named(kind)
    with reading_as(db, actor) as session:
        return queries.get_record(session, spec, parse_key(spec, key))


def today(now: datetime | None) -> date:
    return local_date(now or utc_now())


def create_record(*, db: Database, actor: Actor, kind: str, values: Mapping[str, object],
                  reason: str = "", now: datetime | None = None) -> Record:
    """Create one record of `kind`; refused if its key exists or a value is wrong."""
    spec = kind_named(kind)
    with db.unit_of_work() as uow:
        require_every_warehouse(actor, Perm.MASTERDATA_WRITE)
        parsed = _parse_one(spec, values)
        key = spec.key_of(parsed.values)
        lookup = store.load(uow.session, spec, [key])
        if key in lookup.existing:
            raise DuplicateRecord(what=spec.entity, key=key_text(key))
        refuse(ValidationError, rules.check_rows(spec, [parsed], lookup.context(spec,
                                                                             today(now))))
        row = store.new_row(spec)
        _write_one(uow.session, spec, lookup, row, parsed.values, now)
        record_audit(uow.session, actor=actor, action="create", entity=spec.entity,
                     entity_key=key_text(key), after=parsed.values, reason=reason[:300])
        uow.commit()
    return parsed.values


def update_record(*, db: Database, actor: Actor, kind: str, key: str,
                  changes: Mapping[str, object], reason: str = "",
                  reason_required: bool = False, now: datetime | None = None) -> Record:
    """Change some values of one record; the others stay as they are. With
    `reason_required` a change without a reason is refused."""
    spec = kind_named(kind)
    with db.unit_of_work() as uow:
        require_every_warehouse(actor, Perm.MASTERDATA_WRITE)
        refuse(ValidationError, rules.missing_reason(reason, required=reason_required))
        refuse(ValidationError, rules.unknown_columns(spec, changes))
        lookup, row, before = _load_one(uow.session, spec, key)
        parsed = _parse_one(spec, {**before, **changes})
        if spec.key_of(parsed.values) != spec.key_of(before):
            raise KeyChangeRefused(what=spec.entity, key=key)
        refuse(ValidationError, rules.check_rows(spec, [parsed], lookup.context(spec,
                                                                             today(now))))
        _write_one(uow.session, spec, lookup, row, parsed.values, now)
        record_audit(uow.session, actor=actor, action="update", entity=spec.entity,
                     entity_key=key_text(spec.key_of(before)), before=before,
                     after=parsed.values, reason=reason[:300])
        uow.commit()
    return parsed.values


def deactivate_record(*, db: Database, actor: Actor, kind: str, key: str, reason: str = "",
                      reason_required: bool = False, now: datetime | None = None) -> Record:
    """Take a record out of use: items, partners and packaging levels inactive, a location
    blocked. Nothing is deleted: stock and history keep naming the record."""
    return _set_in_use(db, actor, kind, key, in_use=False, reason=reason,
                       reason_required=reason_required, now=now)


def reactivate_record(*, db: Database, actor: Actor, kind: str, key: str, reason: str = "",
                      reason_required: bool = False, now: datetime | None = None) -> Record:
    """Put a record taken out of use back in use: an item, partner or packaging level active,
    a location unblocked."""
    return _set_in_use(db, actor, kind, key, in_use=True, reason=reason,
                       reason_required=reason_required, now=now)


def _set_in_use(db: Database, actor: Actor, kind: str, key: str, *, in_use: bool, reason: str,
                reason_required: bool, now: datetime | None) -> Record:
    """Set the record's in-use flag and audit it as "reactivate" or "deactivate"."""
    spec = kind_named(kind)
    with db.unit_of_work() as uow:
        require_every_warehouse(actor, Perm.MASTERDATA_WRITE)
        refuse(ValidationError, rules.missing_reason(reason, required=reason_required))
        if not spec.can_deactivate:
            raise CannotDeactivate(what=spec.entity)
        lookup, row, before = _load_one(uow.session, spec, key)
        flag = (IN_USE if in_use else OUT_OF_USE).get(spec.name, {"active": in_use})
        after = {**before, **flag}
        _write_one(uow.session, spec, lookup, row, after, now)
        record_audit(uow.session, actor=actor, action="reactivate" if in_use else "deactivate",
                     entity=spec.entity, entity_key=key_text(spec.key_of(before)),
                     before=before, after=after, reason=reason[:300])
        uow.commit()
    return after


# The flag that says a record is in use, where it is not `active` (a location is blocked).
IN_USE: dict[str, Record] = {"locations": {"blocked": False}}
OUT_OF_USE: dict[str, Record] = {"locations": {"blocked": True}}


def _parse_one(spec: Kind, values: Mapping[str, object]) -> rules.Parsed:
    problems = rules.unknown_columns(spec, values)
    parsed = rules.parse_record(spec, values)
    refuse(ValidationError, problems + list(parsed.problems))
    return parsed


def _load_one(session: Session, spec: Kind, text: str) -> tuple[store.Lookup, Any, Record]:
    key = parse_key(spec, text)
    lookup = store.load(session, spec, [key])
    row = lookup.existing.get(key)
    if row is None:
        raise RecordNotFound(what=spec.entity, key=text)
    return lookup, row, store.to_record(spec, row, lookup)


def _write_one(session: Session, spec: Kind, lookup: store.Lookup, row: Any,
               values: Record, now: datetime | None) -> None:
    store.apply(spec, row, values, lookup, now or utc_now())
    session.add(row)
    session.flush()


def refuse(error: type[ValidationError], problems: Sequence[Problem]) -> None:
    if problems:
        raise error(list(problems))


# Named commands per kind, for callers that know what they change (demo data, other features).


def create_item(*, db: Database, actor: Actor, values: Mapping[str, object],
                reason: str = "", now: datetime | None = None) -> Record:
    """Create an item (a device product)."""
    return create_record(db=db, actor=actor, kind="items", values=values, reason=reason,
                         now=now)


def update_item(*, db: Database, actor: Actor, key: str, changes: Mapping[str, object],
                reason: str = "", now: datetime | None = None) -> Record:
    """Change some values of an item (a device product)."""
    return update_record(db=db, actor=actor, kind="items", key=key, changes=changes,
                         reason=reason, now=now)


def deactivate_item(*, db: Database, actor: Actor, key: str, reason: str = "",
                    now: datetime | None = None) -> Record:
    """Take an item (a device product) out of use."""
    return deactivate_record(db=db, actor=actor, kind="items", key=key, reason=reason, now=now)


def create_packaging(*, db: Database, actor: Actor, values: Mapping[str, object],
                     reason: str = "", now: datetime | None = None) -> Record:
    """Create a packaging level (a GTIN of an item)."""
    return create_record(db=db, actor=actor, kind="packaging", values=values, reason=reason,
                         now=now)


def update_packaging(*, db: Database, actor: Actor, key: str, changes: Mapping[str, object],
                     reason: str = "", now: datetime | None = None) -> Record:
    """Change some values of a packaging level (a GTIN of an item)."""
    return update_record(db=db, actor=actor, kind="packaging", key=key, changes=changes,
                         reason=reason, now=now)


def deactivate_packaging(*, db: Database, actor: Actor, key: str, reason: str = "",
                         now: datetime | None = None) -> Record:
    """Take a packaging level (a GTIN of an item) out of use: the GTIN stays known (stock
    and history name it) but no new stock is received under it."""
    return deactivate_record(db=db, actor=actor, kind="packaging", key=key, reason=reason, now=now)


def reactivate_packaging(*, db: Database, actor: Actor, key: str, reason: str = "",
                         now: datetime | None = None) -> Record:
    """Put a packaging level (a GTIN of an item) back in use."""
    return reactivate_record(db=db, actor=actor, kind="packaging", key=key, reason=reason, now=now)


def create_owner(*, db: Database, actor: Actor, values: Mapping[str, object],
                 reason: str = "", now: datetime | None = None) -> Record:
    """Create a stock owner."""
    return create_record(db=db, actor=actor, kind="owners", values=values, reason=reason,
                         now=now)


def update_owner(*, db: Database, actor: Actor, key: str, changes: Mapping[str, object],
                 reason: str = "", now: datetime | None = None) -> Record:
    """Change some values of a stock owner."""
    return update_record(db=db, actor=actor, kind="owners", key=key, changes=changes,
                         reason=reason, now=now)


def create_partner(*, db: Database, actor: Actor, values: Mapping[str, object],
                   reason: str = "", now: datetime | None = None) -> Record:
    """Create a supplier, customer, clinical department or carrier."""
    return create_record(db=db, actor=actor, kind="partners", values=values, reason=reason,
                         now=now)


def update_partner(*, db: Database, actor: Actor, key: str, changes: Mapping[str, object],
                   reason: str = "", now: datetime | None = None) -> Record:
    """Change some values of a supplier, customer, clinical department or carrier."""
    return update_record(db=db, actor=actor, kind="partners", key=key, changes=changes,
                         reason=reason, now=now)


def deactivate_partner(*, db: Database, actor: Actor, key: str, reason: str = "",
                       now: datetime | None = None) -> Record:
    """Take a supplier, customer, clinical department or carrier out of use."""
    return deactivate_record(db=db, actor=actor, kind="partners", key=key, reason=reason, now=now)


def create_warehouse(*, db: Database, actor: Actor, values: Mapping[str, object],
                     reason: str = "", now: datetime | None = None) -> Record:
    """Create a warehouse."""
    return create_record(db=db, actor=actor, kind="warehouses", values=values, reason=reason,
                         now=now)


def update_warehouse(*, db: Database, actor: Actor, key: str, changes: Mapping[str, object],
                     reason: str = "", now: datetime | None = None) -> Record:
    """Change some values of a warehouse."""
    return update_record(db=db, actor=actor, kind="warehouses", key=key, changes=changes,
                         reason=reason, now=now)


def create_zone(*, db: Database, actor: Actor, values: Mapping[str, object],
                reason: str = "", now: datetime | None = None) -> Record:
    """Create a zone of a warehouse (key `WAREHOUSE:ZONE`)."""
    return create_record(db=db, actor=actor, kind="zones", values=values, reason=reason,
                         now=now)


def update_zone(*, db: Database, actor: Actor, key: str, changes: Mapping[str, object],
                reason: str = "", now: datetime | None = None) -> Record:
    """Change some values of a zone of a warehouse (key `WAREHOUSE:ZONE`)."""
    return update_record(db=db, actor=actor, kind="zones", key=key, changes=changes,
                         reason=reason, now=now)


def create_location(*, db: Database, actor: Actor, values: Mapping[str, object],
                    reason: str = "", now: datetime | None = None) -> Record:
    """Create a storage location."""
    return create_record(db=db, actor=actor, kind="locations", values=values, reason=reason,
                         now=now)


def update_location(*, db: Database, actor: Actor, key: str, changes: Mapping[str, object],
                    reason: str = "", now: datetime | None = None) -> Record:
    """Change some values of a storage location."""
    return update_record(db=db, actor=actor, kind="locations", key=key, changes=changes,
                         reason=reason, now=now)


def deactivate_location(*, db: Database, actor: Actor, key: str, reason: str = "",
                        now: datetime | None = None) -> Record:
    """Take a storage location out of use."""
    return deactivate_record(db=db, actor=actor, kind="locations", key=key, reason=reason, now=now)
