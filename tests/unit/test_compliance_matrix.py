"""docs/compliance.md cannot rot: the 25 ranked duties are all there in order, each with a
status, every duty marked met names a test, and every test it names exists."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MATRIX = ROOT / "docs" / "compliance.md"
DUTIES = (
    "Expiry control with automatic lock",
    "Lot/serial traceability end to end",
    "Quality-status model with system-enforced zones",
    "Acceptance inspection record with all required fields",
    "Outbound review (出库复核) as a mandatory gate",
    "Audit-trail integrity",
    "Record retention",
    "Supplier and product qualification (首营) before first purchase",
    "Credential validity and business-scope control",
    "Customer qualification before first wholesale sale",
    "Role/permission management; QA-only master data and releases",
    "Real-time hard stops through UI and API",
    "Recall and stop-sale workflow",
    "Cold-chain receiving and acceptance",
    "Temperature/humidity records for every storage area",
    "Nonconforming goods handling",
    "Returns",
    "UDI capture and validation",
    "Receiving against PO and supplier delivery note",
    "Sales record and delivery note (随货同行单)",
    "Automatic backup with off-server copy and tested restore",
    "Hospital selection / consignment (选配, 跟台) flow",
    "Hospital implant use record",
    "Stocktake (盘点)",
    "3PL and multi-warehouse support",
)
HEADING = re.compile(r"^### (\d+)\. (.+)$", re.MULTILINE)
STATUS = re.compile(r"^- \*\*Status:\*\* (met|partly met|not met)\b(.*)$", re.MULTILINE)
NODE_ID = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)`")


def sections() -> list[tuple[int, str, str]]:
    """(number, title, body) of each ranked duty, in page order."""
    text = MATRIX.read_text(encoding="utf-8")
    ranked = text.split("\n## ", 2)[1] if "\n## " in text else text
    heads = list(HEADING.finditer(ranked))
    ends = [h.start() for h in heads[1:]] + [len(ranked)]
    return [(int(h[1]), h[2].strip(), ranked[h.end():end]) for h, end in zip(heads, ends,
                                                                              strict=True)]


@cache
def defined_tests(path: str) -> frozenset[str]:
    """Test functions of a file, top level and as `Class::method`, found by parsing it."""
    return collected_in((ROOT / path).read_text(encoding="utf-8"))


def collected_in(source: str) -> frozenset[str]:
    """Test functions of a module's source, top level and as `Class::method`."""
    tree = ast.parse(source)
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{item.name}" for item in node.body
                      if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)}
    return frozenset(n for n in names if n.split("::")[-1].startswith("test"))


def test_all_twenty_five_duties_are_listed_in_the_ranked_order():
    assert [(n, title) for n, title, _ in sections()] == list(enumerate(DUTIES, start=1))


def test_every_duty_has_exactly_one_status():
    for number, _title, body in sections():
        assert len(STATUS.findall(body)) == 1, f"duty {number}: one **Status:** line"


def test_every_duty_marked_met_names_at_least_one_test():
    for number, _title, body in sections():
        [(status, _rest)] = STATUS.findall(body)
        if status == "met":
            assert NODE_ID.search(body), f"duty {number} is met but names no test"


def test_a_duty_not_fully_met_says_what_is_missing():
    for number, _title, body in sections():
        [(status, _rest)] = STATUS.findall(body)
        if status != "met":
            assert "- **Missing:**" in body, f"duty {number} is {status}: say what is missing"


def test_every_named_test_exists_in_its_file():
    named = NODE_ID.findall(MATRIX.read_text(encoding="utf-8"))
    assert len(named) > 25
    missing = [f"{path}::{name}" for path, name in named
               if not (ROOT / path).is_file() or name not in defined_tests(path)]
    assert not missing, f"named in docs/compliance.md but not found: {missing}"


def test_the_checker_finds_functions_and_methods_in_classes_and_nothing_else():
    source = ("def test_top():\n    pass\n\n"
              "class TestGroup:\n    def test_inside(self):\n        pass\n\n"
              "    def helper(self):\n        pass\n\n"
              "def builder():\n    pass\n")
    assert collected_in(source) == {"test_top", "TestGroup::test_inside"}
    assert "test_that_was_never_written" not in defined_tests(
        "tests/unit/test_compliance_matrix.py")
