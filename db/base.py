"""Declarative base shared by every domain: naming convention and timestamp columns."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints: the services map a refused write to a French sentence by constraint name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of all mapped tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamps:
    """``created_at`` / ``updated_at`` on every table; ``updated_at`` is kept by a trigger.

    The trigger (``set_updated_at``) is what keeps raw-SQL updates right; the ORM never sets it.
    """

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


def pg_enum(enum_cls: type[enum.Enum], name: str) -> Any:
    """A PostgreSQL ENUM storing the Python enum's *values* (the seed's labels).

    ``create_type=False``: types are created and dropped explicitly by the migrations
    (``drop_table`` does not drop them and the next upgrade would fail).
    """
    return postgresql.ENUM(
        enum_cls,
        name=name,
        values_callable=lambda e: [m.value for m in e],
        create_type=False,
        validate_strings=True,
    )
