"""``python -m bench`` (``make bench``): the app at demo scale and at a million interventions.

1. Two databases of their own, built or reused: the *small* one (seed scale 1, the demo's
   size) and the *large* one (``--scale``, default chosen for >= 1,000,000 interventions).
   A database is reused when its schema is at the head revision and its marker (a comment on
   the database, written once the seed committed) names the same scale; otherwise it is
   dropped and rebuilt (migrate + seed).
2. Per database, one worker process (``bench.worker serve``) times an empty Streamlit script,
   the login screen and every page × role with ``AppTest``; both are asked in turn, cell by
   cell, so the machine's load falls on both scales alike. A worker's peak RSS is the app's
   after visiting every page.
3. View refresh and retention (``archive_old_interventions()``, rolled back) on both; CSV and
   Excel exports of up to ``--export-rows`` machines on the large one, each in its own
   process (time and peak RSS); bulk load against raw COPY (``bench/bulk_load.py``, on a
   database of its own at ``--bulk-scale``) when that script exists.
4. One table on stdout (medians of ``--reps`` runs), the same data with every sample in
   ``bench/results/<timestamp>.json``; ``python -m bench.compare old.json new.json`` puts two
   runs side by side.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_INTERVENTIONS = 1_000_000
# About 585 interventions per seed scale unit (526,679 at scale 900); scale 1720 loads
# 1,005,992, the first round figure above the target.
DEFAULT_SCALE = 1720
SMALL_SCALE = 1
BULK_SCALE = 200  # bulk load vs raw COPY: ~117,000 interventions, about a minute
MARKER = "mif-bench scale={scale} seed={seed}"
MISSING = "<missing>"
COUNTED = ("interventions", "equipements", "clients", "users", "mouvements_stock", "factures")

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------------------------


def _marker(url: Any) -> str | None:
    """The comment on the database at ``url`` (``MISSING`` when there is no such database)."""
    from sqlalchemy import create_engine, pool, text

    from db import migrate

    with migrate.server_admin(url) as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
        )
    if not exists:
        return MISSING
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.scalar(
                text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
                    " WHERE datname = current_database()"
                )
            )
    finally:
        engine.dispose()


def counts(url: Any) -> dict[str, int]:
    """Exact rows of the main tables."""
    from sqlalchemy import create_engine, pool, text

    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return {
                table: int(conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
                for table in COUNTED
            }
    finally:
        engine.dispose()


def seed_fingerprint() -> str:
    """Short hash of the seed's code: a database built by another seed is rebuilt."""
    digest = hashlib.sha256()
    for name in ("seed.py", "seed_data.py"):
        path = ROOT / "db" / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _has_tables(url: Any) -> bool:
    from sqlalchemy import create_engine, pool, text

    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return bool(
                conn.scalar(
                    text("SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public')")
                )
            )
    finally:
        engine.dispose()


