"""Initial schema: every table, enum, rule, index, view and policy of seed 004 + DESIGN §3.1.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from db import sqlfiles

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Enum types with exactly the seed's labels (names of the seed where it gives one). Created and
# dropped explicitly: drop_table does not drop them.
ENUMS: dict[str, tuple[str, ...]] = {
    "user_role": ("admin", "responsable", "technicien", "client"),
    "disponibilite_technicien": ("disponible", "occupe", "conge", "formation", "indisponible"),
    "type_client": ("premium", "standard", "basic"),
    "niveau_service": ("platinum", "gold", "standard", "basic"),
    "niveau_competence": ("debutant", "intermediaire", "avance", "expert"),
    "statut_equipement": ("operationnel", "maintenance", "panne", "retire"),
    "criticite_equipement": ("critique", "haute", "normale", "basse"),
    "intervention_type": ("corrective", "preventive", "ameliorative", "diagnostic"),
    "statut_intervention": (
        "ouverte",
        "affectee",
        "en_cours",
        "en_attente",
        "cloturee",
        "annulee",
        "archivee",
    ),
    "priorite_intervention": ("urgente", "haute", "normale", "basse", "programmee"),
    "role_intervenant": ("principal", "assistant"),
    "statut_tache": ("a_faire", "en_cours", "terminee"),
    "action_historique": (
        "creation",
        "modification",
        "affectation",
        "changement_statut",
        "debut_intervention",
        "fin_intervention",
        "ajout_commentaire",
        "upload_document",
        "planification",
        "annulation",
    ),
    "type_notification": ("info", "warning", "error", "success", "intervention", "planning"),
    "type_contrat": ("maintenance", "support", "full_service"),
    "statut_contrat": ("actif", "expire", "suspendu", "resilie"),
    "statut_facture": ("brouillon", "envoyee", "payee", "en_retard", "annulee"),
    "type_mouvement": ("entree", "sortie", "ajustement", "transfert"),
    "type_report": ("interventions", "performance", "stock", "facturation", "client"),
    "format_report": ("pdf", "excel", "csv"),
    "statut_report": ("en_cours", "termine", "erreur"),
}

# SQL objects, in creation order (functions before the policies that call them; grants last).
SQL_FILES = (
    "sql/fn_set_updated_at.sql",
    "sql/app_role.sql",
    "people/sql/fn_app_context.sql",
    "people/sql/trg_user_role_match.sql",
    "equipment/sql/trg_equipement_transition.sql",
    "interventions/sql/trg_intervention_client.sql",
    "interventions/sql/trg_intervention_transition.sql",
    "interventions/sql/trg_intervention_role_guard.sql",
    "interventions/sql/trg_intervention_closed_equipement.sql",
    "interventions/sql/trg_intervention_audit.sql",
    "interventions/sql/trg_historique_immutable.sql",
    "interventions/sql/trg_intervention_principal_sync.sql",
    "interventions/sql/trg_intervention_techniciens_guard.sql",
    "interventions/sql/trg_tache_equipement.sql",
    "interventions/sql/v_historique_maintenance.sql",
    "interventions/sql/fn_archive_old_interventions.sql",
    "interventions/sql/fn_intervention_visible.sql",
    "stock/sql/trg_mouvement_apply.sql",
    "stock/sql/trg_piece_stock_guard.sql",
    "stock/sql/trg_intervention_pieces_movement.sql",
    "billing/sql/trg_contrat_usage.sql",
    "billing/sql/trg_contrat_equipement_client.sql",
    "reporting/sql/mv_technician_stats.sql",
    "reporting/sql/mv_client_equipment_summary.sql",
    "reporting/sql/fn_refresh_materialized_views.sql",
    "reporting/sql/v_kpi_scoped.sql",
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


def upgrade() -> None:
    bind = op.get_bind()
    for name, labels in ENUMS.items():
        postgresql.ENUM(*labels, name=name).create(bind, checkfirst=True)
    op.create_table(
        "competences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nom", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "niveau_requis",
            postgresql.ENUM(
                "debutant",
                "intermediaire",
                "avance",
                "expert",
                name="niveau_competence",
                create_type=False,
            ),
            server_default="intermediaire",
            nullable=False,
        ),
        sa.Column("certification", sa.String(length=150), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competences")),
        sa.UniqueConstraint("nom", name=op.f("uq_competences_nom")),
    )
    op.create_table(
        "pieces_detachees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("nom", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "prix_unitaire", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False
        ),
        sa.Column("stock_actuel", sa.Integer(), server_default="0", nullable=False),
        sa.Column("stock_minimum", sa.Integer(), server_default="0", nullable=False),
        sa.Column("stock_maximum", sa.Integer(), server_default="0", nullable=False),
        sa.Column("unite", sa.String(length=30), server_default="unité", nullable=False),
        sa.Column("fournisseur", sa.String(length=150), nullable=True),
        sa.Column("emplacement", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("length(trim(nom)) > 0", name=op.f("ck_pieces_detachees_nom_not_blank")),
        sa.CheckConstraint(
            "length(trim(reference)) > 0", name=op.f("ck_pieces_detachees_reference_not_blank")
        ),
        sa.CheckConstraint("prix_unitaire >= 0", name=op.f("ck_pieces_detachees_prix_positif")),
        sa.CheckConstraint(
            "stock_actuel >= 0 AND stock_minimum >= 0 AND stock_maximum >= stock_minimum",
            name=op.f("chk_stock_levels"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pieces_detachees")),
        sa.UniqueConstraint("reference", name=op.f("uq_pieces_detachees_reference")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("hashed_password", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            postgresql.ENUM(
                "admin", "responsable", "technicien", "client", name="user_role", create_type=False
            ),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("position('@' in email) > 1", name=op.f("ck_users_email_format")),
        sa.CheckConstraint("length(trim(username)) > 0", name=op.f("ck_users_username_not_blank")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_index(
        "idx_active_users", "users", ["role"], unique=False, postgresql_where="is_active = TRUE"
    )
    op.create_index("idx_user_email_active", "users", ["email", "is_active"], unique=False)
    op.create_index("idx_user_full_name", "users", ["full_name"], unique=False)
    op.create_index("idx_user_username_role", "users", ["username", "role"], unique=False)
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("nom_entreprise", sa.String(length=200), nullable=False),
        sa.Column("secteur_activite", sa.String(length=150), nullable=True),
        sa.Column(
            "type_client",
            postgresql.ENUM("premium", "standard", "basic", name="type_client", create_type=False),
            server_default="standard",
            nullable=False,
        ),
        sa.Column(
            "niveau_service",
            postgresql.ENUM(
                "platinum", "gold", "standard", "basic", name="niveau_service", create_type=False
            ),
            server_default="standard",
            nullable=False,
        ),
        sa.Column("adresse", sa.Text(), nullable=True),
        sa.Column("ville", sa.String(length=100), nullable=True),
        sa.Column("code_postal", sa.String(length=20), nullable=True),
        sa.Column("telephone", sa.String(length=30), nullable=True),
        sa.Column("email_commercial", sa.String(length=255), nullable=True),
        sa.Column("contact_principal", sa.String(length=150), nullable=True),
        sa.Column("notes_commerciales", sa.Text(), nullable=True),
        sa.Column("instructions_particulieres", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "length(trim(nom_entreprise)) > 0", name=op.f("ck_clients_nom_entreprise_not_blank")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_clients_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("user_id", name=op.f("uq_clients_user_id")),
    )
    op.create_index("idx_client_nom_entreprise", "clients", ["nom_entreprise"], unique=False)
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nom", sa.String(length=200), nullable=False),
        sa.Column(
            "type_report",
            postgresql.ENUM(
                "interventions",
                "performance",
                "stock",
                "facturation",
                "client",
                name="type_report",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "format",
            postgresql.ENUM("pdf", "excel", "csv", name="format_report", create_type=False),
            nullable=False,
        ),
        sa.Column("parametres", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "date_generation",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=True,
        ),
        sa.Column("generated_by", sa.Integer(), nullable=True),
        sa.Column("chemin_fichier", sa.String(length=500), nullable=True),
        sa.Column(
            "statut",
            postgresql.ENUM(
                "en_cours", "termine", "erreur", name="statut_report", create_type=False
            ),
            server_default="en_cours",
            nullable=False,
        ),
        sa.Column("erreur_message", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["generated_by"],
            ["users.id"],
            name=op.f("fk_reports_generated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    op.create_table(
        "techniciens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("specialite", sa.String(length=150), nullable=True),
        sa.Column(
            "disponibilite",
            postgresql.ENUM(
                "disponible",
                "occupe",
                "conge",
                "formation",
                "indisponible",
                name="disponibilite_technicien",
                create_type=False,
            ),
            server_default="disponible",
            nullable=False,
        ),
        sa.Column("equipe", sa.String(length=100), nullable=True),
        sa.Column("zone_geographique", sa.String(length=100), nullable=True),
        sa.Column("notes_competences", sa.Text(), nullable=True),
        sa.Column("date_embauche", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_techniciens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_techniciens")),
        sa.UniqueConstraint("user_id", name=op.f("uq_techniciens_user_id")),
    )
    op.create_table(
        "contrats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("numero_contrat", sa.String(length=50), nullable=False),
        sa.Column(
            "type_contrat",
            postgresql.ENUM(
                "maintenance", "support", "full_service", name="type_contrat", create_type=False
            ),
            nullable=False,
        ),
        sa.Column(
            "statut",
            postgresql.ENUM(
                "actif", "expire", "suspendu", "resilie", name="statut_contrat", create_type=False
            ),
            server_default="actif",
            nullable=False,
        ),
        sa.Column("date_debut", sa.Date(), nullable=False),
        sa.Column("date_fin", sa.Date(), nullable=False),
        sa.Column("montant", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("devise", sa.String(length=3), server_default="MAD", nullable=False),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("sla_details", sa.Text(), nullable=True),
        sa.Column("nb_interventions_incluses", sa.Integer(), nullable=True),
        sa.Column("nb_interventions_utilisees", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("date_fin >= date_debut", name=op.f("ck_contrats_dates")),
        sa.CheckConstraint(
            "montant IS NULL OR montant >= 0", name=op.f("ck_contrats_montant_positif")
        ),
        sa.CheckConstraint(
            "nb_interventions_incluses IS NULL OR nb_interventions_incluses >= 0",
            name=op.f("ck_contrats_incluses_positif"),
        ),
        sa.CheckConstraint(
            "nb_interventions_utilisees >= 0", name=op.f("ck_contrats_utilisees_positif")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_contrats_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contrats")),
        sa.UniqueConstraint("numero_contrat", name=op.f("uq_contrats_numero_contrat")),
    )
    op.create_index("idx_contrat_client_statut", "contrats", ["client_id", "statut"], unique=False)
    op.create_index("idx_contrat_date_fin", "contrats", ["date_fin"], unique=False)
    op.create_table(
        "equipements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("nom", sa.String(length=200), nullable=False),
        sa.Column("modele", sa.String(length=150), nullable=True),
        sa.Column("fabricant", sa.String(length=150), nullable=True),
        sa.Column("numero_serie", sa.String(length=100), nullable=False),
        sa.Column("date_installation", sa.Date(), nullable=True),
        sa.Column(
            "statut",
            postgresql.ENUM(
                "operationnel",
                "maintenance",
                "panne",
                "retire",
                name="statut_equipement",
                create_type=False,
            ),
            server_default="operationnel",
            nullable=False,
        ),
        sa.Column(
            "criticite",
            postgresql.ENUM(
                "critique",
                "haute",
                "normale",
                "basse",
                name="criticite_equipement",
                create_type=False,
            ),
            server_default="normale",
            nullable=False,
        ),
        sa.Column("localisation", sa.String(length=200), nullable=True),
        sa.Column("specifications_techniques", sa.Text(), nullable=True),
        sa.Column("manuel_utilisation", sa.Text(), nullable=True),
        sa.Column("derniere_maintenance", sa.DateTime(timezone=True), nullable=True),
        sa.Column("prochaine_maintenance", sa.Date(), nullable=True),
        sa.Column("cout_acquisition", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("fournisseur", sa.String(length=150), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "cout_acquisition IS NULL OR cout_acquisition >= 0",
            name=op.f("ck_equipements_cout_positif"),
        ),
        sa.CheckConstraint("length(trim(nom)) > 0", name=op.f("ck_equipements_nom_not_blank")),
        sa.CheckConstraint(
            "length(trim(numero_serie)) > 0", name=op.f("ck_equipements_numero_serie_not_blank")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_equipements_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipements")),
        sa.UniqueConstraint("numero_serie", name=op.f("uq_equipements_numero_serie")),
    )
    op.create_index(
        "idx_equipement_client_statut", "equipements", ["client_id", "statut"], unique=False
    )
    op.create_index(
        "idx_equipement_criticite_maintenance",
        "equipements",
        ["criticite", "prochaine_maintenance"],
        unique=False,
    )
    op.create_table(
        "report_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("nom_schedule", sa.String(length=200), nullable=False),
        sa.Column("cron_expression", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("destinataires", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("derniere_execution", sa.DateTime(timezone=True), nullable=True),
        sa.Column("prochaine_execution", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "array_length(regexp_split_to_array(trim(cron_expression), '\\s+'), 1) = 5",
            name=op.f("ck_report_schedules_cron_cinq_champs"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_schedules_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_schedules")),
    )
    op.create_table(
        "technicien_competence",
        sa.Column("technicien_id", sa.Integer(), nullable=False),
        sa.Column("competence_id", sa.Integer(), nullable=False),
        sa.Column(
            "niveau_acquis",
            postgresql.ENUM(
                "debutant",
                "intermediaire",
                "avance",
                "expert",
                name="niveau_competence",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("date_acquisition", sa.Date(), nullable=True),
        sa.Column("date_expiration", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("certifie", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "date_expiration IS NULL OR date_acquisition IS NULL OR date_expiration >= date_acquisition",
            name=op.f("ck_technicien_competence_dates"),
        ),
        sa.ForeignKeyConstraint(
            ["competence_id"],
            ["competences.id"],
            name=op.f("fk_technicien_competence_competence_id_competences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["technicien_id"],
            ["techniciens.id"],
            name=op.f("fk_technicien_competence_technicien_id_techniciens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "technicien_id", "competence_id", name=op.f("pk_technicien_competence")
        ),
    )
    op.create_table(
        "contrat_equipements",
        sa.Column("contrat_id", sa.Integer(), nullable=False),
        sa.Column("equipement_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["contrat_id"],
            ["contrats.id"],
            name=op.f("fk_contrat_equipements_contrat_id_contrats"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["equipement_id"],
            ["equipements.id"],
            name=op.f("fk_contrat_equipements_equipement_id_equipements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contrat_id", "equipement_id", name=op.f("pk_contrat_equipements")),
    )
    op.create_index(
        "idx_contrat_equipements_equipement", "contrat_equipements", ["equipement_id"], unique=False
    )
    op.create_table(
        "factures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("contrat_id", sa.Integer(), nullable=True),
        sa.Column("numero_facture", sa.String(length=20), nullable=False),
        sa.Column(
            "statut",
            postgresql.ENUM(
                "brouillon",
                "envoyee",
                "payee",
                "en_retard",
                "annulee",
                name="statut_facture",
                create_type=False,
            ),
            server_default="brouillon",
            nullable=False,
        ),
        sa.Column("date_emission", sa.Date(), nullable=False),
        sa.Column("date_echeance", sa.Date(), nullable=False),
        sa.Column("date_paiement", sa.Date(), nullable=True),
        sa.Column("montant_ht", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "taux_tva", sa.Numeric(precision=5, scale=2), server_default="20", nullable=False
        ),
        sa.Column("montant_ttc", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("mode_paiement", sa.String(length=50), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "numero_facture ~ '^FAC-[0-9]{4}-[0-9]{5}$'", name=op.f("ck_factures_numero_format")
        ),
        sa.CheckConstraint(
            "date_echeance >= date_emission", name=op.f("ck_factures_echeance_apres_emission")
        ),
        sa.CheckConstraint(
            "date_paiement IS NULL OR date_paiement >= date_emission",
            name=op.f("ck_factures_paiement_apres_emission"),
        ),
        sa.CheckConstraint("montant_ht >= 0", name=op.f("ck_factures_montant_ht_positif")),
        sa.CheckConstraint(
            "montant_ttc = round(montant_ht * (1 + taux_tva / 100), 2)",
            name=op.f("ck_factures_montant_ttc_calcule"),
        ),
        sa.CheckConstraint(
            "taux_tva >= 0 AND taux_tva <= 100", name=op.f("ck_factures_taux_tva_valide")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_factures_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contrat_id"],
            ["contrats.id"],
            name=op.f("fk_factures_contrat_id_contrats"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factures")),
        sa.UniqueConstraint("numero_facture", name=op.f("uq_factures_numero_facture")),
    )
    op.create_index("idx_facture_client_statut", "factures", ["client_id", "statut"], unique=False)
    op.create_index("idx_facture_echeance", "factures", ["date_echeance"], unique=False)
    op.create_table(
        "interventions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("equipement_id", sa.Integer(), nullable=False),
        sa.Column("technicien_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("contrat_id", sa.Integer(), nullable=True),
        sa.Column(
            "type_intervention",
            postgresql.ENUM(
                "corrective",
                "preventive",
                "ameliorative",
                "diagnostic",
                name="intervention_type",
                create_type=False,
            ),
            server_default="corrective",
            nullable=False,
        ),
        sa.Column(
            "statut",
            postgresql.ENUM(
                "ouverte",
                "affectee",
                "en_cours",
                "en_attente",
                "cloturee",
                "annulee",
                "archivee",
                name="statut_intervention",
                create_type=False,
            ),
            server_default="ouverte",
            nullable=False,
        ),
        sa.Column(
            "priorite",
            postgresql.ENUM(
                "urgente",
                "haute",
                "normale",
                "basse",
                "programmee",
                name="priorite_intervention",
                create_type=False,
            ),
            server_default="normale",
            nullable=False,
        ),
        sa.Column("urgence", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("titre", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("diagnostic", sa.Text(), nullable=True),
        sa.Column("solution", sa.Text(), nullable=True),
        sa.Column(
            "date_creation",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("date_planifiee", sa.DateTime(timezone=True), nullable=True),
        sa.Column("date_debut", sa.DateTime(timezone=True), nullable=True),
        sa.Column("date_fin", sa.DateTime(timezone=True), nullable=True),
        sa.Column("date_limite", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duree_estimee", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("duree_reelle", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("cout_estime", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("cout_reel", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("notes_techniques", sa.Text(), nullable=True),
        sa.Column("satisfaction_client", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(date_fin IS NULL OR date_debut IS NULL OR date_fin >= date_debut) AND (date_limite IS NULL OR date_limite >= date_creation)",
            name=op.f("chk_intervention_dates"),
        ),
        sa.CheckConstraint(
            "cout_estime IS NULL OR cout_estime >= 0",
            name=op.f("ck_interventions_cout_estime_positif"),
        ),
        sa.CheckConstraint(
            "cout_reel IS NULL OR cout_reel >= 0", name=op.f("ck_interventions_cout_reel_positif")
        ),
        sa.CheckConstraint(
            "duree_estimee IS NULL OR duree_estimee >= 0",
            name=op.f("ck_interventions_duree_estimee_positive"),
        ),
        sa.CheckConstraint(
            "duree_reelle IS NULL OR duree_reelle >= 0",
            name=op.f("ck_interventions_duree_reelle_positive"),
        ),
        sa.CheckConstraint(
            "length(trim(titre)) > 0", name=op.f("ck_interventions_titre_not_blank")
        ),
        sa.CheckConstraint(
            "satisfaction_client IS NULL OR (satisfaction_client >= 1 AND satisfaction_client <= 5)",
            name=op.f("chk_satisfaction_range"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_interventions_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contrat_id"],
            ["contrats.id"],
            name=op.f("fk_interventions_contrat_id_contrats"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["equipement_id"],
            ["equipements.id"],
            name=op.f("fk_interventions_equipement_id_equipements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["technicien_id"],
            ["techniciens.id"],
            name=op.f("fk_interventions_technicien_id_techniciens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interventions")),
    )
    op.create_index(
        "idx_intervention_client_date",
        "interventions",
        ["client_id", "date_creation"],
        unique=False,
    )
    op.create_index("idx_intervention_contrat", "interventions", ["contrat_id"], unique=False)
    op.create_index(
        "idx_intervention_equipement_date",
        "interventions",
        ["equipement_id", "date_creation"],
        unique=False,
    )
    op.create_index(
        "idx_intervention_statut_date", "interventions", ["statut", "date_creation"], unique=False
    )
    op.create_index(
        "idx_intervention_technicien_statut",
        "interventions",
        ["technicien_id", "statut"],
        unique=False,
    )
    op.create_index(
        "idx_open_interventions",
        "interventions",
        ["priorite", "date_creation"],
        unique=False,
        postgresql_where="statut IN ('ouverte', 'affectee', 'en_cours')",
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("titre", sa.String(length=200), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_conversations_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    op.create_index(
        "idx_conversation_intervention", "conversations", ["intervention_id"], unique=False
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=True),
        sa.Column("equipement_id", sa.Integer(), nullable=True),
        sa.Column("nom_fichier", sa.String(length=255), nullable=False),
        sa.Column("chemin", sa.String(length=500), nullable=False),
        sa.Column("type_document", sa.String(length=20), nullable=False),
        sa.Column("taille", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "date_upload",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("checksum", sa.String(length=128), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "type_document IN ('photo', 'rapport', 'manuel', 'certificat', 'facture')",
            name=op.f("ck_documents_type_document_valide"),
        ),
        sa.CheckConstraint(
            "intervention_id IS NOT NULL OR equipement_id IS NOT NULL",
            name=op.f("ck_documents_rattachement"),
        ),
        sa.CheckConstraint(
            "length(trim(nom_fichier)) > 0", name=op.f("ck_documents_nom_fichier_not_blank")
        ),
        sa.CheckConstraint(
            "taille IS NULL OR taille >= 0", name=op.f("ck_documents_taille_positive")
        ),
        sa.ForeignKeyConstraint(
            ["equipement_id"],
            ["equipements.id"],
            name=op.f("fk_documents_equipement_id_equipements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_documents_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["users.id"],
            name=op.f("fk_documents_uploaded_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index("idx_document_equipement", "documents", ["equipement_id"], unique=False)
    op.create_index("idx_document_intervention", "documents", ["intervention_id"], unique=False)
    op.create_table(
        "historiques_interventions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "action",
            postgresql.ENUM(
                "creation",
                "modification",
                "affectation",
                "changement_statut",
                "debut_intervention",
                "fin_intervention",
                "ajout_commentaire",
                "upload_document",
                "planification",
                "annulation",
                name="action_historique",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("ancienne_valeur", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("nouvelle_valeur", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "horodatage",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("adresse_ip", postgresql.INET(), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_historiques_interventions_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_historiques_interventions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_historiques_interventions")),
    )
    op.create_index(
        "idx_historique_intervention_date",
        "historiques_interventions",
        ["intervention_id", "horodatage"],
        unique=False,
    )
    op.create_index(
        "idx_historique_user_action",
        "historiques_interventions",
        ["user_id", "action"],
        unique=False,
    )
    op.create_table(
        "intervention_pieces",
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("piece_id", sa.Integer(), nullable=False),
        sa.Column("quantite", sa.Integer(), nullable=False),
        sa.Column("prix_unitaire", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "date_utilisation",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("prix_unitaire >= 0", name=op.f("ck_intervention_pieces_prix_positif")),
        sa.CheckConstraint("quantite > 0", name=op.f("ck_intervention_pieces_quantite_positive")),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_intervention_pieces_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["piece_id"],
            ["pieces_detachees.id"],
            name=op.f("fk_intervention_pieces_piece_id_pieces_detachees"),
        ),
        sa.PrimaryKeyConstraint("intervention_id", "piece_id", name=op.f("pk_intervention_pieces")),
    )
    op.create_index(
        "idx_intervention_pieces_piece", "intervention_pieces", ["piece_id"], unique=False
    )
    op.create_table(
        "intervention_techniciens",
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("technicien_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            postgresql.ENUM("principal", "assistant", name="role_intervenant", create_type=False),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_intervention_techniciens_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["technicien_id"],
            ["techniciens.id"],
            name=op.f("fk_intervention_techniciens_technicien_id_techniciens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "intervention_id", "technicien_id", name=op.f("pk_intervention_techniciens")
        ),
    )
    op.create_index(
        "idx_intervention_techniciens_technicien",
        "intervention_techniciens",
        ["technicien_id"],
        unique=False,
    )
    op.create_index(
        "uq_intervention_techniciens_principal",
        "intervention_techniciens",
        ["intervention_id"],
        unique=True,
        postgresql_where="role = 'principal'",
    )
    op.create_table(
        "mouvements_stock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("piece_id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "type_mouvement",
            postgresql.ENUM(
                "entree",
                "sortie",
                "ajustement",
                "transfert",
                name="type_mouvement",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("quantite", sa.Integer(), nullable=False),
        sa.Column("prix_unitaire", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column(
            "date_mouvement",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("commentaire", sa.Text(), nullable=True),
        sa.Column("bon_commande", sa.String(length=50), nullable=True),
        sa.Column("bon_livraison", sa.String(length=50), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(type_mouvement = 'ajustement' AND quantite <> 0) OR (type_mouvement <> 'ajustement' AND quantite > 0)",
            name=op.f("ck_mouvements_stock_quantite_valide"),
        ),
        sa.CheckConstraint(
            "prix_unitaire IS NULL OR prix_unitaire >= 0",
            name=op.f("ck_mouvements_stock_prix_positif"),
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_mouvements_stock_intervention_id_interventions"),
        ),
        sa.ForeignKeyConstraint(
            ["piece_id"],
            ["pieces_detachees.id"],
            name=op.f("fk_mouvements_stock_piece_id_pieces_detachees"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mouvements_stock_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mouvements_stock")),
    )
    op.create_index(
        "idx_mouvement_intervention", "mouvements_stock", ["intervention_id"], unique=False
    )
    op.create_index(
        "idx_mouvement_piece_date", "mouvements_stock", ["piece_id", "date_mouvement"], unique=False
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("titre", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column(
            "type_notification",
            postgresql.ENUM(
                "info",
                "warning",
                "error",
                "success",
                "intervention",
                "planning",
                name="type_notification",
                create_type=False,
            ),
            server_default="info",
            nullable=False,
        ),
        sa.Column("lu", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "date_envoi",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("date_lu", sa.DateTime(timezone=True), nullable=True),
        sa.Column("intervention_id", sa.Integer(), nullable=True),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "date_lu IS NULL OR date_lu >= date_envoi", name=op.f("ck_notifications_lu_apres_envoi")
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_notifications_intervention_id_interventions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(
        "idx_notification_date_type",
        "notifications",
        ["date_envoi", "type_notification"],
        unique=False,
    )
    op.create_index("idx_notification_user_lu", "notifications", ["user_id", "lu"], unique=False)
    op.create_index(
        "idx_unread_notifications",
        "notifications",
        ["user_id", "date_envoi"],
        unique=False,
        postgresql_where="lu = FALSE",
    )
    op.create_table(
        "planning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("date_debut", sa.DateTime(timezone=True), nullable=False),
        sa.Column("date_fin", sa.DateTime(timezone=True), nullable=False),
        sa.Column("creneau", sa.String(length=100), nullable=True),
        sa.Column("notes_planning", sa.Text(), nullable=True),
        sa.Column("confirme", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("rappel_envoye", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "date_creation",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "date_modification",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("date_fin > date_debut", name=op.f("ck_planning_dates")),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_planning_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning")),
        sa.UniqueConstraint("intervention_id", name=op.f("uq_planning_intervention_id")),
    )
    op.create_index("idx_planning_date_debut", "planning", ["date_debut"], unique=False)
    op.create_table(
        "taches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("equipement_id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("date_echeance", sa.Date(), nullable=True),
        sa.Column(
            "statut",
            postgresql.ENUM(
                "a_faire", "en_cours", "terminee", name="statut_tache", create_type=False
            ),
            server_default="a_faire",
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "length(trim(description)) > 0", name=op.f("ck_taches_description_not_blank")
        ),
        sa.ForeignKeyConstraint(
            ["equipement_id"],
            ["equipements.id"],
            name=op.f("fk_taches_equipement_id_equipements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_taches_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taches")),
    )
    op.create_index("idx_tache_equipement", "taches", ["equipement_id"], unique=False)
    op.create_index("idx_tache_intervention", "taches", ["intervention_id"], unique=False)
    op.create_table(
        "conversation_participants",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_participants_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_conversation_participants_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "conversation_id", "user_id", name=op.f("pk_conversation_participants")
        ),
    )
    op.create_index(
        "idx_conversation_participants_user", "conversation_participants", ["user_id"], unique=False
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("contenu", sa.Text(), nullable=False),
        sa.Column(
            "horodatage",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("length(trim(contenu)) > 0", name=op.f("ck_messages_contenu_not_blank")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_messages_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index(
        "idx_message_conversation_date", "messages", ["conversation_id", "horodatage"], unique=False
    )

    # updated_at kept by the database on every table, raw SQL included.
    sqlfiles.apply(bind, "sql/fn_set_updated_at.sql")
    for table in sa.inspect(bind).get_table_names():
        if table != "alembic_version":
            op.execute(
                f"CREATE TRIGGER trg_{table}_updated_at BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION set_updated_at()"
            )
    sqlfiles.apply(bind, *SQL_FILES[1:])


def downgrade() -> None:
    bind = op.get_bind()
    sqlfiles.drop(bind, *SQL_FILES)
    op.drop_index("idx_message_conversation_date", table_name="messages")
    op.drop_table("messages")
    op.drop_index("idx_conversation_participants_user", table_name="conversation_participants")
    op.drop_table("conversation_participants")
    op.drop_index("idx_tache_intervention", table_name="taches")
    op.drop_index("idx_tache_equipement", table_name="taches")
    op.drop_table("taches")
    op.drop_index("idx_planning_date_debut", table_name="planning")
    op.drop_table("planning")
    op.drop_index(
        "idx_unread_notifications", table_name="notifications", postgresql_where="lu = FALSE"
    )
    op.drop_index("idx_notification_user_lu", table_name="notifications")
    op.drop_index("idx_notification_date_type", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("idx_mouvement_piece_date", table_name="mouvements_stock")
    op.drop_index("idx_mouvement_intervention", table_name="mouvements_stock")
    op.drop_table("mouvements_stock")
    op.drop_index(
        "uq_intervention_techniciens_principal",
        table_name="intervention_techniciens",
        postgresql_where="role = 'principal'",
    )
    op.drop_index("idx_intervention_techniciens_technicien", table_name="intervention_techniciens")
    op.drop_table("intervention_techniciens")
    op.drop_index("idx_intervention_pieces_piece", table_name="intervention_pieces")
    op.drop_table("intervention_pieces")
    op.drop_index("idx_historique_user_action", table_name="historiques_interventions")
    op.drop_index("idx_historique_intervention_date", table_name="historiques_interventions")
    op.drop_table("historiques_interventions")
    op.drop_index("idx_document_intervention", table_name="documents")
    op.drop_index("idx_document_equipement", table_name="documents")
    op.drop_table("documents")
    op.drop_index("idx_conversation_intervention", table_name="conversations")
    op.drop_table("conversations")
    op.drop_index(
        "idx_open_interventions",
        table_name="interventions",
        postgresql_where="statut IN ('ouverte', 'affectee', 'en_cours')",
    )
    op.drop_index("idx_intervention_technicien_statut", table_name="interventions")
    op.drop_index("idx_intervention_statut_date", table_name="interventions")
    op.drop_index("idx_intervention_equipement_date", table_name="interventions")
    op.drop_index("idx_intervention_contrat", table_name="interventions")
    op.drop_index("idx_intervention_client_date", table_name="interventions")
    op.drop_table("interventions")
    op.drop_index("idx_facture_echeance", table_name="factures")
    op.drop_index("idx_facture_client_statut", table_name="factures")
    op.drop_table("factures")
    op.drop_index("idx_contrat_equipements_equipement", table_name="contrat_equipements")
    op.drop_table("contrat_equipements")
    op.drop_table("technicien_competence")
    op.drop_table("report_schedules")
    op.drop_index("idx_equipement_criticite_maintenance", table_name="equipements")
    op.drop_index("idx_equipement_client_statut", table_name="equipements")
    op.drop_table("equipements")
    op.drop_index("idx_contrat_date_fin", table_name="contrats")
    op.drop_index("idx_contrat_client_statut", table_name="contrats")
    op.drop_table("contrats")
    op.drop_table("techniciens")
    op.drop_table("reports")
    op.drop_index("idx_client_nom_entreprise", table_name="clients")
    op.drop_table("clients")
    op.drop_index("idx_user_username_role", table_name="users")
    op.drop_index("idx_user_full_name", table_name="users")
    op.drop_index("idx_user_email_active", table_name="users")
    op.drop_index("idx_active_users", table_name="users", postgresql_where="is_active = TRUE")
    op.drop_table("users")
    op.drop_table("pieces_detachees")
    op.drop_table("competences")
    for name in reversed(ENUMS):
        postgresql.ENUM(name=name).drop(bind, checkfirst=True)
