"""admin_table_counts(): exact row counts for the admin's database status page.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import sqlfiles

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQL_FILES = ("reporting/sql/fn_admin_table_counts.sql",)


def upgrade() -> None:
    sqlfiles.apply(op.get_bind(), *SQL_FILES)


def downgrade() -> None:
    sqlfiles.drop(op.get_bind(), *SQL_FILES)
