"""Is the database there, and bringing the app back after an outage.

* ``is_unavailable(exc)`` tells a lost or refused *connection* (server down, restarting,
  unreachable, database missing, login refused) from an error of a statement (a rule of the
  database, a conflict, a bug): only the first becomes "database unavailable".
* ``recover()`` runs after such a failure: with the embedded server, it starts the server again
  when it is no longer running; then it empties the connection pools, whose connections all
  point at the dead server. The engines built by ``db.session`` call it by themselves on a
  connection error (``on_connection_error``), so the next page run works without restarting
  the app.
* ``diagnose()`` names the state of the configured database for ``python -m db status``:
  server unreachable (with the reason), database missing, schema not migrated, up to date.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal

import psycopg
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from db import config
from db.errors import ServiceError

log = logging.getLogger(__name__)

UNAVAILABLE_RULE = "database_unavailable"
UNAVAILABLE_MESSAGE = (
    "Base de données indisponible : le serveur ne répond pas. Réessayez dans un instant."
)
# Exceptions that may carry a lost connection (SQLAlchemy wraps the driver's in DBAPIError).
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    DBAPIError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
# SQLSTATEs of a connection the server refused or ended: connection exceptions (08...),
# shutdown / crash / start-up in progress, too many connections, database missing, login
# refused. Serialization failures and deadlocks (40...) and cancelled statements are
# OperationalErrors too, but they are errors of one statement: not an outage.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300", "3D000", "28")
# After a failed restart, the next attempt waits this long (a broken server is not restarted
# by every page run of every user).
RESTART_RETRY_SECONDS = 5.0

_restart_lock = threading.Lock()
_last_failed_restart = 0.0


def _driver_error(exc: BaseException) -> BaseException:
    return exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be reached (not that a statement failed)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    orig = _driver_error(exc)
    if isinstance(orig, psycopg.InterfaceError):  # "the connection is closed"
        return True
    if not isinstance(orig, psycopg.OperationalError):
        return False
    sqlstate = getattr(orig, "sqlstate", None)
    # No SQLSTATE: libpq itself failed (refused, timed out, server gone mid-query).
    return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


def reason(exc: BaseException) -> str:
    """The driver's own explanation, on one line (for logs and the operator, not for users)."""
    return " ".join(str(_driver_error(exc)).split()) or type(exc).__name__


def unavailable_error(exc: BaseException | None = None) -> ServiceError:
    """The French refusal a service or a page shows for an outage."""
    if exc is not None:
        log.warning("database unavailable: %s", reason(exc))
    return ServiceError(UNAVAILABLE_MESSAGE, rule=UNAVAILABLE_RULE)


@dataclass(frozen=True)
class Recovery:
    """What ``recover()`` did: embedded server started again, or why it could not be."""

    restarted: bool = False
    error: str | None = None


def restart_if_down() -> Recovery:
    """With the embedded server: start it again when it is no longer running.

    Serialised in this process (other processes wait on the package's own lock); after a
    failed attempt, the next one waits ``RESTART_RETRY_SECONDS``.
    """
    global _last_failed_restart
    if not config.uses_embedded():
        return Recovery()
    with _restart_lock:
        if time.monotonic() - _last_failed_restart < RESTART_RETRY_SECONDS:
            return Recovery(error="dernier redémarrage en échec, nouvel essai sous peu")
        try:
            restarted = config.restart_embedded_server()
        except Exception as exc:  # a failed start must never break the page that noticed it
            _last_failed_restart = time.monotonic()
            log.error("embedded PostgreSQL could not be restarted: %s", exc)
            return Recovery(error=" ".join(str(exc).split()))
    if restarted:
        log.warning("embedded PostgreSQL was not running: started again")
    return Recovery(restarted=restarted)


def recover() -> Recovery:
    """After a lost connection: restart the embedded server if it is down, empty the pools."""
    from db.session import dispose_engines  # db.session registers our hook: imported late

    outcome = restart_if_down()
    dispose_engines()
    return outcome


