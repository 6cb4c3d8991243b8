"""intervention_file: the parts picker's search, document and thread bookkeeping.

* ``piece_search_ids(pattern, limit)`` and its trigram index ``idx_piece_search_trgm``: the
  parts picker of an intervention searches reference and name through an index (granted by
  ``functions.csv``);
* a document filed on an intervention leaves an ``upload_document`` audit row;
* an intervention's thread gets its participants from the database (its technicians and the
  client's contact when opened, whoever posts from their first message).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db import access, sqlfiles

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQL_FILES = (
    "stock/sql/idx_piece_search.sql",
    "stock/sql/fn_piece_search_ids.sql",
    "interventions/sql/trg_document_audit.sql",
    "messaging/sql/trg_thread_participants.sql",
)


def upgrade() -> None:
    bind = op.get_bind()
    sqlfiles.apply(bind, *SQL_FILES)
    access.apply(bind)


def downgrade() -> None:
    bind = op.get_bind()
    sqlfiles.drop(bind, *SQL_FILES)
    access.apply(bind)
