"""login_functions: sign-in through the database, without the app role reading a hash.

``login_events`` (journal of comparisons, locks and logouts), ``login_secret`` (owner-only key
of the fake salts) and four SECURITY DEFINER functions executable by the app role:
``auth_login_salt``, ``auth_login_check`` (serialised per account, lock-out),
``auth_session_user`` and ``auth_end_sessions``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import sqlfiles

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables before the functions that write them.
SQL_FILES = (
    "people/sql/tbl_login_events.sql",
    "people/sql/tbl_login_secret.sql",
    "people/sql/fn_auth_login_salt.sql",
    "people/sql/fn_auth_login_check.sql",
    "people/sql/fn_auth_session_user.sql",
    "people/sql/fn_auth_end_sessions.sql",
)


def upgrade() -> None:
    sqlfiles.apply(op.get_bind(), *SQL_FILES)


def downgrade() -> None:
    sqlfiles.drop(op.get_bind(), *SQL_FILES)
