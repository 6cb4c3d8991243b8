"""A pooled connection goes back to the pool without the session state of its last user."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, Integer, column, select, table, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from db import config
from db.query import capped_count
from db.session import app_engine, build_engine

WHO = text(
    "SELECT pg_backend_pid() AS pid, current_setting('app.current_user_id', true) AS uid,"
    " current_user AS role, session_user AS login"
)


@pytest.fixture
def one_connection_engine(db_url: URL) -> Iterator[Engine]:
    """Owner engine whose pool holds a single connection: a second checkout reuses the first."""
    engine = build_engine(db_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def test_a_returned_connection_forgets_the_user_id_and_the_role_set_at_session_level(
    one_connection_engine: Engine,
):
    with one_connection_engine.connect() as conn:
        conn.execute(text("SET app.current_user_id = '42'"))
        conn.execute(text(f"SET ROLE {config.APP_ROLE}"))
        conn.commit()  # session-level settings survive the transaction
        before = conn.execute(WHO).one()
        assert before.uid == "42"
        assert before.role == config.APP_ROLE

    with one_connection_engine.connect() as conn:
        after = conn.execute(WHO).one()
    assert after.pid == before.pid, "the pool must hand out the same server connection"
    assert after.uid == ""
    assert after.role == after.login


def test_a_connection_returned_inside_a_failed_transaction_is_rolled_back_and_reset(
    one_connection_engine: Engine,
):
    conn = one_connection_engine.connect()
    conn.execute(text("SELECT set_config('app.current_user_id', '7', false)"))
    conn.commit()
    pid = conn.scalar(text("SELECT pg_backend_pid()"))
    with pytest.raises(Exception, match="division by zero"):
        conn.execute(text("SELECT 1 / 0"))
    conn.close()  # returned while the transaction is aborted

    with one_connection_engine.connect() as conn:
        after = conn.execute(WHO).one()
    assert after.pid == pid
    assert after.uid == ""


def test_the_app_engine_resets_connections_returned_by_a_raw_connect(db_url: URL):
    engine = app_engine()
    engine.dispose()  # an empty pool: the second checkout gets the first connection back
    with engine.connect() as conn:
        conn.execute(text("SELECT set_config('app.current_user_id', '13', false)"))
        conn.commit()
        pid = conn.scalar(text("SELECT pg_backend_pid()"))
    with engine.connect() as conn:
        after = conn.execute(WHO).one()
    assert after.pid == pid
    assert after.uid == ""


def test_prepared_statements_survive_the_reset(one_connection_engine: Engine):
    # psycopg prepares a query on the server after a few executions and keeps it across
    # committed transactions (a rollback makes it forget them); the reset must not drop them.
    query = text("SELECT CAST(:n AS integer) + 1")
    for n in range(12):
        with one_connection_engine.connect() as conn:
            assert conn.scalar(query, {"n": n}) == n + 1
            conn.commit()  # like session_scope after a successful action
    with one_connection_engine.connect() as conn:
        prepared = conn.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
    assert prepared >= 1


def test_every_statement_is_planned_with_its_values_even_after_a_reset(
    one_connection_engine: Engine,
):
    # A prepared statement's generic plan cannot use the per-status partial indexes
    # (statut = $1): the pool's connections plan each execution with its values.
    mode = text("SELECT current_setting('plan_cache_mode')")
    with one_connection_engine.connect() as conn:
        assert conn.execute(mode).scalar() == "force_custom_plan"
    with one_connection_engine.connect() as conn:  # the same connection, after RESET ALL
        assert conn.execute(mode).scalar() == "force_custom_plan"


def test_a_count_by_index_walk_gives_the_same_number_and_puts_the_settings_back(
    one_connection_engine: Engine,
):
    numbers = table("n", column("i", Integer))
    with one_connection_engine.connect() as conn:
        conn.execute(text("CREATE TEMP TABLE n AS SELECT generate_series(1, 50) AS i"))
        with Session(bind=conn) as session:
            stmt = select(numbers.c.i).where(numbers.c.i > 10)
            assert capped_count(session, stmt, cap=100, index_walk=True) == capped_count(
                session, stmt, cap=100
            )
            assert int(capped_count(session, stmt, cap=100, index_walk=True)) == 40
            capped = capped_count(session, stmt, cap=5, index_walk=True)
            assert int(capped) == 5 and not capped.exact
            settings = text(
                "SELECT current_setting('enable_seqscan'), current_setting('enable_bitmapscan')"
            )
            assert tuple(session.execute(settings).one()) == ("on", "on")
