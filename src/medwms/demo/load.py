"""A realistic demo data set: two warehouses, ~50 devices, partners, users and stock,
and a working day laid out on it (docs/demo.md lists what a person finds).

The master data and the opening stock are written in one unit of work, the opening stock
received through the ledger two days before the load. The day's documents then go through
the services a person would use, each its own unit of work (`medwms.demo.day`,
`.history`, `.sensors`), so `verify` holds afterwards. Nothing is dated after the load;
the same seed and day give the same master data and stock. A second load adds only what
is missing and otherwise changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.passwords import hash_password
from medwms.auth.rules import Actor, Role
from medwms.auth.tables import AuditRecord, User, UserRole
from medwms.barcode.checkdigit import gs1_check_digit
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database, UnitOfWork
from medwms.core.errors import Conflict
from medwms.demo import day, history, sensors
from medwms.demo.catalogue import (
    CUSTOMERS,
    DEPARTMENTS,
    FAMILIES,
    MAKERS,
    PARTNER_NAMES_EN,
    SUPPLIERS,
    USERS,
    Family,
    PartnerSpec,
    demo_password,
)
from medwms.demo.crew import crew
from medwms.demo.numbers import DemoDocuments, documents
from medwms.demo.sites import build_sites
from medwms.demo.stock import Product, StockBuilder
from medwms.ledger.tables import Lot, Movement, SerialUnit, Stock
from medwms.masterdata.tables import (
    Item,
    Location,
    Owner,
    Packaging,
    Partner,
    PartnerKind,
    Warehouse,
    Zone,
)
from medwms.qualification.service import file_existing

DEMO_ACTION = "demo.load"
DEMO_KEY = "medwms-demo"
LOCAL = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DemoUser:
    """A demo login: `created` is False when a user of that name already existed."""

    username: str
    role: str
    display_name: str
    password: str
    created: bool = True


@dataclass(frozen=True)
class DemoSummary:
    """What the demo holds: counts by kind, the users with their demo passwords, and the
    numbers of the day's documents."""

    already_loaded: bool
    counts: Mapping[str, int]
    users: tuple[DemoUser, ...]
    documents: DemoDocuments


def load_demo(db: Database, *, actor: Actor, now: datetime | None = None,
              seed: int = 7) -> DemoSummary:
    """Load the demo data set and its day as of `now` (the clock by default); a second load
    adds only what is missing; refused on a database holding other data."""
    now = (now or utc_now()).astimezone(UTC)
    today = local_date(now, LOCAL.key)
    users = _load_base(db, actor=actor, now=now, seed=seed)
    played = _play_the_day(db, actor=actor, now=now, today=today, seed=seed)
    with db.reading() as session:
        return DemoSummary(users is None and not played, _counts(session),
                           users or _demo_users(session), documents(session))


def _load_base(db: Database, *, actor: Actor, now: datetime, seed: int
               ) -> tuple[DemoUser, ...] | None:
    """Master data, users and opening stock in one unit of work; None if loaded before
    (then only the demo users of roles added since are created)."""
    today = local_date(now, LOCAL.key)
    with db.unit_of_work() as uow:
        session = uow.session
        if _loaded_before(session):
            return _add_new_roles(uow, actor=actor, now=now)
        _refuse_other_data(session)
        rng = random.Random(f"medwms-demo:{seed}:{today.isoformat()}")  # noqa: S311 - demo data
        opened = opening_time(today)
        users = _create_users(session, opened)
        owner = _self_owner(session)
        sites = build_sites(session)
        _partners(session, today, opened)
        stock = StockBuilder(session, rng, today, owner)
        for product in _items(session, rng, today, opened):
            stock.add(product, sites)
        session.flush()  # the demo's parties and products stand as approved long ago (首营)
        file_existing(session, now=opened, note="demo data")
        stock.post_all(actor=_receiver(session), now=opened)
        counts = _counts(session)
        record_audit(session, actor=actor, action=DEMO_ACTION, entity="demo",
                     entity_key=DEMO_KEY, after={"seed": seed, "today": today, **counts},
                     reason="demo data set loaded")
        uow.commit()
    return users


