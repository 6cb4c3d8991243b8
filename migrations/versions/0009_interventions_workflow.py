"""interventions_workflow: skills required, checklist order, notifications, board indexes.

* ``intervention_competences`` (intervention, competence, level required on the seed's
  ``niveau_competence`` scale): what dispatch ranks technicians against; its rows in
  ``db/access/matrix.csv``;
* ``taches.ordre``: the checklist's order;
* notifications written by the database (SECURITY DEFINER triggers: clients and technicians
  may not write notifications): a client's request to the managers, an assignment to the
  technician, a status change to the client's contact; ``notify_late_interventions()`` for
  deadlines passed (owner only, ``python -m db notify-late``, announced once per user);
* a message in an intervention's thread leaves an ``ajout_commentaire`` audit row; a status
  change's audit row carries the reason given (a pause's motif);
* a client may file a document (a photo) with its request (matrix);
* the board's and the list's indexes, and ``intervention_search_ids(pattern)`` (trigram
  look-up run as the owner, granted by ``functions.csv``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from db import access, sqlfiles

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPLACED = ("interventions/sql/trg_intervention_audit.sql",)

SQL_FILES = (
    "interventions/sql/trg_intervention_audit_v2.sql",
    "interventions/sql/idx_intervention_board.sql",
    "interventions/sql/fn_intervention_search_ids.sql",
    "interventions/sql/trg_notify_client_request.sql",
    "interventions/sql/trg_notify_assignment.sql",
    "interventions/sql/trg_notify_status_change.sql",
    "interventions/sql/fn_notify_late_interventions.sql",
    "messaging/sql/trg_message_audit.sql",
)


def upgrade() -> None:
    bind = op.get_bind()
    niveau = postgresql.ENUM(name="niveau_competence", create_type=False)
    op.create_table(
        "intervention_competences",
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("competence_id", sa.Integer(), nullable=False),
        sa.Column("niveau_requis", niveau, server_default="intermediaire", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_intervention_competences_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["competence_id"],
            ["competences.id"],
            name=op.f("fk_intervention_competences_competence_id_competences"),
        ),
        sa.PrimaryKeyConstraint(
            "intervention_id", "competence_id", name=op.f("pk_intervention_competences")
        ),
    )
    op.create_index(
        "idx_intervention_competences_competence", "intervention_competences", ["competence_id"]
    )
    op.execute(
        "CREATE TRIGGER trg_intervention_competences_updated_at BEFORE UPDATE ON "
        "intervention_competences FOR EACH ROW EXECUTE FUNCTION set_updated_at()"
    )
    op.add_column("taches", sa.Column("ordre", sa.Integer(), server_default="0", nullable=False))
    sqlfiles.drop(bind, *REPLACED)
    sqlfiles.apply(bind, *SQL_FILES)
    access.apply(bind)


def downgrade() -> None:
    bind = op.get_bind()
    sqlfiles.drop(bind, *SQL_FILES)
    sqlfiles.apply(bind, *REPLACED)
    op.drop_column("taches", "ordre")
    op.drop_table("intervention_competences")
    access.apply(bind)
