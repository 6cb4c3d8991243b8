"""Generated reports and their schedules (seed 004 "Reporting & Analytics")."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps, pg_enum


class TypeReport(enum.StrEnum):
    interventions = "interventions"
    performance = "performance"
    stock = "stock"
    facturation = "facturation"
    client = "client"


class FormatReport(enum.StrEnum):
    pdf = "pdf"
    excel = "excel"
    csv = "csv"


class StatutReport(enum.StrEnum):
    en_cours = "en_cours"
    termine = "termine"
    erreur = "erreur"


class Report(Timestamps, Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(200))
    type_report: Mapped[TypeReport] = mapped_column(pg_enum(TypeReport, "type_report"))
    format: Mapped[FormatReport] = mapped_column(pg_enum(FormatReport, "format_report"))
    parametres: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    date_generation: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    generated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chemin_fichier: Mapped[str | None] = mapped_column(String(500))
    statut: Mapped[StatutReport] = mapped_column(
        pg_enum(StatutReport, "statut_report"), server_default="en_cours"
    )
    erreur_message: Mapped[str | None] = mapped_column(Text)


class ReportSchedule(Timestamps, Base):
    __tablename__ = "report_schedules"
    __table_args__ = (
        CheckConstraint(
            "array_length(regexp_split_to_array(trim(cron_expression), '\\s+'), 1) = 5",
            name="cron_cinq_champs",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    nom_schedule: Mapped[str] = mapped_column(String(200))
    cron_expression: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    destinataires: Mapped[list[str] | None] = mapped_column(JSONB)
    derniere_execution: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    prochaine_execution: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
