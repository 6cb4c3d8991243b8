"""registry_search_order: the registry's search answers its ids in the list's default order.

* ``equipements.texte_recherche`` (derived, not in the ERD): the searchable text lower-cased
  once when a machine is written, with its trigram index; the look-up's recheck of each
  candidate row is then a LIKE on it instead of re-building and lower-casing the text (an
  ILIKE) per row. ``idx_equipement_search_trgm`` stays: the interventions' search reads it.
* ``equipement_search_ids`` v3 returns the matching machines ordered by ``(nom, id)``. A frequent
  word at 200,000 machines ("pompe": ~20,000 matches) then costs one trigram look-up per
  word, and the default page is a slice of the ordered ids (25 rows fetched by key) with the
  array's length as its exact total, all in one statement (db/equipment/service/list.py).
  Before, the 20,000 ids went to the app and back, and the page fetched and sorted all 20,000
  rows again.
* ``idx_equipement_a_surveiller``: the machines not in service in name order, with status and
  criticality included; under row-level security the enum filters are no index condition,
  but the partial index's predicate is proven from them, so "en panne / en maintenance" pages
  walk it and their count is an index-only scan (``LIST_COUNT_CAP``: "plus de 1 000").
* ``idx_client_nom_id``: the registry's client picker (first 50 companies by name, then id)
  as an index-only range instead of a sort of every client on each page.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import access, sqlfiles

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "equipment/sql/col_equipement_texte_recherche.sql"
SEARCH_OLD = "equipment/sql/fn_equipement_search_ids_v2.sql"
SEARCH_NEW = "equipment/sql/fn_equipement_search_ids_v3.sql"
INDEXES = (
    "equipment/sql/idx_equipement_a_surveiller.sql",
    "equipment/sql/idx_client_nom_id.sql",
)


def upgrade() -> None:
    bind = op.get_bind()
    sqlfiles.apply(bind, COLUMN, SEARCH_NEW, *INDEXES)
    op.execute("ANALYZE equipements")
    op.execute("ANALYZE clients")
    access.apply(bind)


def downgrade() -> None:
    bind = op.get_bind()
    sqlfiles.drop(bind, *INDEXES)
    sqlfiles.apply(bind, SEARCH_OLD)  # replaces v3 (same signature) before the column goes
    sqlfiles.drop(bind, COLUMN)
    access.apply(bind)
