"""bounded_home_and_search: the home page's alerts and the registry search at any size.

* ``idx_facture_a_encaisser``: late invoices are a scan of the invoices still to collect, not
  of every invoice (74 ms → a few ms for the count at 600,000 invoices);
* ``idx_piece_sous_minimum``: parts under their minimum, in the list's order;
* ``equipement_search_ids`` v2: a client's search reads its own machines only.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import access, sqlfiles

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = ("billing/sql/idx_facture_a_encaisser.sql", "stock/sql/idx_piece_sous_minimum.sql")
SEARCH_OLD = "equipment/sql/fn_equipement_search_ids.sql"
SEARCH_NEW = "equipment/sql/fn_equipement_search_ids_v2.sql"


def upgrade() -> None:
    bind = op.get_bind()
    for path in INDEXES:
        sqlfiles.apply(bind, path)
    sqlfiles.apply(bind, SEARCH_NEW)
    access.apply(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for path in reversed(INDEXES):
        sqlfiles.drop(bind, path)
    sqlfiles.apply(bind, SEARCH_OLD)
    access.apply(bind)
