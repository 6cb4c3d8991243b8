"""access_matrix: one database role per app role, grants and policies made from the matrix.

Closes the holes found by attacking the database through the app role: users and skills
under row-level security, password hashes unreadable, an audit trail that no setting or
cascade can erase (retention runs are recorded and checked instead of a forgeable flag),
maintenance functions executable by the owner only, an INSERT column guard on interventions,
documents that carry their machine, and row scopes that compare indexed columns with values
computed once per statement. See ``db/access/`` (matrix.csv, columns.csv, functions.csv).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db import access, sqlfiles

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What 0001 installed and this revision replaces, in 0001's order (downgrade re-applies them).
REPLACED = (
    "interventions/sql/trg_intervention_role_guard.sql",
    "interventions/sql/trg_historique_immutable.sql",
    "interventions/sql/fn_archive_old_interventions.sql",
    "interventions/sql/fn_intervention_visible.sql",
    "messaging/sql/fn_conversation_visible.sql",
    "people/sql/rls_clients.sql",
    "equipment/sql/rls_equipements.sql",
    "interventions/sql/rls_interventions.sql",
    "planning/sql/rls_planning.sql",
    "stock/sql/rls_stock.sql",
    "billing/sql/rls_billing.sql",
    "messaging/sql/rls_messaging.sql",
    "reporting/sql/rls_reporting.sql",
    "sql/app_grants.sql",
)
# Re-applied after the downgrade's grants (its own GRANT to the app role).
ADMIN_COUNTS = "reporting/sql/fn_admin_table_counts.sql"

SQL_FILES = (
    "access/sql/roles.sql",
    "access/sql/fn_scopes.sql",
    "interventions/sql/trg_intervention_role_guard_v2.sql",
    "interventions/sql/trg_historique_immutable_v2.sql",
    "interventions/sql/fn_archive_old_interventions_v2.sql",
    "interventions/sql/trg_document_equipement.sql",
)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column(
            "started_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("interventions_archivees", sa.Integer(), nullable=True),
        sa.Column("notifications_supprimees", sa.Integer(), nullable=True),
        sa.Column("historiques_supprimes", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_index("idx_retention_runs_txid", "retention_runs", ["txid"])
    op.execute(
        "CREATE TRIGGER trg_retention_runs_updated_at BEFORE UPDATE ON retention_runs "
        "FOR EACH ROW EXECUTE FUNCTION set_updated_at()"
    )
    sqlfiles.drop(bind, *REPLACED)
    sqlfiles.apply(bind, *SQL_FILES)
    # Documents of an intervention carry its machine from now on (trg_documents_equipement).
    op.execute(
        "UPDATE documents d SET equipement_id = i.equipement_id FROM interventions i "
        "WHERE i.id = d.intervention_id AND d.equipement_id IS DISTINCT FROM i.equipement_id"
    )
    access.apply(bind)


def downgrade() -> None:
    bind = op.get_bind()
    access.remove(bind)
    sqlfiles.drop(bind, *SQL_FILES)
    sqlfiles.apply(bind, *REPLACED, ADMIN_COUNTS)
    op.drop_table("retention_runs")
