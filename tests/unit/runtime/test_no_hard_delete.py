"""No hard delete of a record anywhere (retention, R01): every DELETE the code can issue and
every HTTP DELETE route is found statically and must be on the short allowlist below, of
tables that hold no record. A new delete of a record table fails here.

The scan reads every module of src/medwms with `ast`: SQLAlchemy `delete(Model)`, any
`.delete(...)` call (`session.delete(row)`, `Table.delete()`, `query.delete()`), and any string
holding "DELETE FROM". A `session.delete(row)` names no table, so its allowlist entry is the
function that issues it, with the table it deletes from.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from medwms.api.app import create_app
from medwms.config import Settings
from medwms.core.db import Base
from medwms.schema import metadata
from tests.support.routes import route_table

# (module, table) -> why the rows deleted there are not records.
ALLOWED: dict[tuple[str, str], str] = {
    ("medwms.auth.service", "user_role"):
        "a user's current roles, replaced as a set; each change is audited (user.roles) "
        "with the old and the new roles",
    ("medwms.auth.service", "user_warehouse"):
        "a user's current warehouse scope, replaced as a set; audited (user.warehouses)",
    ("medwms.auth.signin", "login_throttle"):
        "sign-in failure counters (a lock, a wait); unlocking and pruning are audited, the "
        "failures themselves are in the audit log (login.failed)",
    ("medwms.ledger.service", "stock"):
        "balance rows emptied to zero: the balance is the sum of the movements, which stay",
    ("medwms.core.idempotency", "idempotency_record"):
        "stored answers of Idempotency-Keys, kept idempotency_hours for replay, then purged",
    ("medwms.counting.counting", "count_entry"):
        "a counter's scan taken back before the count is submitted (the submitted count is "
        "the record, with its movements)",
    ("medwms.counting.plans", "abc_class"):
        "the ABC classification, recomputed as a whole from the movements",
    ("medwms.bench.scenarios.ledger_post", "movement"):
        "the benchmark's raw-SQL copies, in its own temporary database (never a warehouse's)",
    ("medwms.bench.scenarios.ledger_post", "stock"):
        "the benchmark's raw-SQL balance copies, in its own temporary database",
}
# `x.delete(row)` calls, which name no table: (module, function) -> the table.
OBJECT_DELETES: dict[tuple[str, str], str] = {
    ("medwms.auth.signin", "unlock_address"): "login_throttle",
}
# HTTP DELETE routes -> what they do instead of deleting a record, or what they delete.
DELETE_ROUTES: dict[str, str] = {
    "/api/v1/auth/api-tokens/{token_id}": "revokes the token (revoked_at); the row stays",
    "/api/v1/counting/tasks/{task_id}/scans/{entry_id}":
        "takes back a scan before submission (count_entry, allowed above)",
    "/api/v1/masterdata/{kind}/{key}": "deactivates the record (inactive or blocked); no delete",
}
# Never on the allowlist outside the benchmark: the append-only and quality record tables.
RECORD_TABLES = {"movement", "audit_record", "receipt", "receipt_line", "inspection",
                 "outbound_order", "shipment", "recall_case", "attachment", "runtime_setting"}


@dataclass(frozen=True)
class Site:
    """One place the code can delete rows."""

    module: str
    function: str
    line: int
    table: str  # "?" when the call names no table


def _tables_by_class() -> dict[str, str]:
    metadata()
    return {mapper.class_.__name__: mapper.class_.__tablename__
            for mapper in Base.registry.mappers}


def _modules() -> list[tuple[str, Path]]:
    root = Path(str(resources.files("medwms")))
    return [("medwms." + ".".join(path.relative_to(root).with_suffix("").parts)
             .removesuffix(".__init__"), path) for path in sorted(root.rglob("*.py"))]


class _Finder(ast.NodeVisitor):
    def __init__(self, module: str, tables: dict[str, str]) -> None:
        self.module, self.tables, self.sites, self.function = module, tables, [], "<module>"

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id == "delete":
            self._add(node, self._table_of(node.args[0]) if node.args else "?")
        elif isinstance(func, ast.Attribute) and func.attr == "delete" \
                and not _is_router(func.value):
            owner = self._table_of(func.value)
            if owner == "?" and isinstance(func.value, ast.Name) \
                    and func.value.id in {"sa", "sqlalchemy"}:
                owner = self._table_of(node.args[0]) if node.args else "?"
            self._add(node, owner)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            for match in re.finditer(r"\bDELETE\s+FROM\s+\"?(\w+)", node.value, re.IGNORECASE):
                self._add(node, match.group(1).lower())

    def _table_of(self, node: ast.expr) -> str:
        if isinstance(node, ast.Attribute) and node.attr == "__table__":
            node = node.value
        if isinstance(node, ast.Name):
            return self.tables.get(node.id, "?")
        return "?"

    def _add(self, node: ast.AST, table: str) -> None:
        if table == "?":
            table = OBJECT_DELETES.get((self.module, self.function), "?")
        self.sites.append(Site(self.module, self.function, getattr(node, "lineno", 0), table))


def _is_router(node: ast.expr) -> bool:
    """`@router.delete(…)` declares an HTTP route (checked against DELETE_ROUTES below)."""
    return isinstance(node, ast.Name) and node.id in {"router", "app"}


def delete_sites() -> list[Site]:
    """Every place in src/medwms that can issue a DELETE, with its table."""
    tables, sites = _tables_by_class(), []
    for module, path in _modules():
        finder = _Finder(module, tables)
        finder.visit(ast.parse(path.read_text("utf-8"), filename=str(path)))
        sites += finder.sites
    return sites


def test_every_delete_the_code_can_issue_is_of_a_table_that_holds_no_record():
    sites = delete_sites()
    unknown = [site for site in sites if (site.module, site.table) not in ALLOWED]
    assert unknown == [], (
        "a DELETE of a table not on the allowlist (records are never deleted: deactivate, "
        "void or archive them instead):\n" + "\n".join(map(str, unknown)))


def test_the_allowlist_is_short_and_every_entry_is_still_used():
    used = {(site.module, site.table) for site in delete_sites()}
    assert set(ALLOWED) == used
    assert len(ALLOWED) <= 12


def test_no_record_table_is_allowed_to_be_deleted_outside_the_benchmark():
    allowed = {table for (module, table) in ALLOWED if not module.startswith("medwms.bench.")}
    assert allowed.isdisjoint(RECORD_TABLES)
    assert set(ALLOWED.values()) and all(len(why) > 20 for why in ALLOWED.values())


def test_the_scan_finds_a_new_delete_of_a_record_table():
    source = ("from sqlalchemy import delete\n"
              "def purge(session):\n"
              "    session.execute(delete(Movement))\n"
              "    session.execute(text('DELETE FROM audit_record WHERE id = 1'))\n")
    finder = _Finder("medwms.somewhere", _tables_by_class())
    finder.visit(ast.parse(source))
    assert {(site.function, site.table) for site in finder.sites} == {
        ("purge", "movement"), ("purge", "audit_record")}


def test_every_http_delete_route_is_on_the_allowlist():
    app = create_app(Settings(database_url="sqlite://"))  # the API and the web pages
    routes = {route.path for route in route_table(app) if "DELETE" in route.methods}
    assert routes == set(DELETE_ROUTES)
