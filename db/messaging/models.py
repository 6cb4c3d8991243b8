"""Notifications and chat (seed 004 notifications; seed 000 ChatConversation/ChatMessage)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps, pg_enum


class TypeNotification(enum.StrEnum):
    info = "info"
    warning = "warning"
    error = "error"
    success = "success"
    intervention = "intervention"
    planning = "planning"


class Notification(Timestamps, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("idx_notification_user_lu", "user_id", "lu"),
        Index("idx_notification_date_type", "date_envoi", "type_notification"),
        Index("idx_unread_notifications", "user_id", "date_envoi", postgresql_where="lu = FALSE"),
        CheckConstraint("date_lu IS NULL OR date_lu >= date_envoi", name="lu_apres_envoi"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    titre: Mapped[str] = mapped_column(String(200))
    message: Mapped[str | None] = mapped_column(Text)
    type_notification: Mapped[TypeNotification] = mapped_column(
        pg_enum(TypeNotification, "type_notification"), server_default="info"
    )
    lu: Mapped[bool] = mapped_column(Boolean, server_default="false")
    date_envoi: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    date_lu: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    intervention_id: Mapped[int | None] = mapped_column(
        ForeignKey("interventions.id", ondelete="SET NULL")
    )
    # ``metadata`` is reserved by SQLAlchemy's declarative base; the column keeps the seed name.
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSONB)


class Conversation(Timestamps, Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("idx_conversation_intervention", "intervention_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    titre: Mapped[str] = mapped_column(String(200))
    intervention_id: Mapped[int | None] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE")
    )


class ConversationParticipant(Timestamps, Base):
    __tablename__ = "conversation_participants"
    __table_args__ = (Index("idx_conversation_participants_user", "user_id"),)

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


class Message(Timestamps, Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("idx_message_conversation_date", "conversation_id", "horodatage"),
        CheckConstraint("length(trim(contenu)) > 0", name="contenu_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    contenu: Mapped[str] = mapped_column(Text)
    horodatage: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
