"""page_indexes: every page bounded at a large scale (trigram search, open-status index).

* ``pg_trgm`` (a trusted extension: the non-superuser owner may create it) and trigram GIN
  indexes for the registry's search (machine text, client company name);
* ``idx_open_interventions`` rebuilt on the product's four open statuses (the first schema
  left ``en_attente`` out, so no "open" query could use it) and a partial deadline index for
  the managers' home (open and late interventions, by deadline);
* indexes for the list's default order (name, id), the machines down and the late invoices.

* ``equipement_search_ids(pattern)``: the search's look-up, run as the owner because row-level
  security keeps PostgreSQL from using an index for a non-leakproof ILIKE (see its file); it
  is in ``db/access/functions.csv`` and the matrix is applied again to grant it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import access, sqlfiles

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQL_FILES = (
    "sql/ext_pg_trgm.sql",
    "equipment/sql/idx_equipement_search.sql",
    "equipment/sql/fn_equipement_search_ids.sql",
    "interventions/sql/idx_open_interventions_v2.sql",
    "billing/sql/idx_facture_statut_echeance.sql",
)


def upgrade() -> None:
    bind = op.get_bind()
    sqlfiles.apply(bind, *SQL_FILES)
    access.apply(bind)


def downgrade() -> None:
    bind = op.get_bind()
    sqlfiles.drop(bind, *SQL_FILES)
    access.apply(bind)
