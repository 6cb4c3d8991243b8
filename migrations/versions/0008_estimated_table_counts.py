"""estimated_table_counts: the database status page counts big tables by estimate.

``admin_table_counts(p_exact_below)`` counts exactly below 100,000 rows and returns
PostgreSQL's estimate (flagged) above, so the page costs the same at a million interventions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import access, sqlfiles

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "reporting/sql/fn_admin_table_counts.sql"
NEW = "reporting/sql/fn_admin_table_counts_v2.sql"


def upgrade() -> None:
    bind = op.get_bind()
    sqlfiles.drop(bind, OLD)
    sqlfiles.apply(bind, NEW)
    access.apply(bind)


def downgrade() -> None:
    bind = op.get_bind()
    sqlfiles.drop(bind, NEW)
    sqlfiles.apply(bind, OLD)
    access.apply(bind)
    # functions.csv names the new signature; the old one keeps the right it had at 0007.
    op.execute("GRANT EXECUTE ON FUNCTION admin_table_counts() TO mif_admin")
