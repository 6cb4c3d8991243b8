"""The websocket load driver against a real ``streamlit run`` (not timed): one user on a
scale-1 database opens the app, logs in with the form and completes every action; the sticky
proxy's cookie rules.

The app runs on a database of its own (named after the test database, built for the test and
dropped afterwards): its logins are committed, and the suite's other tests must not see them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bench import proxy
from bench.ws_load import ACTIONS, start_offsets
from db import config, migrate, seed

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LOAD_DB = f"{os.environ['MIF_DB_NAME']}_ws"  # MIF_DB_NAME is set by tests/conftest.py
HANG_GUARD = 300  # seconds: only there to stop a hung run, not a measure


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def load_db() -> Iterator[URL]:
    url = config.owner_url(LOAD_DB)
    migrate.drop_database(url)
    migrate.ensure_database(url)
    migrate.upgrade(url)
    seed.run_seed(url=url, scale=1)
    yield url
    migrate.drop_database(url)


def test_one_user_logs_in_and_completes_every_action_without_failure(
    load_db: URL, tmp_path: Path
) -> None:
    results = tmp_path / "ws_load.json"
    command = [sys.executable, "-m", "bench.ws_load", "--users", "1", "--duration", "3"]
    command += ["--ramp", "0.5"]
    command += ["--port", str(free_port()), "--json", str(results)]
    command += ["--log", str(tmp_path / "server.log")]
    env = dict(os.environ, MIF_DB_NAME=LOAD_DB)
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=HANG_GUARD
    )
    log = (tmp_path / "server.log").read_text(errors="replace")[-3000:]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:] + log

    (summary,) = json.loads(results.read_text(encoding="utf-8"))
    assert summary["users"] == 1
    assert summary["ramp_s"] == 0.5
    assert summary["driver_cpu_s_per_action"] > 0
    # The login cookie's confirmation reruns its fragment only, not the home page.
    assert summary["component_reruns"] >= 1
    assert summary["component_fragment_reruns"] == summary["component_reruns"]
    for action in ACTIONS:
        row = summary["actions"][action]
        assert row["failures"] == 0, (action, summary["errors"])
        assert row["count"] >= 1, action
        assert row["p50"] is not None
    assert summary["server_cpu_s_per_action"] > 0
    assert summary["server_rss_mb"][0] > 0
    # The printed table names every action.
    assert all(f"\n{action} " in done.stdout for action in ACTIONS)


def test_the_proxy_pins_a_returning_browser_by_its_cookie_and_tells_a_new_one() -> None:
    head = b"GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1; mif_backend=1; b=2\r\n\r\n"
    assert proxy.pinned_backend(head, 2) == 1
    assert proxy.pinned_backend(head, 1) is None  # no such backend any more: choose again
    assert proxy.pinned_backend(b"GET / HTTP/1.1\r\nCookie: xmif_backend=1\r\n\r\n", 2) is None
    assert proxy.pinned_backend(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 2) is None

    response = proxy.with_cookie(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", 0
    )
    assert response.startswith(b"HTTP/1.1 101 Switching Protocols\r\nSet-Cookie: mif_backend=0;")
    assert response.endswith(b"\r\nUpgrade: websocket\r\n\r\n")


def test_the_proxy_sends_a_new_client_to_the_backend_with_fewest_connections() -> None:
    backends = [proxy.Backend("127.0.0.1", 1, open_connections=3), proxy.Backend("h", 2, 1)]
    assert proxy.Proxy(backends).choose(set()) == 1
    assert proxy.Proxy(backends).choose({1}) == 0
    assert proxy.Proxy(backends).choose({0, 1}) is None


def test_users_start_all_at_once_without_a_ramp_and_evenly_spread_with_one() -> None:
    assert start_offsets(4, 0) == [0.0, 0.0, 0.0, 0.0]
    assert start_offsets(4, 10) == [0.0, 2.5, 5.0, 7.5]
    assert start_offsets(20, 10)[-1] == 9.5  # one user every 0.5 s, as a spawn rate of 2/s
    assert start_offsets(0, 10) == []
