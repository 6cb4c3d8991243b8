"""Engines and the one-transaction-per-user-action session scope.

Every transaction starts by copying who is acting into *transaction-local* settings
(``set_config(name, value, true)``): the audit trigger and the row-level security policies read
them. A session-level ``SET`` would leak one user's identity to the next user of the pooled
connection, so it is never used.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolResetState

from db import config, health


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


# Sent when a connection goes back to the pool, after the rollback. A session-level ``SET``
# (``app.current_user_id``, ``SET ROLE`` ...) would otherwise follow the connection to its next
# user. ``RESET ALL`` clears every setting, custom ``app.*`` placeholders included (they read
# back as ``''``), but not the role: ``role`` and ``session_authorization`` are excluded from
# it, hence the two explicit resets. ``DISCARD ALL`` is not used: it would also deallocate the
# statements psycopg prepared automatically (psycopg notices and forgets them, so it would be
# safe, but every return would then cost their preparation again).
RESET_SESSION_SQL = "RESET SESSION AUTHORIZATION; RESET ROLE; RESET ALL"

_engines: dict[URL, Engine] = {}
_engines_lock = threading.Lock()


def _reset_session_state(dbapi_connection: Any, _record: Any, reset_state: PoolResetState) -> None:
    """Pool ``reset`` hook: end the transaction, then forget every session-level setting."""
    if reset_state.terminate_only:  # the connection is being closed, not reused
        return
    if not reset_state.transaction_was_reset:
        dbapi_connection.rollback()
    autocommit = dbapi_connection.autocommit
    # Outside a transaction, so the resets are not undone by a later rollback (one round trip:
    # several statements without parameters go in one simple query).
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute(RESET_SESSION_SQL, prepare=False)
    finally:
        dbapi_connection.autocommit = autocommit


def build_engine(url: URL, **options: Any) -> Engine:
    """A new engine with the project's pool policy (``options`` override it).

    An error raised by the reset hook makes the pool discard that connection (SQLAlchemy
    invalidates it), so a broken connection is never handed out again. After an outage
    (``db.health.on_connection_error``) every pooled connection is replaced.
    """
    settings: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 10,
        # Streamlit reruns are short; recycle to survive server-side idle timeouts.
        "pool_recycle": 1800,
        # The reset hook rolls back itself, then clears the session state.
        "pool_reset_on_return": None,
        # Every statement planned with its values. psycopg prepares a statement run five times
        # on a connection, and PostgreSQL then may switch it to a generic plan, where
        # ``statut = $1`` matches none of the per-status partial indexes (revision 0012): the
        # board's capped counts fell back to whole-table scans after a few page views
        # (0.6 s at 1,000,000 interventions instead of 10 ms). Planning costs well under a
        # millisecond here. RESET ALL (the pool's reset) keeps it: a startup option.
        "connect_args": {"options": "-c plan_cache_mode=force_custom_plan"},
    }
    settings.update(options)
    engine = create_engine(url, **settings)
    event.listen(engine, "reset", _reset_session_state)
    # A lost connection empties the pool and, with the embedded server, starts it again.
    event.listen(engine, "handle_error", health.on_connection_error)
    return engine


def _engine(url: URL) -> Engine:
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = build_engine(url)
        return engine


def dispose_engines() -> None:
    """Close every pooled connection of the engines built so far (after an outage).

    The engines stay usable: their next checkout opens a fresh connection, so code that
    keeps a reference to an engine is not affected.
    """
    with _engines_lock:
        engines = list(_engines.values())
    for engine in engines:
        engine.dispose()


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
    """Copy ``actor`` into the current transaction's settings (``is_local = true``).

    On the app's login role it also switches, for this transaction only, to the database role
    of the acting user (``mif_admin``, ``mif_responsable``, ``mif_technicien``,
    ``mif_client``), chosen by the database from the user id (``app_session_role()``): only
    that role's grants and row policies apply (``db/access``). With nobody acting, the login
    role stays itself and may do nothing but log in. The owner (CLI, seed) keeps its role.
    """
    bind.execute(
        text(
            "SELECT set_config('app.current_user_id', :uid, true),"
            " set_config('app.client_ip', :ip, true),"
            " set_config('app.user_agent', :ua, true),"
            " CASE WHEN current_user = 'mif_app'"
            "  THEN set_config('role', app_session_role(), true) END"
        ),
        {
            "uid": "" if actor.user_id is None else str(actor.user_id),
            "ip": _valid_ip(actor.client_ip),
            "ua": (actor.user_agent or "")[:500],
        },
    )


_factories: dict[Engine, sessionmaker[Session]] = {}


def _session_factory(engine: Engine) -> sessionmaker[Session]:
    """One ``sessionmaker`` per engine, built once.

    A ``sessionmaker`` makes a new ``Session`` subclass, whose event dispatch SQLAlchemy sets
    up again on first use: built per call, that was ~5 % of the server's CPU per page.
    """
    with _engines_lock:
        factory = _factories.get(engine)
        if factory is None:
            factory = _factories[engine] = sessionmaker(bind=engine, expire_on_commit=False)
        return factory


@contextmanager
def session_scope(actor: Actor = SYSTEM, *, engine: Engine | None = None) -> Iterator[Session]:
    """One user action = one transaction: commit on success, roll back on any error.

    The actor's identity is set at the start of the transaction, before any statement of the
    action runs.
    """
    with _session_factory(engine or app_engine())() as session, session.begin():
        apply_actor(session, actor)
        yield session
