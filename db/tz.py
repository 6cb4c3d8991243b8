"""The business time zone (Africa/Casablanca), read from the IANA database pinned with the app.

Morocco left UTC+1 for UTC+0 on 20 September 2026 (IANA time-zone database, 2026 releases).
An operating system's copy of that database can be older and still say UTC+1 all year, while
the embedded PostgreSQL carries its own current copy: the app and its database then disagree
by an hour (a slot typed at 09:00 shown by the database's refusal as 10:00). So the app reads
every zone from the ``tzdata`` package pinned in requirements.txt, never from the system's
files: an update is a version bump like any other dependency, tested by the suite.

``database_offset_disagreement()`` compares the database server's copy with the app's for the
business zone (an external PostgreSQL reads its system's copy): ``python -m db status`` and the
database status page say so when they differ.
"""

from __future__ import annotations

import importlib.util
import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

BUSINESS_ZONE = "Africa/Casablanca"


def _use_pinned_tz_database() -> None:
    """Look zones up in the ``tzdata`` package only (when it is installed, as requirements.txt
    pins it): an empty search path makes ``zoneinfo`` fall back to that package. Zones already
    built from the system's files are dropped from the cache."""
    if importlib.util.find_spec("tzdata") is None:  # pragma: no cover - package not installed
        return
    if zoneinfo.TZPATH:
        zoneinfo.reset_tzpath(to=[])
        zoneinfo.ZoneInfo.clear_cache()


_use_pinned_tz_database()
BUSINESS_TZ = zoneinfo.ZoneInfo(BUSINESS_ZONE)


def app_offset(at: datetime) -> timedelta:
    """The business zone's UTC offset at ``at`` (aware) according to the app."""
    offset = at.astimezone(BUSINESS_TZ).utcoffset()
    assert offset is not None  # an aware datetime in a ZoneInfo always has one
    return offset


def database_offset(conn: Any, at: datetime) -> timedelta:
    """The business zone's UTC offset at ``at`` according to the database server ``conn``
    talks to (a SQLAlchemy connection or session)."""
    from sqlalchemy import text

    local = conn.execute(
        text("SELECT (CAST(:at AS timestamptz) AT TIME ZONE :zone)"),
        {"at": at, "zone": BUSINESS_ZONE},
    ).scalar_one()
    return local - at.astimezone(UTC).replace(tzinfo=None)


def database_offset_disagreement(conn: Any, at: datetime | None = None) -> str | None:
    """None when the database server and the app give the business zone the same offset now
    (or at ``at``); else a French sentence saying which offsets and what to update."""
    when = at or datetime.now(UTC)
    ours, theirs = app_offset(when), database_offset(conn, when)
    if ours == theirs:
        return None

    def hours(d: timedelta) -> str:
        return f"UTC{int(d.total_seconds() // 3600):+d}"

    return (
        f"Le serveur PostgreSQL place {BUSINESS_ZONE} à {hours(theirs)} aujourd'hui, "
        f"l'application à {hours(ours)} : les données de fuseau horaire du serveur sont "
        "anciennes (paquet tzdata du système à mettre à jour). Les heures écrites par la base "
        "(refus du planning, notifications) seraient décalées."
    )
