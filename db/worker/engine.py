"""The procrastinate connector of the worker: owner (or ``WORKER_DATABASE_URL``) login, then
``SET ROLE mif_worker`` on every connection of its pool.

``mif_worker`` owns the engine's tables and may execute the maintenance functions, nothing
else: whatever a task runs, it runs with the worker's rights, not the owner's. The login is the
owner's URL by default (the embedded server, or ``DATABASE_URL``), so a fresh machine needs no
extra password; in production ``WORKER_DATABASE_URL`` may name a login of its own that is a
member of ``mif_worker``.
"""

from __future__ import annotations

import os
from typing import Any

import psycopg
import psycopg_pool
from procrastinate import PsycopgConnector
from sqlalchemy.engine import make_url

from db import config

WORKER_ROLE = "mif_worker"
POOL_MAX_SIZE = 4  # two cores: a few connections are plenty for one worker


def worker_conninfo() -> str:
    """libpq URL of the worker's login (``WORKER_DATABASE_URL`` or the owner's)."""
    explicit = os.environ.get("WORKER_DATABASE_URL")
    url = make_url(explicit) if explicit else config.owner_url()
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def as_worker_role(connection: psycopg.AsyncConnection[Any]) -> None:
    """Switch a new pool connection to the worker role for its whole life."""
    await connection.execute(f"SET ROLE {WORKER_ROLE}")
    await connection.commit()


def _pool(**kwargs: Any) -> psycopg_pool.AsyncConnectionPool:
    # Built when the app opens, not at import: importing the registry starts no server.
    kwargs.setdefault("conninfo", worker_conninfo())
    kwargs.setdefault("min_size", 1)
    kwargs.setdefault("max_size", POOL_MAX_SIZE)
    return psycopg_pool.AsyncConnectionPool(configure=as_worker_role, **kwargs)


def connector(conninfo: str | None = None) -> PsycopgConnector:
    """A connector whose connections act as ``mif_worker`` (``conninfo``: tests, scratch DBs)."""
    if conninfo is None:
        return PsycopgConnector(pool_factory=_pool)
    return PsycopgConnector(pool_factory=_pool, conninfo=conninfo)
