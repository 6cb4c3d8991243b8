"""planned_flag_keeps_version: the planned flag alone never changes an intervention's version.

``interventions.planifiee`` (revision 0016) is set by the database when a slot is created,
deleted or moved to another intervention. The generic ``set_updated_at`` trigger stamped
``updated_at`` on that flag-only update, and ``updated_at`` is the version the intervention's
forms check: deleting a slot made a user editing the intervention meanwhile see a
"modified by someone else" conflict for nothing visible. ``trg_interventions_version_planifiee``
puts the old ``updated_at`` back when nothing but the flag changed.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import sqlfiles

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQL_FILES = ("planning/sql/trg_intervention_planifiee_version.sql",)


def upgrade() -> None:
    sqlfiles.apply(op.get_bind(), *SQL_FILES)


def downgrade() -> None:
    sqlfiles.drop(op.get_bind(), *SQL_FILES)