def _add_new_roles(uow: UnitOfWork, *, actor: Actor, now: datetime
                   ) -> tuple[DemoUser, ...] | None:
    """The demo users of roles added since the demo was loaded (e.g. the shipper, who packs
    and ships the next day's orders); None when every role has its user."""
    users = _create_users(uow.session, now)
    made = [user.username for user in users if user.created]
    if not made:
        return None
    record_audit(uow.session, actor=actor, action="demo.users", entity="demo",
                 entity_key=DEMO_KEY, after={"users": made}, reason="demo users of new roles")
    uow.commit()
    return users


def opening_time(today: date) -> datetime:
    """When the opening stock was received: 09:00 local, two days before `today`."""
    return datetime.combine(today - timedelta(days=2), time(9, 0), LOCAL).astimezone(UTC)


def _play_the_day(db: Database, *, actor: Actor, now: datetime, today: date,
                  seed: int) -> bool:
    """Yesterday's shipment, the mock recall, the sensors and today's documents."""
    people = crew(db)
    done = [history.ship_yesterday(db, crew=people, today=today),
            history.drill_mock_recall(db, crew=people),
            sensors.install_sensors(db, crew=people, actor=actor, now=now, seed=seed),
            day.post_notice(db, crew=people, now=now, today=today),
            day.plan_orders(db, crew=people, now=now, today=today),
            day.plan_count(db, crew=people, today=today)]
    return any(done)


def _loaded_before(session: Session) -> bool:
    query = select(AuditRecord.id).where(AuditRecord.action == DEMO_ACTION,
                                         AuditRecord.entity_key == DEMO_KEY)
    return session.scalars(query.limit(1)).first() is not None


def _refuse_other_data(session: Session) -> None:
    items = session.scalar(select(func.count()).select_from(Item)) or 0
    if items:
        raise Conflict("the database already holds {items} items: the demo only loads into an "
                       "empty database",
                       "数据库中已有 {items} 个物料：演示数据只能载入空数据库", items=items,
                       detail="the database already holds items")


COUNTED = (("warehouses", Warehouse), ("zones", Zone), ("locations", Location),
           ("items", Item), ("packaging levels", Packaging), ("partners", Partner),
           ("lots", Lot), ("serial units", SerialUnit), ("stock rows", Stock),
           ("movements", Movement), ("users", User))


def _counts(session: Session) -> dict[str, int]:
    session.flush()
    counts = {name: session.scalar(select(func.count()).select_from(table)) or 0
              for name, table in COUNTED}
    counts["units on hand"] = session.scalar(select(func.sum(Stock.quantity))) or 0
    return counts


def _demo_users(session: Session) -> tuple[DemoUser, ...]:
    existing = set(session.scalars(select(User.username)))
    return tuple(DemoUser(role.value, role.value, name, demo_password(role))
                 for role, name in USERS if role.value in existing)


def _create_users(session: Session, now: datetime) -> tuple[DemoUser, ...]:
    existing = set(session.scalars(select(User.username)))
    made = []
    for role, name in USERS:
        if role.value in existing:
            made.append(DemoUser(role.value, role.value, name, "(unchanged: user existed)",
                                 created=False))
            continue
        user = User(username=role.value, display_name=name, active=True, language="zh-CN",
                    password_hash=hash_password(demo_password(role)), created_at=now,
                    password_changed_at=now)
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role=role.value))
        made.append(DemoUser(role.value, role.value, name, demo_password(role)))
    session.flush()
    return tuple(made)


def _receiver(session: Session) -> Actor:
    """The demo receiver: the opening stock is received in their name."""
    user = session.scalars(select(User).where(User.username == Role.RECEIVER.value)).one()
    return Actor(user_id=user.id, username=user.username, roles=frozenset({Role.RECEIVER}))


def _self_owner(session: Session) -> Owner:
    owner = session.scalars(select(Owner).where(Owner.code == "SELF")).one_or_none()
    if owner is None:
        owner = Owner(code="SELF", name="本公司 Our company (demo)")
        session.add(owner)
        session.flush()
    return owner


