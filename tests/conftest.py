"""Test fixtures: a migrated, seeded PostgreSQL database and rolled-back transactions.

The suite uses the embedded server (or ``DATABASE_URL``) and its own database ``mif_test``
(``MIF_TEST_DB``), dropped and rebuilt with ``alembic upgrade head`` + the demo seed once per
run. Each test gets a connection inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

# Before anything builds an engine: point the app and the CLI at the test database. Under
# pytest-xdist (`make test` runs two workers) each worker has a database of its own
# (mif_test_gw0, mif_test_gw1 ...), so no test sees another worker's committed rows.
os.environ["MIF_DB_NAME"] = "_".join(
    filter(None, (os.environ.get("MIF_TEST_DB", "mif_test"), os.environ.get("PYTEST_XDIST_WORKER")))
)
os.environ.setdefault("MIF_COOKIE_KEY", "tests-only-cookie-key-0123456789abcdef-xyz")

import pytest
from sqlalchemy import Connection, Engine, create_engine, pool, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from db import config, migrate
from db.errors import describe
from db.session import Actor, apply_actor

TEST_DB = os.environ["MIF_DB_NAME"]
# Words of PostgreSQL's English messages that must never reach a user.
ENGLISH_MARKERS = ("violates", "constraint", "duplicate key", "policy", "permission denied")


def recreate_database(url: URL) -> None:
    """Drop (forcing other connections out) and create ``url.database``."""
    migrate.drop_database(url)
    migrate.ensure_database(url)


@pytest.fixture(scope="session")
def db_url() -> URL:
    """Owner URL of a freshly migrated and seeded test database."""
    from db import seed

    url = config.owner_url(TEST_DB)
    recreate_database(url)
    migrate.upgrade(url)
    if os.environ.get("MIF_TEST_SEED", "1") != "0":  # 0: faster runs of rule-only tests
        seed.run_seed(url=url, scale=1)
    return url


@pytest.fixture(scope="session")
def owner_engine(db_url: URL) -> Iterator[Engine]:
    """Engine of the table owner on the test database."""
    engine = create_engine(db_url, poolclass=pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app_engine_test(db_url: URL) -> Iterator[Engine]:
    """Engine of the unprivileged app role on the test database."""
    engine = create_engine(config.app_url(TEST_DB), poolclass=pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def conn(owner_engine: Engine) -> Iterator[Connection]:
    """Owner connection inside a transaction rolled back after the test (raw SQL tests)."""
    with owner_engine.connect() as connection:
        trans = connection.begin()
        try:
            yield connection
        finally:
            trans.rollback()


@pytest.fixture
def session(conn: Connection) -> Iterator[Session]:
    """ORM session on ``conn``; services' flushes and savepoints stay inside the test."""
    with Session(bind=conn, join_transaction_mode="create_savepoint") as s:
        yield s


def act_as(bind: Connection | Session, actor: Actor) -> None:
    """Become the app role for the rest of the transaction, acting as ``actor``.

    ``SET LOCAL ROLE`` lasts until the transaction ends, so row-level security applies to
    everything after it, including rows inserted earlier in the same (uncommitted) transaction.
    """
    bind.execute(text("SET LOCAL ROLE mif_app"))
    apply_actor(bind, actor)


def sql_error(conn: Connection, statement: str, params: dict | None = None) -> BaseException:
    """Run ``statement`` in a savepoint and return the exception the database raised.

    Fails the test when the statement is accepted. The savepoint is rolled back, so the
    test's transaction stays usable.
    """
    nested = conn.begin_nested()
    try:
        conn.execute(text(statement), params or {})
    except Exception as exc:
        nested.rollback()
        return exc
    nested.rollback()
    pytest.fail(f"the database accepted: {statement}")


def assert_refused(exc: BaseException, rule: str, sqlstate: str = "23514") -> None:
    """The database refused with ``rule`` / ``sqlstate``, and the app can say it in French."""
    orig = getattr(exc, "orig", exc)
    assert orig.sqlstate == sqlstate, orig
    assert orig.diag.constraint_name == rule, orig
    err = describe(exc)
    assert err.rule == rule
    assert err.message
    assert not any(word in err.message.lower() for word in ENGLISH_MARKERS), err.message


def visible_rows(conn: Connection, statement: str, params: dict | None = None) -> int:
    """Rows a SELECT count(*) sees, 0 when the role may not read the table at all.

    With one database role per app role, a table a role has no right on is refused outright
    (42501) rather than filtered to nothing; for "sees nothing" both answers are right.
    """
    nested = conn.begin_nested()
    try:
        return conn.execute(text(statement), params or {}).scalar_one()
    except Exception as exc:
        orig = getattr(exc, "orig", exc)
        if getattr(orig, "sqlstate", None) != "42501":
            raise
        return 0
    finally:
        nested.rollback()


def touches_nothing(conn: Connection, statement: str, params: dict | None = None) -> None:
    """The write is refused (42501) or matches no row (row-level security hides them)."""
    nested = conn.begin_nested()
    try:
        result = conn.execute(text(statement), params or {})
        assert result.rowcount == 0, statement
    except Exception as exc:
        orig = getattr(exc, "orig", exc)
        if getattr(orig, "sqlstate", None) != "42501":
            raise
    finally:
        nested.rollback()