def prepare_database(name: str, scale: int, log: Log, *, rebuild: bool = False) -> dict[str, Any]:
    """Reuse ``name`` when it was seeded at ``scale`` by this seed, else (re)build it.

    A reused database behind the head revision is migrated in place (its data stays). Only a
    database this command built (its marker) or an empty one is ever dropped: pointing the
    bench at the demo or production database by mistake stops with a message.
    Returns the database's name, scale, whether it was reused, the build time and row counts.
    """
    from sqlalchemy import create_engine, pool, text

    from db import config, migrate
    from db.seed import run_seed

    url = config.owner_url(name)
    wanted = MARKER.format(scale=scale, seed=seed_fingerprint())
    found = _marker(url)
    info: dict[str, Any] = {"name": name, "scale": scale, "reused": False}
    if found == wanted and not rebuild:
        info["reused"] = True
        if migrate.current_revision(url) != migrate.head_revision():
            log(f"  base {name} (échelle {scale}) réutilisée, migrée à la dernière révision")
            migrate.upgrade(url)
        else:
            log(f"  base {name} (échelle {scale}) réutilisée")
    else:
        if found is not MISSING and not (found or "").startswith("mif-bench ") and _has_tables(url):
            raise SystemExit(
                f"La base « {name} » existe et n'a pas été construite par le banc d'essai : "
                "choisissez un autre nom (--db, BENCH_DB)."
            )
        log(f"  base {name} : construction à l'échelle {scale} (migration + seed)…")
        started = time.perf_counter()
        migrate.drop_database(url)
        migrate.upgrade(url)
        migrated = time.perf_counter()
        report = run_seed(url=url, scale=scale)
        seeded = time.perf_counter()
        engine = create_engine(url, poolclass=pool.NullPool, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                # Only once the seed committed: an interrupted build is never reused.
                conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{wanted}'"))
                conn.execute(text("VACUUM ANALYZE"))
        finally:
            engine.dispose()
        info["migrate_seconds"] = migrated - started
        info["seed_seconds"] = report.seconds
        info["seed_timings"] = getattr(report, "timings", None)  # the bulk path's steps
        info["build_seconds"] = time.perf_counter() - started
        log(
            f"  base {name} prête en {info['build_seconds']:.1f} s (seed {seeded - migrated:.1f} s)"
        )
    info["marker"] = wanted
    info["revision"] = migrate.current_revision(url)
    info["counts"] = counts(url)
    return info


# --------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------


def _worker_env(database: str) -> dict[str, str]:
    # The worker's database, no deliberate pause on logged-out runs (a defence, not work), and
    # a cookie key even on an external server (the app refuses to start without one).
    env = dict(os.environ, MIF_DB_NAME=database, MIF_LOGIN_DELAY="0")
    env.setdefault("MIF_COOKIE_KEY", "bench-only-cookie-key-0123456789abcdef")
    return env


def _worker(args: list[str], database: str, quiet: bool, attempts: int = 2) -> dict[str, Any]:
    """Run ``bench.worker`` on ``database`` and return the JSON it wrote.

    Tried twice: the embedded server's owner list (a JSON file every process using the server
    rewrites at start and exit) can be read half-written when processes start and stop at the
    same moment, which fails a start that a second try passes.
    """
    try:
        return _worker_once(args, database, quiet)
    except RuntimeError:
        if attempts <= 1:
            raise
        time.sleep(1)
        return _worker(args, database, quiet, attempts - 1)


def _worker_once(args: list[str], database: str, quiet: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="mif-bench-") as folder:
        out = Path(folder) / "result.json"
        command = [sys.executable, "-m", "bench.worker", *args, "--out", str(out)]
        done = subprocess.run(
            command, cwd=ROOT, env=_worker_env(database), capture_output=quiet, text=True
        )
        if done.returncode != 0:
            detail = (done.stderr or "")[-4000:] if quiet else ""
            raise RuntimeError(f"bench.worker {' '.join(args)} failed on {database}\n{detail}")
        return json.loads(out.read_text())


class PageWorker:
    """A ``bench.worker serve`` process: the app on one database, measured cell by cell."""

    def __init__(self, database: str, quiet: bool) -> None:
        self.database = database
        self._errors = tempfile.TemporaryFile(mode="w+") if quiet else None  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.worker", "serve"],
            cwd=ROOT,
            env=_worker_env(database),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
        )

    def ask(self, op: str, **fields: Any) -> dict[str, Any]:
        """Send one request and wait for its answer (``RuntimeError`` on a failure)."""
        from bench.worker import REPLY

        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(REPLY):
                answer = json.loads(line[len(REPLY) :])
                if "error" in answer:
                    raise RuntimeError(f"{self.database}: {answer['error']}{self._stderr()}")
                return answer
        raise RuntimeError(f"{self.database}: the worker stopped{self._stderr()}")

    def _stderr(self) -> str:
        if self._errors is None:
            return ""
        self._errors.seek(0)
        return "\n" + self._errors.read()[-4000:]

    def close(self) -> None:
        """Let the process end (it does after ``finish`` or when stdin closes), else kill it.

        A clean exit matters: the embedded server's owner list is updated at exit.
        """
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._errors is not None:
            self._errors.close()


