"""Which requests an API token's scope covers, and what a user who must change their
password may still do. Checked in `deps.get_actor` against the request's method and path,
matched to the route templates below (`/receipts/R-1/scans` is `/receipts/{receipt_no}/scans`;
a path parameter is one path segment) — before routing too, so the Idempotency-Key
middleware claims nothing for a request its token may not make.

What each scope means is said in `medwms.auth.scopes`; the tables below are its letter. A
test checks that every template named here is a route of the app, so the tables cannot
silently go stale when a route moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from fastapi import Request

from medwms.auth.errors import PasswordChangeRequired, TokenScopeDenied
from medwms.auth.scopes import ApiScope
from medwms.auth.sessions import Verified

READS = frozenset({"GET", "HEAD"})
P = "/api/v1"

# The writes the scanning stations make (web/static/stations/*.js and the scan macro).
STATION_WRITES: frozenset[tuple[str, str]] = frozenset({
    ("POST", f"{P}/scan/parse"),
    ("POST", f"{P}/receipts"),
    ("POST", f"{P}/receipts/{{receipt_no}}/arrival"),
    ("POST", f"{P}/receipts/{{receipt_no}}/scans"),
    ("POST", f"{P}/receipts/{{receipt_no}}/handover"),
    ("POST", f"{P}/receipts/{{receipt_no}}/close"),
    ("POST", f"{P}/inspections"),
    ("POST", f"{P}/inspections/{{inspection_no}}/conclude"),
    ("POST", f"{P}/putaway/suggest"),
    ("POST", f"{P}/putaway/confirm"),
    ("POST", f"{P}/waves/{{wave_no}}/location"),
    ("POST", f"{P}/waves/{{wave_no}}/picks"),
    ("POST", f"{P}/orders/{{order_no}}/verification"),
    ("POST", f"{P}/verifications/{{verification_no}}/scans"),
    ("POST", f"{P}/verifications/{{verification_no}}/finish"),
    ("POST", f"{P}/orders/{{order_no}}/shipment"),
    ("POST", f"{P}/shipments/{{shipment_no}}/units"),
    ("POST", f"{P}/shipments/{{shipment_no}}/units/{{sscc}}/scans"),
    ("POST", f"{P}/shipments/{{shipment_no}}/confirm"),
    ("POST", f"{P}/transfers/{{shipment_no}}/receipts/scans"),
    ("POST", f"{P}/transfers/{{shipment_no}}/close"),
    ("POST", f"{P}/returns"),
    ("POST", f"{P}/returns/{{return_no}}/scans"),
    ("POST", f"{P}/counting/plans/{{plan_no}}/start"),
    ("POST", f"{P}/counting/tasks/{{task_id}}/scans"),
    ("DELETE", f"{P}/counting/tasks/{{task_id}}/scans/{{entry_id}}"),
    ("POST", f"{P}/counting/tasks/{{task_id}}/close"),
})

# The writes of an ERP or a hospital system: master data, advance notices, orders, sensors.
INTEGRATION_WRITES: frozenset[tuple[str, str]] = frozenset({
    ("POST", f"{P}/masterdata/{{kind}}"),
    ("POST", f"{P}/masterdata/{{kind}}/import"),
    ("PATCH", f"{P}/masterdata/{{kind}}/{{key}}"),
    ("DELETE", f"{P}/masterdata/{{kind}}/{{key}}"),
    ("POST", f"{P}/notices"),
    ("POST", f"{P}/notices/import"),
    ("POST", f"{P}/orders"),
    ("POST", f"{P}/orders/import"),
    ("POST", f"{P}/orders/{{order_no}}/cancel"),
    ("POST", f"{P}/coldchain/readings"),
    ("POST", f"{P}/coldchain/sensors/{{code}}/readings/file"),
})

WRITES: dict[str, frozenset[tuple[str, str]]] = {
    ApiScope.READ_ONLY: frozenset(),
    ApiScope.STATIONS: STATION_WRITES,
    ApiScope.INTEGRATION: INTEGRATION_WRITES,
}

# What a user who must change their password may still do: see who they are, change it,
# sign out.
WHILE_PASSWORD_CHANGE: frozenset[tuple[str, str]] = frozenset({
    ("GET", f"{P}/auth/me"),
    ("POST", f"{P}/auth/password"),
    ("POST", f"{P}/auth/logout"),
})


def covers(scope: str, method: str, path: str) -> bool:
    """Whether a token of `scope` may make a `method` request to `path`."""
    if method in READS:
        return scope in WRITES
    return _matches(method, path, WRITES.get(scope, frozenset()))


def check_request(verified: Verified, request: Request) -> None:
    """Refuse (403) a request the token's scope does not cover, or anything but the password
    change while the user must change their password."""
    method, path = request.method, request.url.path
    if verified.must_change_password and not _matches(method, path, WHILE_PASSWORD_CHANGE):
        raise PasswordChangeRequired(user=verified.actor.username)
    if verified.scope is not None and not covers(verified.scope, method, path):
        raise TokenScopeDenied(scope=verified.scope, method=method, path=path)


def _matches(method: str, path: str, routes: Iterable[tuple[str, str]]) -> bool:
    path = path.rstrip("/") or "/"
    return any(m == method and _pattern(t).fullmatch(path) for m, t in routes)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """A route template as a pattern: each {parameter} is one path segment."""
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))
