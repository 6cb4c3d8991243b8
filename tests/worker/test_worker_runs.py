"""The real worker (procrastinate) against the test database: committed jobs, real processes.

These tests commit (a worker sees only committed jobs); the engine's tables are emptied before
and after each one. They check what the rolled-back SQL tests cannot: the tasks run through the
worker's own connections (role ``mif_worker``), a second run writes nothing, and two workers
started together run a periodic tick once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text

from db import config

PERIODIC = ("interventions:notify_late", "planning:slot_reminders", "reporting:refresh_views")


def wipe(engine: Engine) -> None:
    with engine.begin() as c:
        c.execute(
            text(
                "TRUNCATE procrastinate_events, procrastinate_periodic_defers,"
                " procrastinate_jobs, procrastinate_workers"
            )
        )


@pytest.fixture
def engine(owner_engine: Engine) -> Iterator[Engine]:
    wipe(owner_engine)
    yield owner_engine
    wipe(owner_engine)


def notifications(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM notifications")).scalar_one())


def jobs(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT task_name, args ->> 'timestamp', status::text FROM procrastinate_jobs"
                " ORDER BY id"
            )
        ).all()
    return [(str(a), str(b), str(s)) for a, b, s in rows]


def run_once(timestamp: int) -> None:
    """Defer each periodic task for ``timestamp`` and run a worker until the queue is empty."""
    from db.worker.registry import app

    async def go() -> None:
        async with app.open_async():
            for name in PERIODIC:
                await app.tasks[name].defer_async(timestamp=timestamp)
            await app.run_worker_async(wait=False, install_signal_handlers=False)

    # In a thread of its own: a test run earlier in this process (the browser tests'
    # Playwright) may have left an event loop set on this one, and asyncio.run refuses to
    # start inside a running loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, go()).result()


def test_each_task_runs_through_the_worker_and_a_second_run_writes_nothing(
    engine: Engine,
) -> None:
    before = notifications(engine)
    run_once(1)
    after_first = notifications(engine)
    run_once(2)
    assert notifications(engine) == after_first
    assert after_first > before  # the demo has late interventions and slots of tomorrow
    mine = [j for j in jobs(engine) if j[1] in ("1", "2")]
    assert sorted(mine) == sorted((name, ts, "succeeded") for name in PERIODIC for ts in ("1", "2"))


def test_two_workers_started_together_run_each_periodic_tick_once(engine: Engine) -> None:
    env = dict(os.environ, MIF_DB_NAME=config.owner_url().database or "")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "db", "worker", "--name", f"test-{n}"],
            cwd=config.PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in (1, 2)
    ]
    try:
        deadline = time.monotonic() + 60
        seen_workers = 0
        while time.monotonic() < deadline:
            with engine.connect() as c:
                seen_workers = max(
                    seen_workers,
                    c.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one(),
                )
                pending = c.execute(
                    text(
                        "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
                    )
                ).scalar_one()
                done = c.execute(
                    text(
                        "SELECT count(*) FROM procrastinate_jobs"
                        " WHERE task_name = 'reporting:refresh_views' AND status = 'succeeded'"
                    )
                ).scalar_one()
            if seen_workers == 2 and done and not pending:
                break
            time.sleep(0.3)
        time.sleep(1.5)  # both deferrers have had their start-up pass
    finally:
        for p in procs:
            p.send_signal(signal.SIGINT)
        outputs = [p.communicate(timeout=30)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert seen_workers == 2, outputs
    runs = jobs(engine)
    # The */5 refresh always has a tick within the deferrer's catch-up delay: deferred once.
    refresh = [j for j in runs if j[0] == "reporting:refresh_views"]
    assert len(refresh) == 1, runs
    assert all(status == "succeeded" for _, _, status in runs), runs
    ticks = [(name, ts) for name, ts, _ in runs]
    assert len(ticks) == len(set(ticks)), runs
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one() == 0
