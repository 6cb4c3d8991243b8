"""Concurrent users against one ``streamlit run app.py``: per action p50 / p95 / max, failures.

``python -m bench.load --users 1 5 10 20`` starts the app on its own port (database
``MIF_DB_NAME``, as ``make run`` would use it), then for each N opens N browser profiles in one
headless Chromium; each user logs in with the form, then loops over the registry list, a
search, a machine's detail and the home page for ``--duration`` seconds. An action is timed
from the navigation to the moment Streamlit is idle again with its content shown.

The browsers must not compete with the server for its cores: on a machine with two cores or
more the server is pinned to the first core and this process (hence Playwright and Chromium,
which inherit it) to the others. The server's CPU-seconds per action and its RSS come from
``/proc``. Results are printed as one table per N, and written as JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ACCOUNTS = [
    ("admin", "Admin2026!"),
    ("responsable", "Resp2026!"),
    ("technicien", "Tech2026!"),
    ("client", "Client2026!"),
]
ACTIONS = ["login", "list", "search", "detail", "home"]
ACTION_TIMEOUT_MS = 60_000
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]');
}"""


@dataclass
class Results:
    """Timings (seconds) and failures per action for one N."""

    times: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    failures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident set size of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(port: int, core: int | None) -> subprocess.Popen[bytes]:
    """The app on ``port``, pinned to ``core`` when given; returns once healthy."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]

    def pin() -> None:
        if core is not None:
            os.sched_setaffinity(0, {core})

    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, preexec_fn=pin
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("the app exited at start") from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the app did not start in 90 s")


async def settle(page: Page) -> None:
    """Wait until Streamlit is idle, and still idle a moment later (component reruns)."""
    for _ in range(50):
        await page.wait_for_function(IDLE_JS, timeout=ACTION_TIMEOUT_MS)
        await asyncio.sleep(0.2)
        if await page.evaluate(IDLE_JS):
            return


async def timed(results: Results, action: str, step) -> None:
    start = time.perf_counter()
    try:
        await step()
    except Exception:  # a failed action is counted, the user goes on
        results.failures[action] += 1
        return
    results.times[action].append(time.perf_counter() - start)


def demo_machine_id() -> int:
    """A machine of the demo client's company (the client account may open only those)."""
    from sqlalchemy import create_engine, text

    from db import config

    engine = create_engine(config.owner_url())
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT e.id FROM equipements e JOIN clients c ON c.id = e.client_id"
                        " JOIN users u ON u.id = c.user_id WHERE u.username = 'client'"
                        " ORDER BY e.id LIMIT 1"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


async def user(
    browser: Browser, url: str, index: int, duration: float, results: Results, machine: int
) -> None:
    """One simulated user: log in, then loop over the actions for ``duration`` seconds."""
    username, password = ACCOUNTS[index % len(ACCOUNTS)]
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = await context.new_page()
    try:
        await page.goto(url + "/")
        await page.get_by_role("textbox", name="Nom d'utilisateur").fill(username)
        await page.get_by_role("textbox", name="Mot de passe").fill(password)

        async def login() -> None:
            await page.get_by_role("button", name="Se connecter").click()
            await page.get_by_role("heading", name="Tableau de bord", level=1).wait_for()
            await settle(page)

        await timed(results, "login", login)
        if not results.times["login"] and results.failures["login"]:
            return

        async def visit(path: str, selector: str) -> None:
            await page.goto(url + path)
            await page.locator(selector).first.wait_for()
            await settle(page)

        table = '[data-testid="stDataFrame"], [data-testid="stTable"]'
        steps = {
            "list": lambda: visit("/parc-equipements", table),
            "search": lambda: visit("/parc-equipements?q=pompe", '[data-testid="stMain"]'),
            "detail": lambda: visit(f"/parc-equipements?id={machine}", '[data-testid="stMain"]'),
            "home": lambda: visit("/tableau-de-bord", "h1"),
        }
        until = time.monotonic() + duration
        while time.monotonic() < until:
            for action, step in steps.items():
                await timed(results, action, step)
    finally:
        await context.close()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of the values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


async def run_n(url: str, pid: int, n: int, duration: float, machine: int) -> dict[str, object]:
    """N users at once for ``duration`` seconds after their login; the summary."""
    results = Results()
    cpu0 = cpu_seconds(pid)
    async with async_playwright() as p:
        launch = {"headless": True, "args": ["--no-sandbox", "--disable-gpu"]}
        if CHROMIUM.exists():
            launch["executable_path"] = str(CHROMIUM)
        browser = await p.chromium.launch(**launch)
        await asyncio.gather(*(user(browser, url, i, duration, results, machine) for i in range(n)))
        await browser.close()
    actions = sum(len(v) for v in results.times.values()) + sum(results.failures.values())
    summary: dict[str, object] = {
        "users": n,
        "server_cpu_s_per_action": (cpu_seconds(pid) - cpu0) / max(1, actions),
        "server_rss_mb": rss_mb(pid),
        "actions": {},
    }
    for action in ACTIONS:
        values = results.times[action]
        summary["actions"][action] = {  # type: ignore[index]
            "count": len(values),
            "failures": results.failures[action],
            "p50": statistics.median(values) if values else None,
            "p95": percentile(values, 95) if values else None,
            "max": max(values) if values else None,
        }
    return summary


def print_summary(summary: dict[str, object]) -> None:
    """One table: action, count, failures, p50 / p95 / max in seconds."""
    print(
        f"\nN={summary['users']}  server CPU {summary['server_cpu_s_per_action']:.3f} s/action"
        f"  RSS {summary['server_rss_mb']:.0f} MB"
    )
    print(f"{'action':<8} {'n':>5} {'fail':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for action, row in summary["actions"].items():  # type: ignore[union-attr]
        cells = [
            f"{row[k]:7.2f}" if row[k] is not None else "      -" for k in ("p50", "p95", "max")
        ]
        print(f"{action:<8} {row['count']:>5} {row['failures']:>5} " + " ".join(cells))


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m bench.load [--users 1 5 10 20] [--duration 60] [--json F]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds after login")
    parser.add_argument("--port", type=int, default=8650)
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)

    machine = demo_machine_id()
    cores = sorted(os.sched_getaffinity(0))
    server_core = cores[0] if len(cores) > 1 else None
    server = start_server(args.port, server_core)
    if server_core is not None:
        os.sched_setaffinity(0, set(cores[1:]))  # Playwright and Chromium inherit it
    summaries = []
    try:
        for n in args.users:
            url = f"http://127.0.0.1:{args.port}"
            summary = asyncio.run(run_n(url, server.pid, n, args.duration, machine))
            print_summary(summary)
            summaries.append(summary)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=2), encoding="utf-8")
    return (
        0
        if all(
            row["failures"] == 0
            for s in summaries
            for row in s["actions"].values()  # type: ignore[union-attr]
        )
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
