"""Contracts, the machines they cover, and invoices (seed 004 "Commercial Management")."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps, pg_enum


class TypeContrat(enum.StrEnum):
    maintenance = "maintenance"
    support = "support"
    full_service = "full_service"


class StatutContrat(enum.StrEnum):
    actif = "actif"
    expire = "expire"
    suspendu = "suspendu"
    resilie = "resilie"


class StatutFacture(enum.StrEnum):
    brouillon = "brouillon"
    envoyee = "envoyee"
    payee = "payee"
    en_retard = "en_retard"
    annulee = "annulee"


class Contrat(Timestamps, Base):
    __tablename__ = "contrats"
    __table_args__ = (
        CheckConstraint("date_fin >= date_debut", name="dates"),
        CheckConstraint("montant IS NULL OR montant >= 0", name="montant_positif"),
        CheckConstraint(
            "nb_interventions_incluses IS NULL OR nb_interventions_incluses >= 0",
            name="incluses_positif",
        ),
        CheckConstraint("nb_interventions_utilisees >= 0", name="utilisees_positif"),
        Index("idx_contrat_client_statut", "client_id", "statut"),
        Index("idx_contrat_date_fin", "date_fin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    numero_contrat: Mapped[str] = mapped_column(String(50), unique=True)
    type_contrat: Mapped[TypeContrat] = mapped_column(pg_enum(TypeContrat, "type_contrat"))
    statut: Mapped[StatutContrat] = mapped_column(
        pg_enum(StatutContrat, "statut_contrat"), server_default="actif"
    )
    date_debut: Mapped[date] = mapped_column(Date)
    date_fin: Mapped[date] = mapped_column(Date)
    montant: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    devise: Mapped[str] = mapped_column(String(3), server_default="MAD")
    conditions: Mapped[str | None] = mapped_column(Text)
    sla_details: Mapped[str | None] = mapped_column(Text)
    nb_interventions_incluses: Mapped[int | None] = mapped_column(Integer)
    # Kept equal to the number of non-cancelled interventions by a trigger.
    nb_interventions_utilisees: Mapped[int] = mapped_column(Integer, server_default="0")


class ContratEquipement(Timestamps, Base):
    """Seed 000's Equipment ↔ MaintenanceContract: which machines a contract covers."""

    __tablename__ = "contrat_equipements"
    __table_args__ = (Index("idx_contrat_equipements_equipement", "equipement_id"),)

    contrat_id: Mapped[int] = mapped_column(
        ForeignKey("contrats.id", ondelete="CASCADE"), primary_key=True
    )
    equipement_id: Mapped[int] = mapped_column(
        ForeignKey("equipements.id", ondelete="CASCADE"), primary_key=True
    )


class Facture(Timestamps, Base):
    __tablename__ = "factures"
    __table_args__ = (
        CheckConstraint("montant_ht >= 0", name="montant_ht_positif"),
        CheckConstraint("taux_tva >= 0 AND taux_tva <= 100", name="taux_tva_valide"),
        CheckConstraint(
            "montant_ttc = round(montant_ht * (1 + taux_tva / 100), 2)", name="montant_ttc_calcule"
        ),
        CheckConstraint("date_echeance >= date_emission", name="echeance_apres_emission"),
        CheckConstraint(
            "date_paiement IS NULL OR date_paiement >= date_emission",
            name="paiement_apres_emission",
        ),
        CheckConstraint("numero_facture ~ '^FAC-[0-9]{4}-[0-9]{5}$'", name="numero_format"),
        Index("idx_facture_client_statut", "client_id", "statut"),
        Index("idx_facture_echeance", "date_echeance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    contrat_id: Mapped[int | None] = mapped_column(ForeignKey("contrats.id", ondelete="SET NULL"))
    numero_facture: Mapped[str] = mapped_column(String(20), unique=True)
    statut: Mapped[StatutFacture] = mapped_column(
        pg_enum(StatutFacture, "statut_facture"), server_default="brouillon"
    )
    date_emission: Mapped[date] = mapped_column(Date)
    date_echeance: Mapped[date] = mapped_column(Date)
    date_paiement: Mapped[date | None] = mapped_column(Date)
    montant_ht: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    taux_tva: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default="20")
    montant_ttc: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    description: Mapped[str | None] = mapped_column(Text)
    mode_paiement: Mapped[str | None] = mapped_column(String(50))
