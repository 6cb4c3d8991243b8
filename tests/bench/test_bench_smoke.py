"""The benchmark command at a tiny scale: it builds its database, prints its one table and
writes its JSON, which ``bench.compare`` reads back. A smoke test: no duration is judged.

The bench runs as a separate process (as ``make bench`` does), on a database named after the
test database, rebuilt for the run and dropped afterwards; to stay within a minute, that one
scale-1 database stands for both columns (the small / large pair is the same code path).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, pool, text

from bench import compare
from bench.run import prepare_database
from bench.worker import ROLES, page_cells
from db import config, migrate
from ui import layout

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TEST_DB = os.environ["MIF_DB_NAME"]  # set by tests/conftest.py
LARGE, SMALL = f"{TEST_DB}_bench", f"{TEST_DB}_bench_small"
HANG_GUARD = 600  # seconds: only there to stop a hung run, not a measure

PAGES = [
    "home",
    "registry default",
    'registry search "pompe"',
    "registry last page",
    "registry filters",
    "machine detail (busiest)",
    "interventions board",
    "interventions list",
]


def run_bench(results: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "bench",
        *("--db", LARGE, "--small-db", LARGE),
        *("--scale", "1", "--small-scale", "1", "--reps", "1", "--warmup", "0"),
        *("--export-rows", "300", "--bulk-scale", "0", "--results", str(results)),
        "--rebuild",
        "--drop",
        "--quiet",
    ]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD, check=False
    )


@pytest.fixture
def bench_databases():
    yield
    for name in (LARGE, SMALL):
        migrate.drop_database(config.owner_url(name))


def test_the_bench_prints_one_table_and_writes_a_json_that_compare_reads(
    tmp_path: Path, bench_databases, capsys
) -> None:
    done = run_bench(tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    out = done.stdout

    # One table: a header line, its rule, a line per measure.
    table = [line for line in out.splitlines() if line.startswith("|")]
    assert table[0].split("|")[1].strip() == "measure"
    assert set(table[1]) <= {"|", "-"}
    rows = {tuple(cell.strip() for cell in line.split("|")[1:3]) for line in table[2:]}
    assert ("login screen", "-") in rows
    assert ("empty Streamlit script (new session)", "-") in rows
    assert ("database status", "admin") in rows
    for page in PAGES:
        for role in ROLES:
            assert (page, role) in rows, (page, role)
    for role in ("admin", "responsable", "technicien"):
        assert ("planning week", role) in rows, role
    for measure in ("view refresh", "retention (rolled back)", "app process peak RSS, every page"):
        assert any(m == measure for m, _ in rows), measure
    assert any(m.startswith("CSV export") for m, _ in rows)
    assert any(m.startswith("Excel export") for m, _ in rows)

    # The same data as JSON, every sample kept.
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    assert f"JSON : {files[0]}" in out
    result = json.loads(files[0].read_text())
    assert result["databases"]["large"]["scale"] == 1
    machines = result["databases"]["large"]["counts"]["equipements"]
    assert machines > 0 and result["databases"]["large"]["counts"]["interventions"] > 0
    by_key = {r["key"]: r for r in result["rows"]}
    home = by_key["home|admin"]
    assert home["small"] > 0 and home["large"] > 0 and home["large_vs_small"] > 0
    assert result["measurements"]["export_csv"]["rows"] == min(300, machines)
    assert result["measurements"]["export_xlsx"]["peak_rss_mb"] > 0

    # --drop: nothing left behind.
    with migrate.server_admin(config.owner_url(LARGE)) as conn:
        left = conn.scalars(
            text("SELECT datname FROM pg_database WHERE datname IN (:a, :b)"),
            {"a": LARGE, "b": SMALL},
        ).all()
    assert left == []

    # compare: a run against itself changes nothing.
    assert compare.main([str(files[0]), str(files[0])]) == 0
    side_by_side = capsys.readouterr().out
    assert "| home" in side_by_side
    assert "1.00×" in side_by_side


def test_the_bench_refuses_to_rebuild_a_database_it_did_not_build(bench_databases) -> None:
    url = config.owner_url(SMALL)
    migrate.drop_database(url)
    migrate.ensure_database(url)
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE precious (id int)"))
    engine.dispose()
    with pytest.raises(SystemExit, match="pas été construite par le banc"):
        prepare_database(SMALL, 1, lambda _m: None)
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT to_regclass('public.precious') IS NOT NULL"))
    engine.dispose()


def test_every_page_of_the_navigation_is_measured_for_every_role_it_allows() -> None:
    cells = page_cells({role: 1 for role in ROLES})
    measured = {(cell.path, cell.role) for cell in cells}
    for spec in layout.PAGES:
        if (ROOT / spec.path).exists():
            assert {(spec.path, role) for role in spec.roles} <= measured, spec.path
    assert len({cell.key for cell in cells}) == len(cells)  # keys identify rows across runs