def on_connection_error(context: Any) -> None:
    """SQLAlchemy ``handle_error`` hook of the app's engines (``db.session.build_engine``).

    A lost connection marks the error as a disconnect, so SQLAlchemy drops every pooled
    connection of that engine, and the embedded server is started again if it died. The error
    itself still reaches the caller (the page shows "base de données indisponible").
    """
    if not is_unavailable(context.original_exception):
        return
    context.is_disconnect = True
    restart_if_down()


# --------------------------------------------------------------------------- diagnosis

State = Literal["unreachable", "missing", "not_migrated", "up_to_date"]


@dataclass(frozen=True)
class Diagnosis:
    """State of the configured database, with a French sentence for the operator."""

    state: State
    message: str
    revision: str | None = None
    head: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True when the schema is at the latest revision."""
        return self.state == "up_to_date"


def _connect(url: URL) -> Any:
    # A short connect timeout: an unreachable host must not hang ``python -m db status``.
    return create_engine(url, poolclass=pool.NullPool, connect_args={"connect_timeout": 5})


def _schema_revision(url: URL) -> str | None:
    engine = _connect(url)
    try:
        with engine.connect() as conn:
            if not conn.scalar(text("SELECT to_regclass('public.alembic_version') IS NOT NULL")):
                return None
            return conn.scalar(text("SELECT max(version_num) FROM alembic_version"))
    finally:
        engine.dispose()


def _database_exists(url: URL) -> bool | None:
    """Whether ``url.database`` exists, asked of the server's ``postgres`` database (None: no
    answer)."""
    engine = _connect(url.set(database="postgres"))
    try:
        with engine.connect() as conn:
            return bool(
                conn.scalar(
                    text("SELECT count(*) FROM pg_database WHERE datname = :n"),
                    {"n": url.database},
                )
            )
    except DBAPIError:
        return None
    finally:
        engine.dispose()


def _start_failure(exc: BaseException) -> str:
    """Why the embedded server did not start: the error, and the last line of its log."""
    why = " ".join(str(exc).split())
    try:
        lines = (config.pgdata_dir() / "log").read_text(errors="replace").splitlines()
        last = next(line for line in reversed(lines) if line.strip())
    except (OSError, StopIteration):
        return why
    return f"{why} — {last.strip()}"


def diagnose(url: URL | None = None) -> Diagnosis:
    """Server reachable? database present? schema at the latest revision?"""
    from db.migrate import head_revision, is_known_revision

    head = head_revision()
    try:
        if url is None and config.uses_embedded() and not config.embedded_server_running():
            config.restart_embedded_server()  # as any command would: start it
        url = url or config.owner_url()
    except Exception as exc:  # the embedded server could not start
        why = _start_failure(exc)
        message = f"Serveur PostgreSQL embarqué impossible à démarrer : {why}"
        return Diagnosis("unreachable", message, None, head, why)
    try:
        revision = _schema_revision(url)
    except DBAPIError as exc:
        why = reason(exc)
        if _database_exists(url) is False:
            return Diagnosis(
                "missing",
                f"La base « {url.database} » n'existe pas : lancez « python -m db migrate ».",
                None,
                head,
                why,
            )
        if is_unavailable(exc):
            return Diagnosis("unreachable", f"Serveur injoignable : {why}", None, head, why)
        return Diagnosis("unreachable", f"Base inaccessible : {why}", None, head, why)
    if revision is None:
        return Diagnosis(
            "not_migrated",
            f"Schéma non migré (aucune révision, attendue {head}) :"
            " lancez « python -m db migrate ».",
            None,
            head,
        )
    if revision != head and not is_known_revision(revision):
        return Diagnosis(
            "not_migrated",
            f"Révision {revision} inconnue de ce code (attendue {head}) : la base a été migrée"
            " par une version plus récente de l'application.",
            revision,
            head,
        )
    if revision != head:
        return Diagnosis(
            "not_migrated",
            f"Schéma pas à jour (révision {revision}, attendue {head}) :"
            " lancez « python -m db migrate ».",
            revision,
            head,
        )
    return Diagnosis("up_to_date", f"Schéma à jour (révision {revision}).", revision, head)
