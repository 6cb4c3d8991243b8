"""board_bounded_under_rls: the interventions board, late list and dispatch at any size.

Under row-level security a condition is an index condition only when its operator is
leakproof; the enum equality is not, so ``statut = 'cloturee'`` was a filter and each board
column of an admin or technician sorted every intervention of its status (4.4 s at
1,000,000). Partial indexes (matched whatever the policies) make each column an ordered range:

* ``idx_intervention_board_<statut>``: one per status, (priorite, date_limite, id);
* ``idx_intervention_open_date_id``: the late-only list in its default order;
* ``idx_intervention_technicien_open``: dispatch's open load and overlapping work;
* ``intervention_search_ids`` v2: each look-up stops at the limit (a common word read every
  match first: 2.3 s for "pompe" at 1,000,000).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import sqlfiles

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUTS = ("ouverte", "affectee", "en_cours", "en_attente", "cloturee", "annulee", "archivee")
INDEXES = (
    *(f"interventions/sql/idx_intervention_board_{s}.sql" for s in STATUTS),
    "interventions/sql/idx_intervention_open_date_id.sql",
    "interventions/sql/idx_intervention_technicien_open.sql",
)
SEARCH_OLD = "interventions/sql/fn_intervention_search_ids.sql"
SEARCH_NEW = "interventions/sql/fn_intervention_search_ids_v2.sql"


def upgrade() -> None:
    sqlfiles.apply(op.get_bind(), *INDEXES, SEARCH_NEW)


def downgrade() -> None:
    bind = op.get_bind()
    sqlfiles.apply(bind, SEARCH_OLD)  # same signature: grants are kept
    sqlfiles.drop(bind, *INDEXES)