def measure_pages(
    names: dict[str, str], reps: int, warmup: int, quiet: bool, log: Log
) -> dict[str, dict[str, Any]]:
    """Every cell on every database, interleaved: for each repetition and each cell, one
    sample per database (the order alternating), so that the machine's busy moments fall on
    both scales alike. ``warmup`` rounds are run first and not kept."""
    workers = {kind: PageWorker(name, quiet) for kind, name in names.items()}
    try:
        described = {kind: w.ask("describe") for kind, w in workers.items()}
        order: list[dict[str, str]] = []
        for answer in described.values():
            order += [c for c in answer["cells"] if c not in order]
        available = {
            kind: {c["key"] for c in answer["cells"]} for kind, answer in described.items()
        }
        samples: dict[str, dict[str, list[float]]] = {kind: {} for kind in workers}
        kinds = list(workers)
        for round_ in range(warmup + reps):
            log(f"  tour {round_ + 1}/{warmup + reps}" + (" (chauffe)" if round_ < warmup else ""))
            for cell in order:
                for kind in kinds if round_ % 2 == 0 else kinds[::-1]:
                    if cell["key"] not in available[kind]:
                        continue
                    seconds = workers[kind].ask("measure", key=cell["key"])["seconds"]
                    if round_ >= warmup:
                        samples[kind].setdefault(cell["key"], []).append(seconds)
        out: dict[str, dict[str, Any]] = {}
        for kind, worker in workers.items():
            cells = samples[kind]
            out[kind] = {
                "empty_script": cells.pop("empty script|-"),
                "empty_script_rerun": cells.pop("empty script rerun|-"),
                "cells": [{**c, "samples": cells[c["key"]]} for c in order if c["key"] in cells],
                "busiest_machine": described[kind]["busiest_machine"],
                "peak_rss_mb": worker.ask("finish")["peak_rss_mb"],
            }
        return out
    finally:
        for worker in workers.values():
            worker.close()


def timed_sql(name: str, statement: str, *, rollback: bool) -> dict[str, Any]:
    """Seconds of one statement as the table owner (the CLI's way), committed or rolled back."""
    from sqlalchemy import create_engine, pool, text
    from sqlalchemy.orm import Session

    from db import config
    from db.session import SYSTEM, apply_actor

    engine = create_engine(config.owner_url(name), poolclass=pool.NullPool)
    try:
        with Session(engine) as session:
            session.begin()
            apply_actor(session, SYSTEM)
            started = time.perf_counter()
            row = session.execute(text(statement)).first()
            elapsed = time.perf_counter() - started
            if rollback:
                session.rollback()
            else:
                session.commit()
    finally:
        engine.dispose()
    return {"seconds": elapsed, "result": list(row) if row is not None else None}


