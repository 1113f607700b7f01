"""The qualification checks other services call inside their own unit of work.

Receiving, order entry, allocation, quality release and shipping each ask one function here
before they act; each loads the standing of the party and products (one statement per
party or product), asks the rules and raises the refusal naming the duty, who or what, and
the date. "Today" is the caller's local date at the moment of the action: a lapse blocks
from the day after the credential's last valid day, with no job needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from medwms.masterdata.tables import Item, Partner
from medwms.qualification import rules
from medwms.qualification.errors import refused
from medwms.qualification.rules import Refusal, Standing, Subject
from medwms.qualification.tables import Credential, QualificationFile


def credential_of(row: Credential) -> rules.Credential:
    """The rules' view of a credential row."""
    scope, _ = rules.parse_scope(row.scope)
    return rules.Credential(kind=row.kind, number=row.number, valid_until=row.valid_until,
                            valid_from=row.valid_from, scope=scope,
                            person_name=row.person_name, person_id_no=row.person_id_no,
                            region=row.region)


def _files(s: Session, where: ColumnElement[bool]) -> list[tuple[QualificationFile,
                                                                   Credential | None]]:
    """The files matching `where`, each with its current credentials, in one statement."""
    return [(f, c) for f, c in s.execute(
        select(QualificationFile, Credential)
        .outerjoin(Credential, (Credential.file_id == QualificationFile.id)
                   & Credential.superseded_by.is_(None))
        .where(where).order_by(QualificationFile.id, Credential.id)).tuples()]


def _standing_of(rows: Sequence[tuple[QualificationFile, Credential | None]], subject: str,
                 code: str, device_class: str = "") -> Standing:
    if not rows:
        return Standing(subject, code, None, device_class=device_class)
    file = rows[0][0]
    held = tuple(credential_of(c) for _, c in rows if c is not None)
    customers = frozenset(t for t in file.customers.split() if t)
    return Standing(subject, code, file.state, held, file.customer_type, device_class,
                    file.catalogue_code, customers)


def _standing(s: Session, where: ColumnElement[bool], subject: str, code: str,
              device_class: str = "") -> Standing:
    return _standing_of(_files(s, where), subject, code, device_class)


def partner_standing(s: Session, partner: Partner) -> Standing:
    """A supplier's or customer's file and current credentials."""
    subject = Subject.SUPPLIER if partner.kind == "SUPPLIER" else Subject.CUSTOMER
    return _standing(s, QualificationFile.partner_id == partner.id, subject, partner.code)


def item_standing(s: Session, item: Item) -> Standing:
    """A product's file and current credentials, with its device class."""
    return _standing(s, QualificationFile.item_id == item.id, Subject.ITEM, item.code,
                     item.risk_class)


def person_standing(s: Session, person_code: str) -> Standing:
    """A salesperson's file (by ID number) and current letters."""
    code = person_code.strip().upper()
    return _standing(s, QualificationFile.person_code == code, Subject.SALESPERSON, code)


def _raise(found: Refusal | None, action: str, today: date) -> None:
    if found is not None:
        raise refused(found, action, today)


def check_party(s: Session, *, partner: Partner, today: date, action: str) -> None:
    """G01/G24/G03: the supplier or customer is approved and none of its credentials lapsed."""
    _raise(rules.standing_refusal(partner_standing(s, partner), today), action, today)


def check_receiving(s: Session, *, supplier_id: int, supplier_code: str, item: Item,
                    today: date) -> None:
    """G01/G02/G03/G06: the supplier and the product are approved, nothing lapsed, and the
    product inside the supplier's scope. Both files are read in one statement (a receiving
    scan asks this every time)."""
    rows = _files(s, (QualificationFile.partner_id == supplier_id)
                  | (QualificationFile.item_id == item.id))
    party = _standing_of([r for r in rows if r[0].partner_id == supplier_id],
                         Subject.SUPPLIER, supplier_code)
    _raise(rules.standing_refusal(party, today), "RECEIVE", today)
    product = _standing_of([r for r in rows if r[0].item_id == item.id], Subject.ITEM,
                           item.code, item.risk_class)
    _raise(rules.standing_refusal(product, today), "RECEIVE", today)
    _raise(rules.scope_refusal(party, rules.trading_scope(party, today), product, "G03"),
           "RECEIVE", today)


def check_items(s: Session, *, items: Sequence[Item], today: date, action: str) -> None:
    """G02/G06: every product approved, its registration not lapsed."""
    for item in _distinct(items):
        _raise(rules.standing_refusal(item_standing(s, item), today), action, today)


def check_sale(s: Session, *, customer: Partner, items: Sequence[Item], today: date,
               action: str, salesperson: str = "") -> None:
    """G24/G03/G30: the customer approved with nothing lapsed, each product approved, inside
    the customer's scope and allowed to its type; the salesperson's letter covers it."""
    party = partner_standing(s, customer)
    _raise(rules.standing_refusal(party, today), action, today)
    scope = rules.trading_scope(party, today)
    person = person_standing(s, salesperson) if salesperson.strip() else None
    for item in _distinct(items):
        product = item_standing(s, item)
        _raise(rules.standing_refusal(product, today), action, today)
        _raise(rules.scope_refusal(party, scope, product, "G24"), action, today)
        _raise(rules.customer_refusal(party, product), action, today)
        if person is not None:
            _raise(rules.salesperson_refusal(person, product, today), action, today)


def check_outbound(s: Session, *, consignee: Partner | None, items: Sequence[Item],
                   today: date, kind: str, action: str, salesperson: str = "") -> None:
    """The checks an outbound order's step needs: a sale to a customer the full sale checks,
    any other order but a transfer its products'."""
    if kind == "TRANSFER":
        return
    if kind == "SALE" and consignee is not None and consignee.kind == "CUSTOMER":
        check_sale(s, customer=consignee, items=items, today=today, action=action,
                   salesperson=salesperson)
    else:
        check_items(s, items=items, today=today, action=action)


def _distinct(items: Sequence[Item]) -> list[Item]:
    seen: dict[int, Item] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return list(seen.values())
