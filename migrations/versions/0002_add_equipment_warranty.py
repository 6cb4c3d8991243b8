"""add_equipment_warranty: the seed's example revision (warranty end and length on equipment).

Existing machines get date_installation + 24 months and 24, as seed 004 says.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("equipements", sa.Column("date_fin_garantie", sa.Date(), nullable=True))
    op.add_column("equipements", sa.Column("duree_garantie_mois", sa.Integer(), nullable=True))
    # Back-fill before adding the checks. updated_at moves too: a row really changed.
    op.execute(
        "UPDATE equipements"
        " SET date_fin_garantie = date_installation + INTERVAL '24 months',"
        "     duree_garantie_mois = 24"
        " WHERE date_installation IS NOT NULL"
    )
    op.create_check_constraint(
        op.f("ck_equipements_garantie_positive"),
        "equipements",
        "duree_garantie_mois IS NULL OR duree_garantie_mois >= 0",
    )
    op.create_check_constraint(
        op.f("ck_equipements_garantie_apres_installation"),
        "equipements",
        "date_fin_garantie IS NULL OR date_installation IS NULL"
        " OR date_fin_garantie >= date_installation",
    )
    op.create_index(
        "idx_equipement_fin_garantie",
        "equipements",
        ["date_fin_garantie"],
        postgresql_where="date_fin_garantie IS NOT NULL",
    )


def downgrade() -> None:
    op.drop_index("idx_equipement_fin_garantie", table_name="equipements")
    op.drop_column("equipements", "duree_garantie_mois")
    op.drop_column("equipements", "date_fin_garantie")
