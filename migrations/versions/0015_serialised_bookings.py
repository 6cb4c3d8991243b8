"""serialised_bookings: two bookings of one technician at once end in a French refusal.

``occupation_reserve`` v2 takes a transaction-scoped advisory lock per technician before
inserting into ``planning_occupations``: two managers booking the same technician for
overlapping times at the same moment no longer deadlock on the exclusion constraint (each
waiting for the other's uncommitted row); the second waits, then is told who is already
booked.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import sqlfiles

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "planning/sql/fn_occupation_reserve.sql"
NEW = "planning/sql/fn_occupation_reserve_v2.sql"


def upgrade() -> None:
    # Same signature: CREATE OR REPLACE keeps the triggers that call it and its (absent) grants.
    sqlfiles.apply(op.get_bind(), NEW)


def downgrade() -> None:
    sqlfiles.apply(op.get_bind(), OLD)
