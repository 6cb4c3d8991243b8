"""Alembic environment: runs as the table owner (``db.config.owner_url``).

A caller may pass an open connection in ``config.attributes["connection"]`` (tests, the
``python -m db migrate`` command) or a URL in ``config.attributes["url"]``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from db import config as db_config
from db.models import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):
    """Autogenerate must not touch materialized views or other SQL-file objects."""
    return not (type_ == "table" and name and name.startswith(("mv_", "v_")))


def run_migrations_online() -> None:
    """Run the migrations in one transaction on the owner connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    url = config.attributes.get("url") or db_config.owner_url()
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(
            connection=conn, target_metadata=target_metadata, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) mode is not supported: SQL files are loaded live.")
run_migrations_online()
