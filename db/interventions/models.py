"""Interventions, their technicians, tasks, documents and audit trail."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import INET, JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.naming import conv

from db.base import Base, Timestamps, pg_enum
from db.people.models import NiveauCompetence


class TypeIntervention(enum.StrEnum):
    corrective = "corrective"
    preventive = "preventive"
    ameliorative = "ameliorative"
    diagnostic = "diagnostic"


class StatutIntervention(enum.StrEnum):
    ouverte = "ouverte"
    affectee = "affectee"
    en_cours = "en_cours"
    en_attente = "en_attente"
    cloturee = "cloturee"
    annulee = "annulee"
    archivee = "archivee"


class Priorite(enum.StrEnum):
    urgente = "urgente"
    haute = "haute"
    normale = "normale"
    basse = "basse"
    programmee = "programmee"


class RoleIntervenant(enum.StrEnum):
    principal = "principal"
    assistant = "assistant"


class StatutTache(enum.StrEnum):
    a_faire = "a_faire"
    en_cours = "en_cours"
    terminee = "terminee"


class ActionHistorique(enum.StrEnum):
    creation = "creation"
    modification = "modification"
    affectation = "affectation"
    changement_statut = "changement_statut"
    debut_intervention = "debut_intervention"
    fin_intervention = "fin_intervention"
    ajout_commentaire = "ajout_commentaire"
    upload_document = "upload_document"
    planification = "planification"
    annulation = "annulation"


S = StatutIntervention
# DESIGN.md §3.2; trigger ``validate_intervention_transition`` enforces the same table.
INTERVENTION_TRANSITIONS: dict[StatutIntervention, tuple[StatutIntervention, ...]] = {
    S.ouverte: (S.affectee, S.annulee),
    S.affectee: (S.en_cours, S.ouverte, S.annulee),
    S.en_cours: (S.en_attente, S.cloturee, S.annulee),
    S.en_attente: (S.en_cours, S.annulee),
    S.cloturee: (S.archivee, S.en_cours),
    S.annulee: (S.archivee,),
    S.archivee: (),
}

DOCUMENT_TYPES = ("photo", "rapport", "manuel", "certificat", "facture")


class Intervention(Timestamps, Base):
    __tablename__ = "interventions"
    __table_args__ = (
        CheckConstraint(
            "(date_fin IS NULL OR date_debut IS NULL OR date_fin >= date_debut) AND"
            " (date_limite IS NULL OR date_limite >= date_creation)",
            name=conv("chk_intervention_dates"),
        ),
        CheckConstraint(
            "satisfaction_client IS NULL"
            " OR (satisfaction_client >= 1 AND satisfaction_client <= 5)",
            name=conv("chk_satisfaction_range"),
        ),
        CheckConstraint("length(trim(titre)) > 0", name="titre_not_blank"),
        CheckConstraint("cout_estime IS NULL OR cout_estime >= 0", name="cout_estime_positif"),
        CheckConstraint("cout_reel IS NULL OR cout_reel >= 0", name="cout_reel_positif"),
        CheckConstraint(
            "duree_estimee IS NULL OR duree_estimee >= 0", name="duree_estimee_positive"
        ),
        CheckConstraint("duree_reelle IS NULL OR duree_reelle >= 0", name="duree_reelle_positive"),
        Index("idx_intervention_statut_date", "statut", "date_creation"),
        Index("idx_intervention_technicien_statut", "technicien_id", "statut"),
        Index("idx_intervention_equipement_date", "equipement_id", "date_creation"),
        Index(
            "idx_open_interventions",
            "priorite",
            "date_creation",
            # The product's four open statuses (revision 0007; 0001 left en_attente out).
            postgresql_where="statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente')",
        ),
        Index(
            "idx_open_interventions_deadline",
            "date_limite",
            "date_creation",
            "id",
            postgresql_where="statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente')",
        ),
        Index("idx_intervention_client_date", "client_id", "date_creation"),
        Index("idx_intervention_contrat", "contrat_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    equipement_id: Mapped[int] = mapped_column(ForeignKey("equipements.id", ondelete="CASCADE"))
    technicien_id: Mapped[int | None] = mapped_column(
        ForeignKey("techniciens.id", ondelete="SET NULL")
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    contrat_id: Mapped[int | None] = mapped_column(ForeignKey("contrats.id", ondelete="SET NULL"))
    type_intervention: Mapped[TypeIntervention] = mapped_column(
        pg_enum(TypeIntervention, "intervention_type"), server_default="corrective"
    )
    statut: Mapped[StatutIntervention] = mapped_column(
        pg_enum(StatutIntervention, "statut_intervention"), server_default="ouverte"
    )
    priorite: Mapped[Priorite] = mapped_column(
        pg_enum(Priorite, "priorite_intervention"), server_default="normale"
    )
    urgence: Mapped[bool] = mapped_column(Boolean, server_default="false")
    titre: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    diagnostic: Mapped[str | None] = mapped_column(Text)
    solution: Mapped[str | None] = mapped_column(Text)
    date_creation: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    date_planifiee: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    date_debut: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    date_fin: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    date_limite: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duree_estimee: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    duree_reelle: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    cout_estime: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    cout_reel: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    notes_techniques: Mapped[str | None] = mapped_column(Text)
    satisfaction_client: Mapped[int | None] = mapped_column(Integer)
    # Derived, not in the ERD (revision 0016): true when the intervention has its slot in
    # ``planning``. Kept by the database (trg_planning_planifiee) and refused when written by
    # hand (intervention_planifiee); it lets the unplanned list be a partial-index range.
    planifiee: Mapped[bool] = mapped_column(Boolean, server_default="false")


class InterventionTechnicien(Timestamps, Base):
    """Seed 000's ``intervention_user``: principal (= interventions.technicien_id) + assistants."""

    __tablename__ = "intervention_techniciens"
    __table_args__ = (
        Index(
            "uq_intervention_techniciens_principal",
            "intervention_id",
            unique=True,
            postgresql_where="role = 'principal'",
        ),
        Index("idx_intervention_techniciens_technicien", "technicien_id"),
    )

    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"), primary_key=True
    )
    technicien_id: Mapped[int] = mapped_column(
        ForeignKey("techniciens.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[RoleIntervenant] = mapped_column(pg_enum(RoleIntervenant, "role_intervenant"))


class InterventionCompetence(Timestamps, Base):
    """A skill an intervention requires, at least at ``niveau_requis`` (revision 0009).

    The level uses the seed's competence scale (``niveau_competence``: debutant < intermediaire
    < avance < expert, compared in the enum's order), the same as ``technicien_competence``.
    """

    __tablename__ = "intervention_competences"
    __table_args__ = (Index("idx_intervention_competences_competence", "competence_id"),)

    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"), primary_key=True
    )
    competence_id: Mapped[int] = mapped_column(ForeignKey("competences.id"), primary_key=True)
    niveau_requis: Mapped[NiveauCompetence] = mapped_column(
        pg_enum(NiveauCompetence, "niveau_competence"), server_default="intermediaire"
    )


class Tache(Timestamps, Base):
    """Seed 000's Task: checklist item of an intervention or a to-do on a machine."""

    __tablename__ = "taches"
    __table_args__ = (
        CheckConstraint("length(trim(description)) > 0", name="description_not_blank"),
        Index("idx_tache_equipement", "equipement_id"),
        Index("idx_tache_intervention", "intervention_id"),
        Index("idx_tache_intervention_ordre", "intervention_id", "ordre"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    equipement_id: Mapped[int] = mapped_column(ForeignKey("equipements.id", ondelete="CASCADE"))
    intervention_id: Mapped[int | None] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE")
    )
    description: Mapped[str] = mapped_column(Text)
    date_echeance: Mapped[date | None] = mapped_column(Date)
    statut: Mapped[StatutTache] = mapped_column(
        pg_enum(StatutTache, "statut_tache"), server_default="a_faire"
    )
    # Checklist order within the intervention (revision 0009).
    ordre: Mapped[int] = mapped_column(Integer, server_default="0")


class HistoriqueIntervention(Timestamps, Base):
    """Audit trail, written only by the ``log_intervention_changes`` trigger; immutable."""

    __tablename__ = "historiques_interventions"
    __table_args__ = (
        Index("idx_historique_intervention_date", "intervention_id", "horodatage"),
        Index("idx_historique_user_action", "user_id", "action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[ActionHistorique] = mapped_column(pg_enum(ActionHistorique, "action_historique"))
    description: Mapped[str | None] = mapped_column(Text)
    ancienne_valeur: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    nouvelle_valeur: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    horodatage: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    adresse_ip: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str | None] = mapped_column(Text)


class Document(Timestamps, Base):
    """File attached to an intervention, or to a machine (manual, certificate)."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(
            "type_document IN ('photo', 'rapport', 'manuel', 'certificat', 'facture')",
            name="type_document_valide",
        ),
        CheckConstraint("taille IS NULL OR taille >= 0", name="taille_positive"),
        CheckConstraint(
            "intervention_id IS NOT NULL OR equipement_id IS NOT NULL", name="rattachement"
        ),
        CheckConstraint("length(trim(nom_fichier)) > 0", name="nom_fichier_not_blank"),
        Index("idx_document_intervention", "intervention_id"),
        Index("idx_document_equipement", "equipement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int | None] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE")
    )
    # Not in seed 004: lets a manual or a certificate belong to the machine itself.
    equipement_id: Mapped[int | None] = mapped_column(
        ForeignKey("equipements.id", ondelete="CASCADE")
    )
    nom_fichier: Mapped[str] = mapped_column(String(255))
    chemin: Mapped[str] = mapped_column(String(500))
    type_document: Mapped[str] = mapped_column(String(20))
    taille: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    date_upload: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    checksum: Mapped[str | None] = mapped_column(String(128))


class RetentionRun(Timestamps, Base):
    """One run of ``archive_old_interventions()`` and what it archived or removed.

    While a run is open (``finished_at`` empty) in the transaction ``txid``, the audit trail's
    immutability trigger lets that run delete expired audit rows; nothing else can open one
    (no app role may write this table, and only the owner runs the function).
    """

    __tablename__ = "retention_runs"
    __table_args__ = (Index("idx_retention_runs_txid", "txid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    txid: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    interventions_archivees: Mapped[int | None] = mapped_column(Integer)
    notifications_supprimees: Mapped[int | None] = mapped_column(Integer)
    historiques_supprimes: Mapped[int | None] = mapped_column(Integer)