def vacuum(name: str) -> None:
    """``VACUUM (ANALYZE)`` the database ``name`` as its owner."""
    from sqlalchemy import create_engine, pool, text

    from db import config

    engine = create_engine(
        config.owner_url(name), poolclass=pool.NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    finally:
        engine.dispose()


def measure_database_jobs(name: str, reps: int, log: Log) -> dict[str, Any]:
    """View refresh and retention (rolled back), ``reps`` times each."""
    refresh = [
        timed_sql(name, "SELECT refresh_materialized_views()", rollback=False)["seconds"]
        for _ in range(reps)
    ]
    retention_runs = [
        timed_sql(name, "SELECT * FROM archive_old_interventions()", rollback=True)
        for _ in range(reps)
    ]
    # A rolled-back delete still clears the visibility map of every page it touched: without
    # a VACUUM the next run's index-only scans would fetch the heap (a slower, unlike base).
    vacuum(name)
    out = {
        "refresh_views": refresh,
        "retention": [r["seconds"] for r in retention_runs],
        "retention_counts": retention_runs[0]["result"],
    }
    log(
        f"  {name}: refresh {statistics.median(refresh):.2f} s,"
        f" retention {statistics.median(out['retention']):.2f} s"
    )
    return out


def bulk_load_measure(db: str, scale: int, quiet: bool, log: Log) -> dict[str, Any] | None:
    """The bulk loader's comparison (``bench/bulk_load.py``), when that script exists.

    It builds and drops its own database (``<db>_bulk``), loads the seed's rows at ``scale``
    both by a raw COPY into plain tables and by the seed's bulk path, and prints its figures as
    a JSON object on its last line, which is returned (None when the script is absent or
    ``scale`` is 0; ``{"error": ...}`` when it failed, so the rest of the run is kept).
    """
    if scale <= 0 or importlib.util.find_spec("bench.bulk_load") is None:
        return None
    log(f"Chargement en masse contre COPY brut (bench/bulk_load.py, échelle {scale})")
    command = [
        sys.executable,
        str(ROOT / "bench" / "bulk_load.py"),
        *("--scale", str(scale), "--db", f"{db}_bulk"),
    ]
    done = subprocess.run(
        command, cwd=ROOT, env=_worker_env(f"{db}_bulk"), capture_output=True, text=True
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        log(f"  bench/bulk_load.py a échoué :\n{done.stderr[-2000:]}")
        return {"error": done.stderr[-2000:]}
    if not quiet:
        log("\n".join(f"  {line}" for line in lines[:-1]))
    try:
        result = json.loads(lines[-1])
    except ValueError:
        return {"error": "no JSON line", "output": lines[-5:]}
    return result if isinstance(result, dict) else {"result": result}


# --------------------------------------------------------------------------------------------
# Table
# --------------------------------------------------------------------------------------------


def _median(samples: list[float] | None, factor: float = 1.0) -> float | None:
    return statistics.median(samples) * factor if samples else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def build_rows(small: dict[str, Any], large: dict[str, Any], extra: dict[str, Any]) -> list[dict]:
    """Rows of the table (values in the row's unit), from both databases' measurements."""
    rows: list[dict[str, Any]] = []
    empty_s = _median(small["pages"]["empty_script"], 1000)
    empty_l = _median(large["pages"]["empty_script"], 1000)
    rows.append(
        {
            "key": "empty script|-",
            "measure": "empty Streamlit script (new session)",
            "role": "-",
            "unit": "ms",
            "small": empty_s,
            "large": empty_l,
        }
    )
    rows.append(
        {
            "key": "empty script rerun|-",
            "measure": "empty script, rerun in a session",
            "role": "-",
            "unit": "ms",
            "small": _median(small["pages"].get("empty_script_rerun"), 1000),
            "large": _median(large["pages"].get("empty_script_rerun"), 1000),
        }
    )
    large_cells = {c["key"]: c for c in large["pages"]["cells"]}
    for cell in small["pages"]["cells"]:
        other = large_cells.get(cell["key"])
        s = _median(cell["samples"], 1000)
        lg = _median(other["samples"], 1000) if other else None
        row = {
            "key": cell["key"],
            "measure": cell["page"],
            "role": cell["role"],
            "unit": "ms",
            "small": s,
            "large": lg,
            "small_vs_empty": _ratio(s, empty_s),
            "large_vs_empty": _ratio(lg, empty_l),
        }
        # The bound: within 2x the small-scale time and under 2x empty + 50 ms.
        if lg is not None and s is not None and empty_l is not None:
            row["bounded"] = lg <= 2 * s and lg <= 2 * empty_l + 50
        rows.append(row)
    for job, label in (("refresh_views", "view refresh"), ("retention", "retention (rolled back)")):
        rows.append(
            {
                "key": f"{job}|owner",
                "measure": label,
                "role": "owner",
                "unit": "s",
                "small": _median(small["jobs"][job]),
                "large": _median(large["jobs"][job]),
            }
        )
    for fmt, label in (("csv", "CSV"), ("xlsx", "Excel")):
        export = extra.get(f"export_{fmt}")
        if not export:
            continue
        n = f"{export['rows']:,}".replace(",", " ")
        rows.append(
            {
                "key": f"export {fmt} time|admin",
                "measure": f"{label} export, {n} rows",
                "role": "admin",
                "unit": "s",
                "small": None,
                "large": export["seconds"],
            }
        )
        rows.append(
            {
                "key": f"export {fmt} rss|admin",
                "measure": f"{label} export, peak RSS",
                "role": "admin",
                "unit": "MiB",
                "small": None,
                "large": export["peak_rss_mb"],
            }
        )
    rows.append(
        {
            "key": "app peak rss|all",
            "measure": "app process peak RSS, every page",
            "role": "all",
            "unit": "MiB",
            "small": small["pages"]["peak_rss_mb"],
            "large": large["pages"]["peak_rss_mb"],
        }
    )
    bulk = extra.get("bulk_load") or {}
    for key, label, unit in (
        ("interventions_raw_rows_s", "interventions, raw COPY", "rows/s"),
        ("interventions_bulk_rows_s", "interventions, bulk seed", "rows/s"),
        ("interventions_ratio", "interventions, bulk / raw COPY", "ratio"),
        ("all_raw_rows_s", "every table, raw COPY", "rows/s"),
        ("all_bulk_rows_s", "every table, bulk seed", "rows/s"),
        ("all_ratio", "every table, bulk / raw COPY", "ratio"),
    ):
        if isinstance(bulk.get(key), int | float):
            rows.append(
                {
                    "key": f"bulk {key}|owner",
                    "measure": f"bulk load (scale {bulk.get('scale')}): {label}",
                    "role": "owner",
                    "unit": unit,
                    "small": None,
                    "large": float(bulk[key]),
                }
            )
    for row in rows:
        row["large_vs_small"] = _ratio(row.get("large"), row.get("small"))
    return rows


def fmt_value(value: float | None, unit: str) -> str:
    """``105 ms``, ``1.23 s``, ``212 MiB``; ``—`` when not measured."""
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.0f} ms" if value < 10_000 else f"{value / 1000:.1f} s"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:,.0f} s"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.0f} {unit}".replace(",", " ")


