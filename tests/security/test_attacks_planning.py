"""Attacks on the planning, replayed through the app role: each must fail.

The access matrix lets a technician confirm the slots of their own interventions (column
``confirme`` only) and read their own absences; managers write slots and absences; nobody in
the application writes ``planning_occupations`` (the database's own derived table). These are
the writes and reads it must still refuse, by hand-written SQL (as a bug in a page would send
it) and through the services (which refuse first, in French).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.planning import service as planning
from tests.conftest import act_as, sql_error, touches_nothing, visible_rows
from tests.factories import insert, world

TZ = ZoneInfo("Africa/Casablanca")
WHEN = datetime(2032, 5, 3, 8, 0, tzinfo=TZ)


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    """``world`` with a slot on each technician's intervention and an absence of each."""
    w = world(conn)
    for k in ("1", "2"):
        w[f"slot{k}"] = insert(
            conn,
            "planning",
            intervention_id=w[f"interv{k}"],
            date_debut=WHEN,
            date_fin=WHEN + timedelta(hours=3),
        )
        w[f"absence{k}"] = insert(
            conn,
            "absences",
            technicien_id=w[f"tech{k}"],
            date_debut=WHEN + timedelta(days=3),
            date_fin=WHEN + timedelta(days=4),
        )
    return w


def refused(exc: BaseException) -> None:
    """Refused by a privilege or a row policy (42501), never written."""
    assert getattr(exc, "orig", exc).sqlstate == "42501", exc


def test_a_technician_cannot_create_a_slot_even_on_their_own_intervention(
    conn: Connection, w: dict[str, Any]
):
    conn.execute(text("DELETE FROM planning WHERE id = :p"), {"p": w["slot1"]})
    act_as(conn, w["actor_tech1"])
    refused(
        sql_error(
            conn,
            "INSERT INTO planning (intervention_id, date_debut, date_fin)"
            " VALUES (:i, :d, :d + interval '1 hour')",
            {"i": w["interv1"], "d": WHEN},
        )
    )


def test_a_technician_cannot_move_a_slot_neither_theirs_nor_another_s(
    conn: Connection, w: dict[str, Any]
):
    act_as(conn, w["actor_tech1"])
    refused(
        sql_error(
            conn,
            "UPDATE planning SET date_debut = date_debut + interval '1 day',"
            " date_fin = date_fin + interval '1 day' WHERE id = :p",
            {"p": w["slot1"]},
        )
    )
    refused(
        sql_error(
            conn,
            "UPDATE planning SET date_debut = date_debut + interval '1 day',"
            " date_fin = date_fin + interval '1 day' WHERE id = :p",
            {"p": w["slot2"]},
        )
    )
    # nor confirm another technician's slot, nor delete one
    touches_nothing(conn, "UPDATE planning SET confirme = true WHERE id = :p", {"p": w["slot2"]})
    refused(sql_error(conn, "DELETE FROM planning WHERE id = :p", {"p": w["slot1"]}))


def test_a_technician_moving_another_s_slot_through_the_service_is_told_in_french(
    session: Session, w: dict[str, Any]
):
    act_as(session, w["actor_tech1"])
    with pytest.raises(ServiceError, match="autre technicien"):
        planning.move_slot(
            session=session,
            actor=w["actor_tech1"],
            planning_id=w["slot2"],
            date_debut=WHEN + timedelta(days=1),
            date_fin=WHEN + timedelta(days=1, hours=1),
        )
    with pytest.raises(ServiceError):
        planning.create_slot(
            session=session,
            actor=w["actor_tech1"],
            intervention_id=w["interv1"],
            date_debut=WHEN + timedelta(days=1),
            date_fin=WHEN + timedelta(days=1, hours=1),
        )


def test_a_client_reads_no_absence_and_no_occupation(conn: Connection, w: dict[str, Any]):
    act_as(conn, w["actor_client1"])
    assert visible_rows(conn, "SELECT count(*) FROM absences") == 0
    assert visible_rows(conn, "SELECT count(*) FROM planning_occupations") == 0
    refused(
        sql_error(
            conn,
            "INSERT INTO absences (technicien_id, date_debut, date_fin)"
            " VALUES (:t, :d, :d + interval '1 day')",
            {"t": w["tech1"], "d": WHEN + timedelta(days=10)},
        )
    )


def test_a_technician_reads_only_their_own_absences_and_writes_none(
    conn: Connection, w: dict[str, Any]
):
    act_as(conn, w["actor_tech1"])
    assert visible_rows(conn, "SELECT count(*) FROM absences") == 1
    assert (
        visible_rows(
            conn, "SELECT count(*) FROM absences WHERE technicien_id = :t", {"t": w["tech2"]}
        )
        == 0
    )
    refused(sql_error(conn, "DELETE FROM absences WHERE id = :a", {"a": w["absence1"]}))
    refused(
        sql_error(
            conn,
            "UPDATE absences SET date_fin = date_fin + interval '1 day' WHERE id = :a",
            {"a": w["absence1"]},
        )
    )
    assert visible_rows(conn, "SELECT count(*) FROM planning_occupations") == 0


def test_no_app_role_writes_the_occupations_or_frees_a_booked_technician(
    conn: Connection, w: dict[str, Any]
):
    act_as(conn, w["actor_admin"])
    refused(
        sql_error(
            conn,
            "DELETE FROM planning_occupations WHERE technicien_id = :t",
            {"t": w["tech1"]},
        )
    )
    refused(
        sql_error(
            conn,
            "UPDATE planning_occupations SET periode = tstzrange(now(), now() + interval '1 s')",
        )
    )
    refused(
        sql_error(
            conn,
            "SELECT occupation_reserve(:t, tstzrange(now(), now() + interval '1 h'), NULL, NULL,"
            " :a)",
            {"t": w["tech1"], "a": w["absence1"]},
        )
    )


def test_a_client_through_the_services_is_refused_absences_and_planning_writes(
    session: Session, w: dict[str, Any]
):
    act_as(session, w["actor_client1"])
    with pytest.raises(ServiceError):
        planning.list_absences(
            session=session,
            actor=w["actor_client1"],
            start=WHEN,
            end=WHEN + timedelta(days=7),
        )
    with pytest.raises(ServiceError):
        planning.confirm_slot(session=session, actor=w["actor_client1"], planning_id=w["slot1"])
