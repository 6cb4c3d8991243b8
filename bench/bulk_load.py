"""Bulk load speed: the seed's bulk path against a raw COPY of the very same rows.

    python bench/bulk_load.py --scale 200 [--db mif_bulk] [--keep]

Builds (drops first) the database ``--db``, generates the seed rows once, then in the same run:
1. raw psycopg COPY of those rows into plain tables (``LIKE <table> INCLUDING DEFAULTS,
   CONSTRAINTS, INDEXES``: same checks and indexes, no foreign keys, no triggers), rolled back;
2. ``run_seed`` on the bulk path with the same rows (triggers out of the way, keys and indexes
   rebuilt, derived rows computed set-wise, everything committed).
Prints interventions rows/s both ways (the bulk figure includes the intervention's share of the
index rebuild, key validation, rule checks and derived rows: audit, principal, usage, last
maintenance) and the whole load (every table) against a raw COPY of every table; the ratio is
bulk / raw. Drops the database at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db import config, migrate, seed

# Steps of the bulk path that stand for what the interventions' own triggers did.
INTERVENTION_STEPS = (
    "copy:interventions",
    "index:interventions",
    "fk:interventions",
    "derive:audit",
    "derive:principal",
    "derive:contract_usage",
    "derive:last_maintenance",
    "check:intervention_client_equipement",
    "check:intervention_equipement_retire",
    "check:intervention_contrat_client",
    "check:intervention_technicien_requis",
    "check:intervention_transition",
)


def raw_copy(conninfo: str, gen: seed.Generator) -> dict[str, float]:
    """Seconds of a raw COPY of each table's rows into a plain copy of it (rolled back)."""
    seconds: dict[str, float] = {}
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        for table in seed.LOAD_ORDER:
            cur.execute(
                f"CREATE TABLE bench_plain_{table} (LIKE {table}"
                " INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)"
            )
            t0 = time.perf_counter()
            seed.copy_rows(cur, f"bench_plain_{table}", seed.COLUMNS[table], gen.rows[table])
            seconds[table] = time.perf_counter() - t0
        conn.rollback()
    return seconds


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print it (and its JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=200)
    parser.add_argument("--db", default="mif_bulk")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    url = config.owner_url(args.db)
    migrate.drop_database(url)
    migrate.upgrade(url)
    conninfo = seed._psycopg_conninfo(url)
    now = datetime.now(UTC).astimezone(seed.TZ).replace(minute=0, second=0, microsecond=0)
    t0 = time.perf_counter()
    gen = seed.build_generator(scale=args.scale, now=now)
    generate = time.perf_counter() - t0
    raw = raw_copy(conninfo, gen)
    report = seed.run_seed(url=url, scale=args.scale, now=now, bulk=True, generator=gen)
    try:
        n = len(gen.rows["interventions"])
        loaded = sum(len(gen.rows[t]) for t in seed.LOAD_ORDER)
        bulk_interv = sum(report.timings.get(k, 0.0) for k in INTERVENTION_STEPS)
        bulk_all = sum(v for k, v in report.timings.items() if k != "generate")
        result = {
            "scale": args.scale,
            "interventions": n,
            "rows_loaded": loaded,
            "rows_after_load": sum(report.counts.values()),
            "mouvements_stock": report.counts["mouvements_stock"],
            "generate_s": round(generate, 2),
            "interventions_raw_rows_s": round(n / raw["interventions"]),
            "interventions_bulk_rows_s": round(n / bulk_interv),
            "interventions_ratio": round(raw["interventions"] / bulk_interv, 2),
            "all_raw_rows_s": round(loaded / sum(raw.values())),
            "all_bulk_rows_s": round(loaded / bulk_all),
            "all_ratio": round(sum(raw.values()) / bulk_all, 2),
            "seed_total_s": round(report.seconds, 1),
            "steps_s": {k: round(v, 3) for k, v in sorted(report.timings.items())},
        }
    finally:
        if not args.keep:
            migrate.drop_database(url)
    print(f"scale {args.scale}: {n:,} interventions, {result['rows_after_load']:,} rows in all,")
    print(f"  {result['mouvements_stock']:,} stock movements; rows generated in {generate:.1f} s")
    print(f"{'':24}{'raw COPY rows/s':>16}{'bulk seed rows/s':>18}{'ratio':>8}")
    print(
        f"{'interventions':24}{result['interventions_raw_rows_s']:>16,}"
        f"{result['interventions_bulk_rows_s']:>18,}{result['interventions_ratio']:>8.2f}"
    )
    print(
        f"{'every table':24}{result['all_raw_rows_s']:>16,}"
        f"{result['all_bulk_rows_s']:>18,}{result['all_ratio']:>8.2f}"
    )
    print(f"whole seed (generation included): {report.seconds:.1f} s")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
