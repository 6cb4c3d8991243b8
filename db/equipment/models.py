"""Equipment registry (seed 004 "Equipment & Asset Domain").

To add a field to equipment: add it here, then one Alembic revision.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps, pg_enum


class StatutEquipement(enum.StrEnum):
    operationnel = "operationnel"
    maintenance = "maintenance"
    panne = "panne"
    retire = "retire"


class Criticite(enum.StrEnum):
    critique = "critique"
    haute = "haute"
    normale = "normale"
    basse = "basse"


# Lifecycle of the seed's state diagram; the trigger ``validate_equipement_transition``
# enforces the same table in the database.
EQUIPEMENT_TRANSITIONS: dict[StatutEquipement, tuple[StatutEquipement, ...]] = {
    StatutEquipement.operationnel: (StatutEquipement.maintenance, StatutEquipement.panne),
    StatutEquipement.maintenance: (StatutEquipement.operationnel, StatutEquipement.retire),
    StatutEquipement.panne: (StatutEquipement.maintenance, StatutEquipement.retire),
    StatutEquipement.retire: (),
}


class Equipement(Timestamps, Base):
    __tablename__ = "equipements"
    __table_args__ = (
        Index("idx_equipement_client_statut", "client_id", "statut"),
        Index("idx_equipement_criticite_maintenance", "criticite", "prochaine_maintenance"),
        CheckConstraint("length(trim(nom)) > 0", name="nom_not_blank"),
        CheckConstraint("length(trim(numero_serie)) > 0", name="numero_serie_not_blank"),
        CheckConstraint("cout_acquisition IS NULL OR cout_acquisition >= 0", name="cout_positif"),
        CheckConstraint(
            "duree_garantie_mois IS NULL OR duree_garantie_mois >= 0", name="garantie_positive"
        ),
        CheckConstraint(
            "date_fin_garantie IS NULL OR date_installation IS NULL"
            " OR date_fin_garantie >= date_installation",
            name="garantie_apres_installation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    nom: Mapped[str] = mapped_column(String(200))
    modele: Mapped[str | None] = mapped_column(String(150))
    fabricant: Mapped[str | None] = mapped_column(String(150))
    numero_serie: Mapped[str] = mapped_column(String(100), unique=True)
    date_installation: Mapped[date | None] = mapped_column(Date)
    statut: Mapped[StatutEquipement] = mapped_column(
        pg_enum(StatutEquipement, "statut_equipement"), server_default="operationnel"
    )
    criticite: Mapped[Criticite] = mapped_column(
        pg_enum(Criticite, "criticite_equipement"), server_default="normale"
    )
    localisation: Mapped[str | None] = mapped_column(String(200))
    specifications_techniques: Mapped[str | None] = mapped_column(Text)
    manuel_utilisation: Mapped[str | None] = mapped_column(Text)
    derniere_maintenance: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    prochaine_maintenance: Mapped[date | None] = mapped_column(Date)
    cout_acquisition: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    fournisseur: Mapped[str | None] = mapped_column(String(150))
    # Added by revision add_equipment_warranty (seed 004 "Migration Best Practices").
    date_fin_garantie: Mapped[date | None] = mapped_column(Date)
    duree_garantie_mois: Mapped[int | None] = mapped_column(Integer)
    # Revision 0014: the preventive plan, days between two visits (NULL: no plan; > 0).
    intervalle_maintenance_jours: Mapped[int | None] = mapped_column(Integer)
