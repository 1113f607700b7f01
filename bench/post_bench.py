"""Posting 1,000-line documents through ledger.post() against a raw executemany.

    python bench/post_bench.py [--database URL]

Folded into `medwms bench run --scenario ledger_post` (medwms.bench.scenarios.ledger_post);
this script runs just that scenario on a small generated data set and prints its JSON.
"""

from __future__ import annotations

import argparse
import json

from medwms.bench import runner
from medwms.bench.generate import Scale

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", help="PostgreSQL server URL (default: SQLite)")
    args = parser.parse_args()
    result = runner.run(database=args.database, scale=Scale(movements=10_000, items=50),
                        quick=False, names=["ledger_post"])
    print(json.dumps(result["scenarios"], indent=2))