def _partners(session: Session, today: date, stamp: datetime) -> None:
    for spec in SUPPLIERS:
        session.add(_partner(spec, PartnerKind.SUPPLIER, today, stamp))
    for spec in CUSTOMERS:
        hospital = _partner(spec, PartnerKind.CUSTOMER, today, stamp)
        session.add(hospital)
        session.flush()
        for code, name in DEPARTMENTS:
            session.add(Partner(code=f"{spec.code}-{code}", name=f"{spec.name} {name}",
                                name_en=f"{name.split(' ', 1)[-1]}, {hospital.name_en}",
                                kind=PartnerKind.DEPARTMENT, parent_id=hospital.id,
                                min_remaining_days=spec.min_remaining_days,
                                address=spec.address, updated_at=hospital.updated_at))
    session.flush()


def _partner(spec: PartnerSpec, kind: PartnerKind, today: date, stamp: datetime) -> Partner:
    number, expiry = "", None
    if spec.licence_days is not None:
        expiry = today + timedelta(days=spec.licence_days)
        number = f"{spec.licence_prefix}{expiry.year - 5}{sum(map(ord, spec.code)) % 9000 + 1000}号"
    return Partner(code=spec.code, name=spec.name, name_en=PARTNER_NAMES_EN.get(spec.code, ""),
                   kind=kind, licence_no=number,
                   licence_expiry=expiry, min_remaining_days=spec.min_remaining_days,
                   address=spec.address, contact="", active=True, updated_at=stamp)


def _items(session: Session, rng: random.Random, today: date,
           now: datetime) -> list[Product]:
    products: list[Product] = []
    references: dict[str, int] = {}
    for number, family in enumerate(FAMILIES, start=1):
        registration, expiry = _registration(family, rng, today, number)
        for model in family.models:
            reference = references[family.maker] = references.get(family.maker, 100) + 1
            item = _item(family, model, reference, registration, expiry, now)
            session.add(item)
            session.flush()
            session.add_all(_packagings(family, item, reference))
            products.append(Product(item, family, len(products)))
    session.flush()
    return products


def _item(family: Family, model: str, reference: int, registration: str,
          expiry: date | None, now: datetime) -> Item:
    temp_min, temp_max = family.temp
    return Item(
        code=f"{family.maker}-{family.code}-{reference:03d}", name_zh=family.name_zh,
        name_en=family.name_en, model=model, manufacturer=MAKERS[family.maker].name,
        registration_no=registration, registration_expiry=expiry,
        risk_class=family.risk_class, tracking=family.tracking, temp_min=temp_min,
        temp_max=temp_max, shelf_life_days=family.shelf_days, min_remaining_days=0,
        implant=family.implant, unit_cost=family.unit_cost, active=True, updated_at=now)


def _packagings(family: Family, item: Item, reference: int) -> list[Packaging]:
    prefix = MAKERS[family.maker].prefix
    packs = []
    for indicator, (level, quantity) in enumerate(family.packs):
        body = f"{indicator}{prefix}{reference:03d}"
        packs.append(Packaging(gtin=body + str(gs1_check_digit(body)), item_id=item.id,
                               level=level, quantity=quantity))
    return packs


def _registration(family: Family, rng: random.Random, today: date,
                  number: int) -> tuple[str, date | None]:
    """A certificate number in the NMPA format and its expiry (5 years after issue)."""
    maker = MAKERS[family.maker]
    serial = rng.randint(1, 999) * 10 + number % 10
    if family.risk_class == "I":
        year = today.year - rng.randint(2, 8)
        return f"{maker.province}{maker.filing_city}械备{year}{serial:04d}号", None
    expiry = today + timedelta(days=rng.randint(200, 1700))
    year = expiry.year - 5
    cls = "3" if family.risk_class == "III" else "2"
    if not maker.province:
        issuer = "国械注进"
    else:
        issuer = "国械注准" if family.risk_class == "III" else f"{maker.province}械注准"
    return f"{issuer}{year}{cls}{family.category}{serial:04d}", expiry
