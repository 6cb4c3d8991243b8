"""Two bench runs side by side: ``python -m bench.compare old.json new.json``.

For every row of the newer run (matched by its key: measure and role): the old and new values
at large scale, new/old, and both runs' ratios to their own small scale and empty script (the
ratios are what stays comparable between machines). Rows present in only one run show ``—``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.run import fmt_ratio, fmt_value, render_table


def load(path: Path) -> dict[str, Any]:
    """A result file written by ``python -m bench``."""
    return json.loads(path.read_text())


def compare(old: dict[str, Any], new: dict[str, Any]) -> str:
    """The side-by-side table of two results (rows of ``new`` first, then rows only in ``old``)."""
    old_rows = {r["key"]: r for r in old["rows"]}
    new_rows = {r["key"]: r for r in new["rows"]}
    keys = list(new_rows) + [k for k in old_rows if k not in new_rows]
    headers = [
        "measure",
        "role",
        "old large",
        "new large",
        "new/old",
        "old large/small",
        "new large/small",
        "old large/empty",
        "new large/empty",
    ]
    lines = []
    for key in keys:
        o, n = old_rows.get(key, {}), new_rows.get(key, {})
        row = n or o
        unit = row["unit"]
        before, after = o.get("large"), n.get("large")
        lines.append(
            [
                row["measure"],
                row["role"],
                fmt_value(before, unit),
                fmt_value(after, unit),
                fmt_ratio(after / before if before and after is not None else None),
                fmt_ratio(o.get("large_vs_small")),
                fmt_ratio(n.get("large_vs_small")),
                fmt_ratio(o.get("large_vs_empty")),
                fmt_ratio(n.get("large_vs_empty")),
            ]
        )
    return render_table(headers, lines)


def describe(label: str, result: dict[str, Any]) -> str:
    """One line on what a run measured (date, scales, interventions)."""
    dbs = result["databases"]
    n = dbs["large"]["counts"]["interventions"]
    return (
        f"{label}: {result['started']} — scale {dbs['small']['scale']} / {dbs['large']['scale']}"
        f" ({n:,} interventions), median of {result['config']['reps']}".replace(",", " ")
    )


def main(argv: list[str] | None = None) -> int:
    """Print the comparison of two result files."""
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    old, new = load(args.old), load(args.new)
    print(describe("old", old))
    print(describe("new", new))
    print()
    print(compare(old, new))
    return 0


if __name__ == "__main__":
    sys.exit(main())
