"""Scheduling of interventions (seed 004 ``planning``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps


class Planning(Timestamps, Base):
    __tablename__ = "planning"
    __table_args__ = (
        CheckConstraint("date_fin > date_debut", name="dates"),
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
