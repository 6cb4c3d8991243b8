"""Create the database if needed and bring it to the latest schema revision."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from psycopg import sql
from sqlalchemy import Connection, create_engine, pool, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from db import config


def alembic_config(connection: Connection | None = None, url: URL | None = None) -> Config:
    """Alembic configuration pointing at ``migrations/`` (no ini file needed)."""
    cfg = Config(toml_file=str(config.PROJECT_ROOT / "pyproject.toml"))
    cfg.set_main_option("script_location", str(config.PROJECT_ROOT / "migrations"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    if url is not None:
        cfg.attributes["url"] = url
    return cfg


@contextmanager
def server_admin(url: URL) -> Iterator[Connection]:
    """Autocommit connection to the server's ``postgres`` database (CREATE / DROP DATABASE)."""
    admin = create_engine(
        url.set(database="postgres"), poolclass=pool.NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            yield conn
    finally:
        admin.dispose()


def ensure_database(url: URL) -> bool:
    """Create ``url.database`` on its server when missing. Returns True when it was created."""
    with server_admin(url) as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            return True
        return False


def drop_database(url: URL, *, wait: float = 30.0) -> None:
    """Drop ``url.database`` if it exists, forcing its connections out (tests, scratch bases).

    A non-superuser owner may not terminate an autovacuum worker that happens to be working
    on the database (PostgreSQL refuses the whole ``WITH (FORCE)`` with 42501): such a worker
    ends on its own within seconds, so the drop is retried for up to ``wait`` seconds.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            with server_admin(url) as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            return
        except DBAPIError as exc:
            sqlstate = getattr(exc.orig, "sqlstate", None)
            if sqlstate != "42501" or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def alter_app_role_sql(password: str | None) -> str:
    """``ALTER ROLE mif_app LOGIN [PASSWORD '...']`` with the password as a quoted literal.

    The password is data, never an identifier: psycopg quotes it as a string literal (quotes
    doubled, backslashes escaped), so any character is stored as typed and nothing can be
    injected.
    """
    statement = sql.SQL("ALTER ROLE {role} LOGIN").format(role=sql.Identifier(config.APP_ROLE))
    if password:
        statement = sql.SQL("{statement} PASSWORD {password}").format(
            statement=statement, password=sql.Literal(password)
        )
    return statement.as_string()


def enable_app_login(url: URL) -> None:
    """Let the ``mif_app`` role log in (the migration creates it NOLOGIN).

    With the embedded server (local socket, trust authentication) no password is needed; with
    an external server the password comes from ``MIF_APP_DB_PASSWORD`` — or the operator
    manages the role and sets ``APP_DATABASE_URL``.
    """
    password = os.environ.get("MIF_APP_DB_PASSWORD")
    if not config.uses_embedded() and not password:
        return
    engine = create_engine(url, poolclass=pool.NullPool)

    def alter() -> None:
        with engine.begin() as conn:
            can = conn.scalar(
                text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
            )
            if can:
                conn.exec_driver_sql(
                    alter_app_role_sql(password), execution_options={"no_parameters": True}
                )

    try:
        _retrying_role_races(alter)
    finally:
        engine.dispose()


# Roles (mif_app, mif_admin ...) belong to the whole server, not to one database: two
# databases of one server migrating at the same moment (two deployments, a test run beside the
# app) may both ALTER or GRANT on the same role, and PostgreSQL then fails the second with
# "tuple concurrently updated" (XX000). The failed revision rolled back as a whole, so running
# it again is safe.
ROLE_RACE = "tuple concurrently updated"
# The same race on a new server: both see no role yet and both CREATE ROLE; the second fails on
# the catalogue's unique index, and its retry then finds the role there.
ROLE_CREATE_RACE = "pg_authid_rolname_index"
ROLE_RACE_ATTEMPTS = 5


def _retrying_role_races(step: Callable[[], None]) -> None:
    for attempt in range(1, ROLE_RACE_ATTEMPTS + 1):
        try:
            step()
            return
        except (DBAPIError, psycopg.Error) as exc:
            # SQL files run on the driver connection (db.sqlfiles): psycopg's own error then.
            message = str(exc)
            raced = ROLE_RACE in message or ROLE_CREATE_RACE in message
            if not raced or attempt == ROLE_RACE_ATTEMPTS:
                raise
            time.sleep(0.3 * attempt)


def upgrade(url: URL | None = None, revision: str = "head") -> None:
    """Create the database if needed, migrate it to ``revision`` and enable the app login."""
    url = url or config.owner_url()
    ensure_database(url)
    _retrying_role_races(lambda: command.upgrade(alembic_config(url=url), revision))
    enable_app_login(url)


def downgrade(url: URL | None = None, revision: str = "base") -> None:
    """Downgrade the database at ``url`` to ``revision``."""
    config_ = alembic_config(url=url or config.owner_url())
    _retrying_role_races(lambda: command.downgrade(config_, revision))


def head_revision() -> str | None:
    """Latest revision of the migration scripts shipped with this code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_known_revision(revision: str) -> bool:
    """True when ``revision`` is one of this code's migration scripts."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(url: URL | None = None) -> str | None:
    """The schema revision stored in ``alembic_version`` (None for an empty database)."""
    engine = create_engine(url or config.owner_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            has = conn.scalar(text("SELECT to_regclass('public.alembic_version') IS NOT NULL"))
            return conn.scalar(text("SELECT version_num FROM alembic_version")) if has else None
    finally:
        engine.dispose()
