"""Users, technicians, clients and competences (seed 004 "User Management Domain")."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import INET
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps, pg_enum


class UserRole(enum.StrEnum):
    admin = "admin"
    responsable = "responsable"
    technicien = "technicien"
    client = "client"


class Disponibilite(enum.StrEnum):
    disponible = "disponible"
    occupe = "occupe"
    conge = "conge"
    formation = "formation"
    indisponible = "indisponible"


class TypeClient(enum.StrEnum):
    premium = "premium"
    standard = "standard"
    basic = "basic"


class NiveauService(enum.StrEnum):
    platinum = "platinum"
    gold = "gold"
    standard = "standard"
    basic = "basic"


class NiveauCompetence(enum.StrEnum):
    debutant = "debutant"
    intermediaire = "intermediaire"
    avance = "avance"
    expert = "expert"


class User(Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (
        Index("idx_user_email_active", "email", "is_active"),
        Index("idx_user_username_role", "username", "role"),
        Index("idx_active_users", "role", postgresql_where="is_active = TRUE"),
        Index("idx_user_full_name", "full_name"),
        CheckConstraint("length(trim(username)) > 0", name="username_not_blank"),
        CheckConstraint("position('@' in email) > 1", name="email_format"),
        CheckConstraint("failed_login_count >= 0", name="failed_login_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(255), unique=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = mapped_column(pg_enum(UserRole, "user_role"))
    is_active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    # Login lock-out and session revocation (revision 0003), kept in the database so they hold
    # across restarts and replicas: consecutive failed logins, end of the current lock, last
    # successful login, and the instant before which every login session (cookie) is void.
    failed_login_count: Mapped[int] = mapped_column(Integer, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sessions_revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Technicien(Timestamps, Base):
    __tablename__ = "techniciens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    specialite: Mapped[str | None] = mapped_column(String(150))
    disponibilite: Mapped[Disponibilite] = mapped_column(
        pg_enum(Disponibilite, "disponibilite_technicien"), server_default="disponible"
    )
    equipe: Mapped[str | None] = mapped_column(String(100))
    zone_geographique: Mapped[str | None] = mapped_column(String(100))
    notes_competences: Mapped[str | None] = mapped_column(Text)
    date_embauche: Mapped[date | None] = mapped_column(Date)


class Client(Timestamps, Base):
    __tablename__ = "clients"
    __table_args__ = (
        Index("idx_client_nom_entreprise", "nom_entreprise"),
        CheckConstraint("length(trim(nom_entreprise)) > 0", name="nom_entreprise_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    nom_entreprise: Mapped[str] = mapped_column(String(200))
    secteur_activite: Mapped[str | None] = mapped_column(String(150))
    type_client: Mapped[TypeClient] = mapped_column(
        pg_enum(TypeClient, "type_client"), server_default="standard"
    )
    niveau_service: Mapped[NiveauService] = mapped_column(
        pg_enum(NiveauService, "niveau_service"), server_default="standard"
    )
    adresse: Mapped[str | None] = mapped_column(Text)
    ville: Mapped[str | None] = mapped_column(String(100))
    code_postal: Mapped[str | None] = mapped_column(String(20))
    telephone: Mapped[str | None] = mapped_column(String(30))
    email_commercial: Mapped[str | None] = mapped_column(String(255))
    contact_principal: Mapped[str | None] = mapped_column(String(150))
    notes_commerciales: Mapped[str | None] = mapped_column(Text)
    instructions_particulieres: Mapped[str | None] = mapped_column(Text)


class Competence(Timestamps, Base):
    __tablename__ = "competences"

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(150), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    niveau_requis: Mapped[NiveauCompetence] = mapped_column(
        pg_enum(NiveauCompetence, "niveau_competence"), server_default="intermediaire"
    )
    certification: Mapped[str | None] = mapped_column(String(150))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")


class TechnicienCompetence(Timestamps, Base):
    __tablename__ = "technicien_competence"
    __table_args__ = (
        CheckConstraint(
            "date_expiration IS NULL OR date_acquisition IS NULL"
            " OR date_expiration >= date_acquisition",
            name="dates",
        ),
    )

    technicien_id: Mapped[int] = mapped_column(
        ForeignKey("techniciens.id", ondelete="CASCADE"), primary_key=True
    )
    competence_id: Mapped[int] = mapped_column(
        ForeignKey("competences.id", ondelete="CASCADE"), primary_key=True
    )
    niveau_acquis: Mapped[NiveauCompetence] = mapped_column(
        pg_enum(NiveauCompetence, "niveau_competence")
    )
    date_acquisition: Mapped[date | None] = mapped_column(Date)
    date_expiration: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    certifie: Mapped[bool] = mapped_column(Boolean, server_default="false")


class LoginEvent(Timestamps, Base):
    """Journal of sign-ins (revision 0005): one row per password comparison, lock and logout.

    Written only by the ``auth_*`` SQL functions (``db/people/sql/fn_auth_*.sql``); the app
    role has no privilege on it. ``user_id`` is NULL for an unknown or inactive account (the
    typed name is kept in ``username``) and once the user is deleted.
    """

    __tablename__ = "login_events"
    __table_args__ = (
        Index("idx_login_events_user_date", "user_id", "created_at"),
        CheckConstraint(
            "event IN ('echec', 'verrouillage', 'succes', 'deconnexion')", name="event"
        ),
    )

    id: Mapped[int] = mapped_column(Identity(always=True), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str | None] = mapped_column(Text)
    event: Mapped[str] = mapped_column(Text)
    adresse_ip: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str | None] = mapped_column(Text)


class LoginSecret(Timestamps, Base):
    """Owner-only random key of the fake salts given for unknown accounts (one row).

    Mapped so that the schema is complete for Alembic; no application code reads it.
    """

    __tablename__ = "login_secret"
    __table_args__ = (
        CheckConstraint("id = 1", name="une_ligne"),
        CheckConstraint("length(cle) >= 32", name="cle_longue"),
    )

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, server_default="1")
    cle: Mapped[str] = mapped_column(Text)
