"""docs/security.md shows the roles as the code grants them: its table is ROLE_PERMISSIONS."""

from __future__ import annotations

import re
from pathlib import Path

from medwms.auth.rules import ROLE_PERMISSIONS, Perm, Role
from medwms.core.words import PERMISSIONS

PAGE = Path(__file__).resolve().parents[3] / "docs" / "security.md"
TABLE = re.compile(r"<!-- role-table: begin -->\n(.*?)<!-- role-table: end -->", re.S)


def role_table() -> str:
    """The table the page should show: a row per permission, a column per role."""
    rows = ["| permission | " + " | ".join(role.value for role in Role) + " |",
            "|---|" + "---|" * len(Role)]
    for perm in Perm:
        zh, en = PERMISSIONS[perm.value]
        marks = ["✓" if perm in ROLE_PERMISSIONS[role] else "" for role in Role]
        rows.append(f"| `{perm.value}` {en} ({zh}) | " + " | ".join(marks) + " |")
    return "\n".join(rows) + "\n"


def test_the_security_page_shows_the_role_table_of_the_code():
    found = TABLE.search(PAGE.read_text(encoding="utf-8"))
    assert found, "docs/security.md lost its role-table markers"
    assert found.group(1) == role_table(), "paste this table into docs/security.md:\n" \
        + role_table()


def test_the_shipper_ships_and_the_picker_does_not():
    assert Perm.SHIP in ROLE_PERMISSIONS[Role.SHIPPER] & ROLE_PERMISSIONS[Role.MANAGER]
    assert Perm.SHIP not in ROLE_PERMISSIONS[Role.PICKER]
