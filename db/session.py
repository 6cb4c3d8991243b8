"""Engines and the one-transaction-per-user-action session scope.

Every transaction starts by copying who is acting into *transaction-local* settings
(``set_config(name, value, true)``): the audit trigger and the row-level security policies read
them. A session-level ``SET`` would leak one user's identity to the next user of the pooled
connection, so it is never used.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from db import config


@dataclass(frozen=True)
class Actor:
    """Who performs the current action (resolved once per page run by the app).

    ``user_id`` is the trust anchor: the database derives role, client and technician from it.
    ``role``, ``client_id`` and ``technicien_id`` are carried for the services' own checks.
    """

    user_id: int | None = None
    role: str | None = None
    client_id: int | None = None
    technicien_id: int | None = None
    client_ip: str | None = None
    user_agent: str | None = None

    @property
    def is_staff(self) -> bool:
        """Admins and maintenance managers see and manage everything."""
        return self.role in ("admin", "responsable")


SYSTEM = Actor()


@cache
def _engine(url: URL) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        # Streamlit reruns are short; recycle to survive server-side idle timeouts.
        pool_recycle=1800,
    )


def app_engine() -> Engine:
    """Engine of the unprivileged app role (row-level security applies)."""
    return _engine(config.app_url())


def owner_engine() -> Engine:
    """Engine of the table owner (CLI, seed, migrations helpers)."""
    return _engine(config.owner_url())


def _valid_ip(value: str | None) -> str:
    # The audit trigger casts the setting to inet: an unparsable value would fail the action.
    if not value:
        return ""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def apply_actor(bind: Session | Connection, actor: Actor) -> None:
    """Copy ``actor`` into the current transaction's settings (``is_local = true``)."""
    bind.execute(
        text(
            "SELECT set_config('app.current_user_id', :uid, true),"
            " set_config('app.client_ip', :ip, true),"
            " set_config('app.user_agent', :ua, true)"
        ),
        {
            "uid": "" if actor.user_id is None else str(actor.user_id),
            "ip": _valid_ip(actor.client_ip),
            "ua": (actor.user_agent or "")[:500],
        },
    )


@contextmanager
def session_scope(actor: Actor = SYSTEM, *, engine: Engine | None = None) -> Iterator[Session]:
    """One user action = one transaction: commit on success, roll back on any error.

    The actor's identity is set at the start of the transaction, before any statement of the
    action runs.
    """
    factory = sessionmaker(bind=engine or app_engine(), expire_on_commit=False)
    with factory() as session, session.begin():
        apply_actor(session, actor)
        yield session
