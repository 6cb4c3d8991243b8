"""``db.health``: a lost connection is told apart from an error of a statement.

Only the first becomes "base de données indisponible"; a conflict, a rule of the database or a
cancelled statement keeps its own message. Every error here is raised by a real server.
"""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import Connection, create_engine, pool
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from db import health
from tests.conftest import sql_error


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect_error(url: str | URL) -> DBAPIError:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with pytest.raises(DBAPIError) as caught, engine.connect():
            pass
    finally:
        engine.dispose()
    return caught.value


def raised(conn: Connection, errcode: str) -> BaseException:
    return sql_error(
        conn, f"DO $$ BEGIN RAISE EXCEPTION 'essai' USING ERRCODE = '{errcode}'; END $$"
    )


def test_a_refused_connection_is_an_outage_with_a_french_message():
    exc = connect_error(f"postgresql+psycopg://mif_app:x@127.0.0.1:{closed_port()}/mif")
    assert health.is_unavailable(exc)
    assert "refused" in health.reason(exc).lower()
    error = health.unavailable_error(exc)
    assert error.message.startswith("Base de données indisponible")
    assert error.rule == health.UNAVAILABLE_RULE


def test_a_missing_database_is_an_outage(db_url: URL):
    assert health.is_unavailable(connect_error(db_url.set(database="mif_base_absente_xyz")))


@pytest.mark.parametrize(
    "errcode", ["admin_shutdown", "crash_shutdown", "cannot_connect_now", "connection_failure"]
)
def test_a_server_shutting_down_or_dropping_the_connection_is_an_outage(
    conn: Connection, errcode: str
):
    assert health.is_unavailable(raised(conn, errcode))


@pytest.mark.parametrize(
    "errcode",
    [
        "serialization_failure",  # OperationalError too, but a conflict: "réessayez"
        "deadlock_detected",
        "query_canceled",  # statement_timeout
        "check_violation",
        "insufficient_privilege",
        "division_by_zero",
    ],
)
def test_errors_of_a_statement_are_not_an_outage(conn: Connection, errcode: str):
    assert not health.is_unavailable(raised(conn, errcode))


def test_an_error_that_is_no_database_error_is_not_an_outage():
    assert not health.is_unavailable(ValueError("x"))
    assert not health.is_unavailable(RuntimeError("connection"))
