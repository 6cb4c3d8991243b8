"""The business time zone: the app reads it from the pinned IANA database (db.tz), and the
database server agrees, so a time typed by a user comes back unchanged in the database's own
messages."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from db import tz
from db.errors import ValidationError
from db.planning import service as planning
from db.reporting import service as reporting
from db.session import Actor
from tests.conftest import act_as
from tests.factories import (
    make_client,
    make_equipement,
    make_intervention,
    make_technicien,
    make_user,
)


def test_the_app_reads_zones_from_the_pinned_package_not_the_system():
    assert zoneinfo.TZPATH == ()
    assert tz.BUSINESS_TZ.key == "Africa/Casablanca"


def test_morocco_is_on_utc_plus_0_since_20_september_2026():
    assert tz.app_offset(datetime(2026, 9, 19, 12, tzinfo=UTC)) == timedelta(hours=1)
    assert tz.app_offset(datetime(2026, 11, 23, 12, tzinfo=UTC)) == timedelta(0)
    assert tz.app_offset(datetime(2027, 7, 1, 12, tzinfo=UTC)) == timedelta(0)


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 8, 1, 12, tzinfo=UTC),
        datetime(2026, 11, 23, 12, tzinfo=UTC),
        datetime(2031, 3, 3, 8, tzinfo=UTC),
    ],
)
def test_the_database_server_agrees_with_the_app(conn: Connection, at: datetime):
    assert tz.database_offset(conn, at) == tz.app_offset(at)
    assert tz.database_offset_disagreement(conn, at) is None


def test_a_disagreement_is_told_in_french_with_both_offsets(
    conn: Connection, monkeypatch: pytest.MonkeyPatch
):
    # The app side made an hour ahead (the old, pre-2026 data): the server's current data
    # then disagrees, and the sentence says which offsets and what to update.
    monkeypatch.setattr(tz, "BUSINESS_TZ", zoneinfo.ZoneInfo("Etc/GMT-1"))
    message = tz.database_offset_disagreement(conn, datetime(2026, 11, 23, 12, tzinfo=UTC))
    assert message is not None
    assert "UTC+0" in message and "UTC+1" in message and "tzdata" in message


def test_the_status_page_has_no_warning_when_they_agree(conn: Connection, session: Session):
    admin = Actor(user_id=make_user(conn, "admin"), role="admin")
    act_as(session, admin)
    assert reporting.database_status(session=session).time_zone_warning is None


def test_a_refused_slot_names_the_other_slot_at_the_time_the_user_typed(
    conn: Connection, session: Session
):
    client, _ = make_client(conn)
    machine = make_equipement(conn, client)
    tech, _ = make_technicien(conn)
    a, b = (make_intervention(conn, machine, technicien_id=tech, statut="affectee") for _ in "ab")
    resp = Actor(user_id=make_user(conn, "responsable"), role="responsable")
    act_as(session, resp)
    nine = datetime(2026, 12, 7, 9, 0, tzinfo=tz.BUSINESS_TZ)  # a Monday, 09:00 in Casablanca
    planning.create_slot(
        session=session,
        actor=resp,
        intervention_id=a,
        date_debut=nine,
        date_fin=nine + timedelta(hours=2),
    )
    with pytest.raises(ValidationError) as err:
        planning.create_slot(
            session=session,
            actor=resp,
            intervention_id=b,
            date_debut=nine + timedelta(hours=1),
            date_fin=nine + timedelta(hours=3),
        )
    assert "du 07/12/2026 09:00 au 07/12/2026 11:00" in err.value.errors["date_debut"]
