"""unplanned_index: "open or assigned and not planned yet" as an index range at any size.

The planning page lists the ``ouverte`` / ``affectee`` interventions without a slot. At
1,000,000 interventions almost all of the ~48,000 assigned ones have a slot: the list walked
them all, one planning look-up each, to find the few left (0.2-0.6 s). Now:

* ``interventions.planifiee`` (derived, not in the ERD): true when the intervention has its
  slot, kept by ``trg_planning_planifiee`` (SECURITY DEFINER, sets that flag only) on planning
  insert, delete and change of intervention; written by hand it is refused unless it says the
  truth (``intervention_planifiee``, whoever writes);
* the audit trigger (v3) never records the flag, and the column guard (v3) leaves it to its
  own guard;
* ``idx_intervention_unplanned_ouverte`` / ``_affectee``: one partial index per status (under
  row-level security the enum equality is not leakproof: revision 0012), ``NOT planifiee`` in
  the predicate, so the unplanned rows are the whole index.

Existing rows are back-filled set-wise, with the interventions' user triggers set aside for
that one statement (they would only bump ``updated_at`` and compute an empty audit diff per
row; the value written is the truth by construction).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import sqlfiles

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "planning/sql/col_intervention_planifiee.sql"
REPLACED = (
    "interventions/sql/trg_intervention_audit_v2.sql",
    "interventions/sql/trg_intervention_role_guard_v2.sql",
)
SQL_FILES = (
    "interventions/sql/trg_intervention_audit_v3.sql",
    "interventions/sql/trg_intervention_role_guard_v3.sql",
    "planning/sql/trg_intervention_planifiee_guard.sql",
    "planning/sql/trg_planning_planifiee.sql",
    "planning/sql/idx_intervention_unplanned_ouverte.sql",
    "planning/sql/idx_intervention_unplanned_affectee.sql",
)

# Before the indexes and the triggers: the rows rewritten once, the indexes built once.
BACKFILL = (
    "ALTER TABLE interventions DISABLE TRIGGER USER",
    "UPDATE interventions i SET planifiee = true FROM planning p"
    " WHERE p.intervention_id = i.id AND NOT i.planifiee",
    "ALTER TABLE interventions ENABLE TRIGGER USER",
    # the planner's estimate of NOT planifiee (the partial indexes' predicate)
    "ANALYZE interventions",
)


def upgrade() -> None:
    bind = op.get_bind()
    sqlfiles.apply(bind, COLUMN)
    for statement in BACKFILL:
        op.execute(statement)
    sqlfiles.drop(bind, *REPLACED)
    sqlfiles.apply(bind, *SQL_FILES)


def downgrade() -> None:
    bind = op.get_bind()
    sqlfiles.drop(bind, *SQL_FILES)
    sqlfiles.apply(bind, *REPLACED)
    sqlfiles.drop(bind, COLUMN)
