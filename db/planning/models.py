"""Scheduling of interventions (seed 004 ``planning``), technician absences and occupations.

* ``Planning``: one slot per intervention (seed 004), the period its technicians work on it;
* ``Absence`` (revision 0014): a dated absence of a technician (``motif_absence``);
* ``PlanningOccupation`` (revision 0014): who is busy when, derived by triggers from the slots
  (every technician of the intervention) and the absences; its exclusion constraint is the
  double-booking rule. Read-only for the application.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import TSTZRANGE, Range
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps, pg_enum


class Planning(Timestamps, Base):
    __tablename__ = "planning"
    __table_args__ = (
        CheckConstraint("date_fin > date_debut", name="dates"),
        # Revision 0014 (planning/sql/ck_planning_duree.sql).
        CheckConstraint("date_fin - date_debut <= interval '14 days'", name="duree"),
        Index("idx_planning_date_debut", "date_debut"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"), unique=True
    )
    date_debut: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    date_fin: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    creneau: Mapped[str | None] = mapped_column(String(100))
    notes_planning: Mapped[str | None] = mapped_column(Text)
    confirme: Mapped[bool] = mapped_column(Boolean, server_default="false")
    rappel_envoye: Mapped[bool] = mapped_column(Boolean, server_default="false")
    date_creation: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # Kept by the same trigger as updated_at, so raw SQL keeps it right too.
    date_modification: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class MotifAbsence(enum.StrEnum):
    conge = "conge"
    formation = "formation"
    indisponible = "indisponible"


class Absence(Timestamps, Base):
    """A technician is away from ``date_debut`` to ``date_fin`` (half-open, ≤ 366 days)."""

    __tablename__ = "absences"
    __table_args__ = (
        CheckConstraint("date_fin > date_debut", name="dates"),
        CheckConstraint("date_fin - date_debut <= interval '366 days'", name="duree"),
        Index("idx_absences_technicien_debut", "technicien_id", "date_debut"),
        Index("idx_absences_debut", "date_debut"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    technicien_id: Mapped[int] = mapped_column(ForeignKey("techniciens.id", ondelete="CASCADE"))
    date_debut: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    date_fin: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    motif: Mapped[MotifAbsence] = mapped_column(
        pg_enum(MotifAbsence, "motif_absence"), server_default="conge"
    )
    notes: Mapped[str | None] = mapped_column(Text)


class PlanningOccupation(Timestamps, Base):
    """One busy period of a technician: a slot (with its intervention) or an absence."""

    __tablename__ = "planning_occupations"
    __table_args__ = (Index("idx_planning_occupations_intervention", "intervention_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    technicien_id: Mapped[int] = mapped_column(ForeignKey("techniciens.id", ondelete="CASCADE"))
    periode: Mapped[Range[datetime]] = mapped_column(TSTZRANGE)
    planning_id: Mapped[int | None] = mapped_column(ForeignKey("planning.id", ondelete="CASCADE"))
    intervention_id: Mapped[int | None] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE")
    )
    absence_id: Mapped[int | None] = mapped_column(ForeignKey("absences.id", ondelete="CASCADE"))
