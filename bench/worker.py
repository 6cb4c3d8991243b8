"""Measurements run in processes of their own (started by ``bench.run``).

* ``python -m bench.worker serve``: the app on the database ``MIF_DB_NAME``, answering JSON
  requests on stdin ("describe", "measure <cell>", "finish") with ``@@bench {...}`` lines on
  stdout. ``bench.run`` keeps one per database and asks them in turn. Its peak RSS, asked
  last, is the app's after visiting every page as every role.
* ``python -m bench.worker export --format csv|xlsx --rows N --out FILE``: one export of the
  first N machines as the app builds it, with its time and peak RSS.

Pages are timed the way ``tests/ui/test_navigation.py`` drives them: ``AppTest`` on ``app.py``,
demo accounts logged in by presetting the login library's session keys, then
``switch_page`` + query parameters + ``run()``; the time of that ``run()`` is one sample. The
deliberate pause of logged-out runs (``MIF_LOGIN_DELAY``) is set to 0: it is a defence, not
work.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
APPTEST_TIMEOUT = 600  # seconds; a page at a million rows must be measured, not cut off

# Demo accounts of the seed, one per role (db.seed.DEMO_ACCOUNTS).
ROLES: tuple[str, ...] = ("admin", "responsable", "technicien", "client")
EQUIPMENT = "pages/equipements.py"
HOME = "pages/accueil.py"
DB_STATUS = "pages/etat_base.py"
INTERVENTIONS = "pages/interventions.py"
PLANNING = "pages/planning.py"
LIST_KEY = "equip.list"  # paged_table key of the registry (pages/equipements.py)
PAGE_SIZE = 25  # the registry's default page size (ui.table.PAGE_SIZES[0])
SEARCH = "pompe"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB.

    ``VmHWM`` of ``/proc/self/status`` on Linux: ``ru_maxrss`` would carry the parent's peak
    over ``fork`` + ``exec``. Elsewhere, ``ru_maxrss`` (KiB on Linux-likes, bytes on macOS).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def median_ms(samples: list[float]) -> float:
    """Median of samples given in seconds, in milliseconds."""
    return statistics.median(samples) * 1000


@dataclass
class Cell:
    """One row of the table: a page as a role, with the query parameters that select a view."""

    page: str
    role: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    deep: bool = False  # open the registry's last page (set once the total is known)

    @property
    def key(self) -> str:
        """Stable identifier of the cell across runs (``compare`` matches on it)."""
        return f"{self.page}|{self.role}"


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


def busiest_machines() -> dict[str, int | None]:
    """Per role, the machine with the most interventions that the role may open.

    Staff and the technician see the whole registry; the demo client only its company's.
    """
    from sqlalchemy import text

    from db.session import owner_engine

    sql = """
        SELECT i.equipement_id FROM interventions i
        JOIN equipements e ON e.id = i.equipement_id
        WHERE (CAST(:client AS integer) IS NULL OR e.client_id = :client)
        GROUP BY i.equipement_id ORDER BY count(*) DESC, i.equipement_id LIMIT 1
    """
    with owner_engine().connect() as conn:
        client = conn.execute(
            text(
                "SELECT c.id FROM clients c JOIN users u ON u.id = c.user_id"
                " WHERE u.username = 'client'"
            )
        ).scalar()
        anyone = conn.execute(text(sql), {"client": None}).scalar()
        own = conn.execute(text(sql), {"client": client}).scalar() if client else None
    return {role: (own if role == "client" else anyone) for role in ROLES}


def page_cells(busiest: dict[str, int | None]) -> list[Cell]:
    """Every page × role of the table, in display order (login screen apart)."""
    cells = [Cell("home", role, HOME) for role in ROLES]
    cells += [Cell("registry default", role, EQUIPMENT) for role in ROLES]
    cells += [Cell(f'registry search "{SEARCH}"', role, EQUIPMENT, {"q": SEARCH}) for role in ROLES]
    cells += [Cell("registry last page", role, EQUIPMENT, deep=True) for role in ROLES]
    cells += [
        Cell(
            "registry filters",
            role,
            EQUIPMENT,
            {"statut": "panne,maintenance", "criticite": "critique,haute"},
        )
        for role in ROLES
    ]
    cells += [
        Cell("machine detail (busiest)", role, EQUIPMENT, {"id": str(busiest[role])})
        for role in ROLES
        if busiest[role] is not None
    ]
    cells.append(Cell("database status", "admin", DB_STATUS))
    # The interventions page: its board and its list (filtered on open ones), every role.
    board = {"vue": "tableau"}
    cells += [Cell("interventions board", role, INTERVENTIONS, board) for role in ROLES]
    cells += [
        Cell("interventions list", role, INTERVENTIONS, {"vue": "liste", "statut": "ouverte"})
        for role in ROLES
    ]
    # The planning page's default view: the week of slots (a manager's calendar, the per-
    # technician grid and the unplanned list; a technician's agenda).
    cells += [
        Cell("planning week", role, PLANNING) for role in ("admin", "responsable", "technicien")
    ]
    # Pages added later (ui.layout.PAGES): their default view for every role allowed, so a
    # new page lands in the table without touching the bench.
    from ui.layout import PAGES

    known = {HOME, EQUIPMENT, DB_STATUS, PLANNING}
    for spec in PAGES:
        if spec.path not in known and (ROOT / spec.path).exists():
            cells += [Cell(spec.url_path, role, spec.path) for role in ROLES if role in spec.roles]
    return cells


def _timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = run()
    return time.perf_counter() - started, value


def _check(at: Any, what: str) -> None:
    if at.exception:
        raise RuntimeError(f"{what}: {at.exception}")


def empty_script_samples(reps: int) -> list[float]:
    """``run()`` of a new ``AppTest`` on an empty script: the yardstick of the table.

    A new AppTest's first run carries Streamlit's fixed costs (runtime mocks, component
    registry); it moves with the machine's speed and load, so ratios to it stay comparable
    between runs. The issue's bound (2 × empty + 50 ms) was set with this measure.
    """
    from streamlit.testing.v1 import AppTest

    samples = []
    for _ in range(reps):
        at = AppTest.from_string("import streamlit as st\n", default_timeout=APPTEST_TIMEOUT)
        samples.append(_timed(at.run)[0])
    return samples


def empty_rerun_samples(reps: int) -> list[float]:
    """Reruns of an empty script in one session (what a page's rerun costs at the least)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("import streamlit as st\n", default_timeout=APPTEST_TIMEOUT).run()
    return [_timed(at.run)[0] for _ in range(reps)]


def login_screen_samples(reps: int) -> list[float]:
    """A new visitor's first page: the logged-out app (its first run reruns once)."""
    from streamlit.testing.v1 import AppTest

    samples = []
    for _ in range(reps):
        at = AppTest.from_file(APP, default_timeout=APPTEST_TIMEOUT)
        elapsed, at = _timed(at.run)
        _check(at, "login screen")
        if not at.text_input:
            raise RuntimeError("login screen: no login form")
        samples.append(elapsed)
    return samples


def logged_in(username: str) -> Any:
    """The app with ``username`` logged in, first run done (as tests/ui/test_navigation.py)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=APPTEST_TIMEOUT)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username
    at.run()
    _check(at, f"login of {username}")
    if "actor" not in at.session_state:
        raise RuntimeError(f"{username} is not logged in (is the database seeded?)")
    return at


def last_page(actor: Any) -> int:
    """Last page of the unfiltered registry as ``actor`` sees it."""
    from db.equipment.service import count_equipements
    from db.session import session_scope

    with session_scope(actor) as session:
        total = count_equipements(session=session)
    return max(1, math.ceil(total / PAGE_SIZE))


def visit(at: Any, cell: Cell) -> float:
    """Open ``cell`` in the session ``at`` and return the seconds its ``run()`` took."""
    at.query_params.clear()
    at.query_params.update(cell.query)
    at.switch_page(cell.path)
    if cell.deep:
        # The page picker's key carries the result set's "generation" (ui.table); presetting
        # it opens that page directly, as a click on the picker's last page would.
        generation = at.session_state.get(f"{LIST_KEY}.gen", 1)
        at.session_state[f"{LIST_KEY}.page.{generation}"] = last_page(at.session_state["actor"])
    elapsed, at = _timed(at.run)
    _check(at, cell.key)
    if not at.title:
        raise RuntimeError(f"{cell.key}: the page shows no title")
    if at.error:  # refused, not found, database error: not the page meant to be measured
        raise RuntimeError(f"{cell.key}: {[e.value for e in at.error]}")
    return elapsed


SPECIAL = {
    "empty script|-": "empty script",
    "empty script rerun|-": "empty script rerun",
    "login screen|-": "login screen",
}
REPLY = "@@bench "  # prefix of the protocol's lines on stdout (anything else is ignored)


class PageBench:
    """The app on one database, answering "measure this cell once" requests.

    ``bench.run`` keeps one of these per database alive and asks both in turn, cell by cell,
    so that a busy moment of the machine falls on both scales alike.
    """

    def __init__(self) -> None:
        self.busiest = busiest_machines()
        self.cells = {cell.key: cell for cell in page_cells(self.busiest)}
        self.sessions = {role: logged_in(role) for role in ROLES}

    def describe(self) -> list[dict[str, str]]:
        """Every cell this database can measure, in table order."""
        out = [{"key": key, "page": page, "role": "-"} for key, page in SPECIAL.items()]
        out += [{"key": c.key, "page": c.page, "role": c.role} for c in self.cells.values()]
        return out

    def measure(self, key: str) -> float:
        """One sample (seconds) of the cell ``key``."""
        if key == "empty script|-":
            return empty_script_samples(1)[0]
        if key == "empty script rerun|-":
            return empty_rerun_samples(1)[0]
        if key == "login screen|-":
            return login_screen_samples(1)[0]
        cell = self.cells[key]
        at = self.sessions[cell.role]
        if cell.deep:
            # The default list first (unmeasured): the page picker's key belongs to it.
            visit(at, Cell(cell.page, cell.role, cell.path))
        return visit(at, cell)


def serve() -> int:
    """Answer JSON requests read on stdin: ``describe``, ``measure {key}``, ``finish``."""

    def reply(value: Any) -> None:
        print(REPLY + json.dumps(value), flush=True)

    bench: PageBench | None = None
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if bench is None:
                bench = PageBench()
            if request["op"] == "describe":
                reply({"cells": bench.describe(), "busiest_machine": bench.busiest})
            elif request["op"] == "measure":
                reply({"seconds": bench.measure(request["key"])})
            elif request["op"] == "finish":
                reply({"peak_rss_mb": peak_rss_mb()})
                return 0
        except Exception as exc:  # reported to the parent, which stops the run
            reply({"error": f"{type(exc).__name__}: {exc}"})
            return 1
    return 0


# --------------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------------


def export_columns() -> list[Any]:
    """The registry's export columns, those of the page (ui.equipment.columns)."""
    from ui.equipment.columns import EXPORT_COLUMNS

    return list(EXPORT_COLUMNS)


def admin_actor() -> Any:
    """The demo admin as the app resolves it (the database derives the rest from the id)."""
    from sqlalchemy import text

    from db.session import Actor, owner_engine

    with owner_engine().connect() as conn:
        user_id = conn.execute(text("SELECT id FROM users WHERE username = 'admin'")).scalar_one()
    return Actor(user_id=user_id, role="admin")


def measure_export(fmt: str, rows: int) -> dict[str, Any]:
    """One export of the first ``rows`` machines, as the app builds it (``ui.export``)."""
    from db.equipment.service import iter_equipements_for_export
    from db.session import session_scope
    from ui.export import CHUNK_SIZE, build_export

    actor = admin_actor()
    columns = export_columns()
    before = peak_rss_mb()
    started = time.perf_counter()
    with session_scope(actor) as session:
        stream: Iterator[dict[str, Any]] = iter_equipements_for_export(
            session=session, chunk_size=CHUNK_SIZE
        )
        data, count = build_export(fmt, islice(stream, rows), columns, sheet_name="equipements")
    seconds = time.perf_counter() - started
    return {
        "format": fmt,
        "rows": count,
        "bytes": len(data),
        "seconds": seconds,
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
    }


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``serve`` (pages, requests on stdin) or ``export --format csv|xlsx --rows N --out F``."""
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("serve")
    export = sub.add_parser("export")
    export.add_argument("--format", choices=("csv", "xlsx"), required=True)
    export.add_argument("--rows", type=int, default=100_000)
    export.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    # Outside a script run (AppTest between runs, the export's helpers) Streamlit warns about
    # the missing ScriptRunContext at every call; AppTest resets log levels, so disable them.
    import logging

    for name in (
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.state.session_state_proxy",
        "streamlit.runtime.caching.cache_data_api",  # "No runtime found" (cached helpers)
    ):
        logging.getLogger(name).disabled = True

    if args.what == "serve":
        return serve()
    args.out.write_text(json.dumps(measure_export(args.format, args.rows)))
    return 0


if __name__ == "__main__":
    # Before anything reads them: the database is the parent's choice (MIF_DB_NAME), logged-out
    # runs do not sleep, and a cookie key exists even on an external server.
    os.environ.setdefault("MIF_LOGIN_DELAY", "0")
    os.environ.setdefault("MIF_COOKIE_KEY", "bench-only-cookie-key-0123456789abcdef")
    sys.exit(main())
