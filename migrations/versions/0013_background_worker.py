"""background_worker: the job engine (procrastinate) and the worker role.

* ``mif_worker``: the background worker's database role (cluster-wide, kept on downgrade);
* procrastinate's own schema SQL (the installed package's ``schema.sql``: its tables, types,
  functions and triggers), its tables then owned by ``mif_worker``;
* ``send_slot_reminders()``: the planning's reminders, run by the worker;
* ``job_defer`` / ``job_status`` (the app roles' only doors into the engine) and
  ``worker_status`` (the admin's status page), then the access matrix again.

The downgrade removes every object of the engine (tables, types, functions).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from procrastinate.schema import SchemaManager

from db import access, sqlfiles

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "worker/sql/worker_role.sql"
REMINDERS = "planning/sql/fn_send_slot_reminders.sql"
ENGINE = "worker/sql/worker_engine.sql"


def upgrade() -> None:
    bind = op.get_bind()
    sqlfiles.apply(bind, ROLE)
    # Straight to psycopg, like the project's SQL files: the schema holds '%' and ':'.
    driver = bind.connection.driver_connection
    assert driver is not None  # an open connection always has its driver connection
    driver.execute(SchemaManager.get_schema())
    sqlfiles.apply(bind, REMINDERS, ENGINE)
    access.apply(bind)


def downgrade() -> None:
    bind = op.get_bind()
    # Reverse order: the engine's drop lines remove procrastinate's tables, types and functions.
    sqlfiles.drop(bind, ROLE, REMINDERS, ENGINE)
    access.apply(bind)