def fmt_ratio(value: float | None) -> str:
    """``1.9×`` (``—`` when there is nothing to compare)."""
    return "—" if value is None else f"{value:.2f}×"


def render_table(headers: list[str], lines: list[list[str]]) -> str:
    """A Markdown table with aligned columns (readable on a terminal and in the README)."""
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(headers), rule, *(fmt(line) for line in lines)])


def table(result: dict[str, Any]) -> str:
    """The run's table: every row with small, large and the ratios."""
    small, large = result["databases"]["small"], result["databases"]["large"]
    headers = [
        "measure",
        "role",
        f"small (scale {small['scale']})",
        f"large (scale {large['scale']})",
        "large/small",
        "large/empty",
        "bound",
    ]
    lines = []
    for row in result["rows"]:
        bounded = row.get("bounded")
        lines.append(
            [
                row["measure"],
                row["role"],
                fmt_value(row.get("small"), row["unit"]),
                fmt_value(row.get("large"), row["unit"]),
                fmt_ratio(row.get("large_vs_small")),
                fmt_ratio(row.get("large_vs_empty")),
                "" if bounded is None else ("ok" if bounded else "over"),
            ]
        )
    return render_table(headers, lines)


def header(result: dict[str, Any]) -> str:
    """What was measured: when, where, on which databases, how many repetitions."""
    out = [
        f"MIF bench {result['started']} — {result['host']['cpus']} CPU, "
        f"Python {result['host']['python']}, Streamlit {result['host']['streamlit']}, "
        f"médiane de {result['config']['reps']} mesure(s)"
    ]
    for kind in ("small", "large"):
        db = result["databases"][kind]
        c = db["counts"]
        out.append(
            f"  {kind}: {db['name']} (scale {db['scale']}) — "
            f"{c['interventions']:,} interventions, {c['equipements']:,} machines, "
            f"{c['clients']:,} clients, {c['users']:,} users, "
            f"{c['mouvements_stock']:,} stock movements".replace(",", " ")
            + (" (reused)" if db["reused"] else f" (built in {db['build_seconds']:.0f} s)")
        )
    if result["databases"]["large"]["counts"]["interventions"] < TARGET_INTERVENTIONS:
        out.append(f"  (large: below the {TARGET_INTERVENTIONS:,} interventions target)")
    out.append("  bound = large <= 2 × small and <= 2 × empty script + 50 ms (issue 8, item 3)")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Command
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Options; ``BENCH_SCALE``, ``BENCH_REPS`` and ``MIF_DB_NAME`` give their defaults."""
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument(
        "--scale",
        type=int,
        default=int(os.environ.get("BENCH_SCALE") or DEFAULT_SCALE),
        help=f"seed scale of the large database (default {DEFAULT_SCALE}: >= 1M interventions)",
    )
    p.add_argument("--small-scale", type=int, default=SMALL_SCALE)
    p.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS") or 5))
    p.add_argument("--warmup", type=int, default=1, help="unmeasured runs before each cell")
    p.add_argument("--db", default=os.environ.get("MIF_DB_NAME") or "mif_bench")
    p.add_argument("--small-db", default=None, help="default: <db>_small")
    p.add_argument("--export-rows", type=int, default=100_000)
    p.add_argument(
        "--bulk-scale",
        type=int,
        default=int(os.environ.get("BENCH_BULK_SCALE") or BULK_SCALE),
        help=f"scale of the bulk load vs raw COPY comparison (default {BULK_SCALE}; 0: skip)",
    )
    p.add_argument("--results", type=Path, default=RESULTS)
    p.add_argument("--rebuild", action="store_true", help="rebuild the databases even if reusable")
    p.add_argument("--drop", action="store_true", help="drop both databases at the end")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p.parse_args(argv)


def run(args: argparse.Namespace) -> tuple[dict[str, Any], Path]:
    """Measure everything; returns the result and the JSON file written."""
    import streamlit

    log: Log = (lambda _m: None) if args.quiet else _stderr
    small_name = args.small_db or f"{args.db}_small"
    started = datetime.now(UTC)
    result: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "host": {
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "python": platform.python_version(),
            "streamlit": streamlit.__version__,
        },
        "config": {"reps": args.reps, "warmup": args.warmup, "export_rows": args.export_rows},
        "databases": {},
    }
    log("Bases de mesure")
    result["databases"]["small"] = prepare_database(
        small_name, args.small_scale, log, rebuild=args.rebuild
    )
    if small_name == args.db:  # one database for both columns (a quick check of the command)
        if args.small_scale != args.scale:
            raise SystemExit("--small-db = --db demande --small-scale = --scale.")
        result["databases"]["large"] = result["databases"]["small"]
    else:
        result["databases"]["large"] = prepare_database(
            args.db, args.scale, log, rebuild=args.rebuild
        )

    names = {"small": small_name, "large": args.db}
    log("Pages (petite et grande bases en alternance)")
    pages = measure_pages(names, args.reps, args.warmup, args.quiet, log)
    measured: dict[str, dict[str, Any]] = {}
    for kind, name in names.items():
        measured[kind] = {"pages": pages[kind], "jobs": measure_database_jobs(name, args.reps, log)}
    extra: dict[str, Any] = {}
    log(f"Exports ({args.db})")
    for fmt in ("csv", "xlsx"):
        extra[f"export_{fmt}"] = _worker(
            ["export", "--format", fmt, "--rows", str(args.export_rows)], args.db, args.quiet
        )
    result["bulk_load"] = bulk_load_measure(args.db, args.bulk_scale, args.quiet, log)
    extra["bulk_load"] = result["bulk_load"]
    result["measurements"] = {**measured, **extra}
    result["rows"] = build_rows(measured["small"], measured["large"], extra)
    result["seconds"] = (datetime.now(UTC) - started).total_seconds()

    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    if args.drop:
        from db import config, migrate

        for name in {small_name, args.db}:
            migrate.drop_database(config.owner_url(name))
    return result, path


def main(argv: list[str] | None = None) -> int:
    """Run the bench and print its table (stdout) and the JSON file's path."""
    args = parse_args(argv)
    result, path = run(args)
    print(header(result))
    print()
    print(table(result))
    bulk = result.get("bulk_load") or {}
    if "error" in bulk:
        print("bulk load: failed (see the JSON file)")
    print()
    print(f"JSON : {path}  ({result['seconds']:.0f} s)")
    return 0
