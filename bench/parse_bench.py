"""Parse a mixed corpus of scans repeatedly and print the rates as JSON.

    python bench/parse_bench.py

Folded into `medwms bench run --scenario parse` (medwms.bench.scenarios.parse); this
script is kept as a shortcut to that scenario without a database.
"""

from __future__ import annotations

import json
from typing import Any

from medwms.bench.scenarios import parse


class _Quick:
    quick = False

    @staticmethod
    def pick(quick: int, full: int) -> int:
        return full


if __name__ == "__main__":
    ctx: Any = _Quick()
    print(json.dumps(parse.run(ctx), indent=2))
