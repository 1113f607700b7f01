"""The README and docs/ point only at files a clone of the repository has."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
# `docs/ledger.md`, `src/medwms/config.py`, [text](docs/x.md): paths, not commands or URLs
QUOTED = re.compile(r"`([A-Za-z0-9_.\-/]+\.(?:md|py|toml|json|yml|yaml|ini|cfg|txt))`")
LINKED = re.compile(r"\]\(([^)#\s]+)\)")


def pointers(page: Path) -> list[str]:
    """The file paths a page names (a bare file name like `rules.py` is a role, not a path;
    `/openapi.json` is a URL path on the server)."""
    text = page.read_text(encoding="utf-8")
    found = QUOTED.findall(text) + LINKED.findall(text)
    return [p for p in found if "/" in p and "://" not in p and not p.startswith("mailto:")]


def test_every_file_the_readme_and_docs_name_is_in_the_repository():
    missing = [(page.relative_to(REPO).as_posix(), pointer) for page in PAGES
               for pointer in pointers(page) if not pointer.startswith("/")  # a URL path
               and not ((page.parent / pointer).exists() or (REPO / pointer).exists())]
    assert missing == []


def test_no_page_points_outside_the_repository():
    outside = [(page.name, pointer) for page in PAGES for pointer in pointers(page)
               if pointer.startswith("../") or pointer.startswith(("/work/", "/home/", "/tmp/"))]
    assert outside == []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert "DESIGN.md" not in text and "COMPLIANCE.md" not in text, page.name
