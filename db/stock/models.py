"""Spare parts, stock movements and parts consumed by interventions.

``pieces_detachees.stock_actuel`` is never written directly: the trigger on
``mouvements_stock`` applies each movement, and consuming a part (``intervention_pieces``)
writes its ``sortie`` movement in the same transaction.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.naming import conv

from db.base import Base, Timestamps, pg_enum


class TypeMouvement(enum.StrEnum):
    entree = "entree"
    sortie = "sortie"
    ajustement = "ajustement"
    transfert = "transfert"


class PieceDetachee(Timestamps, Base):
    __tablename__ = "pieces_detachees"
    __table_args__ = (
        CheckConstraint(
            "stock_actuel >= 0 AND stock_minimum >= 0 AND stock_maximum >= stock_minimum",
            name=conv("chk_stock_levels"),
        ),
        CheckConstraint("prix_unitaire >= 0", name="prix_positif"),
        CheckConstraint("length(trim(reference)) > 0", name="reference_not_blank"),
        CheckConstraint("length(trim(nom)) > 0", name="nom_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    prix_unitaire: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")
    stock_actuel: Mapped[int] = mapped_column(Integer, server_default="0")
    stock_minimum: Mapped[int] = mapped_column(Integer, server_default="0")
    stock_maximum: Mapped[int] = mapped_column(Integer, server_default="0")
    unite: Mapped[str] = mapped_column(String(30), server_default="unité")
    fournisseur: Mapped[str | None] = mapped_column(String(150))
    emplacement: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")


class MouvementStock(Timestamps, Base):
    """Immutable stock ledger; a correction is a new ``ajustement`` (signed quantity)."""

    __tablename__ = "mouvements_stock"
    __table_args__ = (
        CheckConstraint(
            "(type_mouvement = 'ajustement' AND quantite <> 0)"
            " OR (type_mouvement <> 'ajustement' AND quantite > 0)",
            name="quantite_valide",
        ),
        CheckConstraint("prix_unitaire IS NULL OR prix_unitaire >= 0", name="prix_positif"),
        Index("idx_mouvement_piece_date", "piece_id", "date_mouvement"),
        Index("idx_mouvement_intervention", "intervention_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces_detachees.id"))
    intervention_id: Mapped[int | None] = mapped_column(ForeignKey("interventions.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    type_mouvement: Mapped[TypeMouvement] = mapped_column(pg_enum(TypeMouvement, "type_mouvement"))
    quantite: Mapped[int] = mapped_column(Integer)
    prix_unitaire: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    date_mouvement: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    commentaire: Mapped[str | None] = mapped_column(Text)
    bon_commande: Mapped[str | None] = mapped_column(String(50))
    bon_livraison: Mapped[str | None] = mapped_column(String(50))


class InterventionPiece(Timestamps, Base):
    __tablename__ = "intervention_pieces"
    __table_args__ = (
        CheckConstraint("quantite > 0", name="quantite_positive"),
        CheckConstraint("prix_unitaire >= 0", name="prix_positif"),
        Index("idx_intervention_pieces_piece", "piece_id"),
    )

    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"), primary_key=True
    )
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces_detachees.id"), primary_key=True)
    quantite: Mapped[int] = mapped_column(Integer)
    prix_unitaire: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    notes: Mapped[str | None] = mapped_column(Text)
    date_utilisation: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
