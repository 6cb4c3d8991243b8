"""Planning rules held by the database, checked with raw SQL (owner and app roles).

A technician, principal or assistant, is never booked twice at the same time, never planned
inside an absence, and a cancelled or archived intervention gets no slot; a slot lasts more
than 0 minute and at most 14 days; ``interventions.date_planifiee`` is the slot's start; two
managers booking one technician at once: exactly one wins, the other is told which
intervention is in the way.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from db.errors import describe
from db.session import Actor, apply_actor
from tests.conftest import act_as, assert_refused, sql_error
from tests.factories import (
    insert,
    make_client,
    make_equipement,
    make_intervention,
    make_technicien,
    make_user,
)

TZ = ZoneInfo("Africa/Casablanca")
MONDAY = datetime(2031, 3, 3, 8, 0, tzinfo=TZ)
EXCL = "excl_occupation_chevauchement"


def slot(conn: Connection, intervention: int, start: datetime, hours: float = 4) -> int:
    """INSERT a planning row and return its id."""
    return insert(
        conn,
        "planning",
        intervention_id=intervention,
        date_debut=start,
        date_fin=start + timedelta(hours=hours),
    )


@pytest.fixture
def cast(conn: Connection) -> dict[str, Any]:
    """A client machine, two technicians and three interventions assigned to the first."""
    client, _ = make_client(conn)
    machine = make_equipement(conn, client)
    t1, _ = make_technicien(conn)
    t2, _ = make_technicien(conn)
    jobs = [make_intervention(conn, machine, technicien_id=t1, statut="affectee") for _ in range(3)]
    resp = make_user(conn, "responsable")
    return {"t1": t1, "t2": t2, "jobs": jobs, "machine": machine, "resp": resp}


def test_two_overlapping_slots_of_one_technician_are_refused_naming_the_other_intervention(
    conn: Connection, cast: dict[str, Any]
):
    a, b, _ = cast["jobs"]
    slot(conn, a, MONDAY)
    exc = sql_error(
        conn,
        "INSERT INTO planning (intervention_id, date_debut, date_fin)"
        " VALUES (:i, :d, :d + interval '1 hour')",
        {"i": b, "d": MONDAY + timedelta(hours=3)},
    )
    assert_refused(exc, EXCL)
    assert f"n° {a}" in describe(exc).message


def test_a_slot_may_start_when_the_previous_one_ends(conn: Connection, cast: dict[str, Any]):
    a, b, _ = cast["jobs"]
    slot(conn, a, MONDAY, hours=4)
    slot(conn, b, MONDAY + timedelta(hours=4))


def test_an_assistant_is_booked_too_and_cannot_be_planned_twice(
    conn: Connection, cast: dict[str, Any]
):
    a, _, _ = cast["jobs"]
    client, _ = make_client(conn)
    other = make_intervention(
        conn, make_equipement(conn, client), technicien_id=cast["t2"], statut="affectee"
    )
    slot(conn, other, MONDAY)
    # t2 becomes assistant of a, then a is planned over t2's slot
    conn.execute(
        text(
            "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
            " VALUES (:i, :t, 'assistant')"
        ),
        {"i": a, "t": cast["t2"]},
    )
    exc = sql_error(
        conn,
        "INSERT INTO planning (intervention_id, date_debut, date_fin)"
        " VALUES (:i, :d, :d + interval '2 hours')",
        {"i": a, "d": MONDAY + timedelta(hours=1)},
    )
    assert_refused(exc, EXCL)
    assert f"n° {other}" in describe(exc).message


def test_adding_a_busy_assistant_to_a_planned_intervention_is_refused(
    conn: Connection, cast: dict[str, Any]
):
    a, b, _ = cast["jobs"]
    slot(conn, a, MONDAY)
    conn.execute(
        text("UPDATE interventions SET technicien_id = :t WHERE id = :i"),
        {"t": cast["t2"], "i": b},
    )
    slot(conn, b, MONDAY + timedelta(hours=2))
    exc = sql_error(
        conn,
        "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
        " VALUES (:i, :t, 'assistant')",
        {"i": a, "t": cast["t2"]},
    )
    assert_refused(exc, EXCL)


def test_changing_the_principal_books_the_new_one_and_frees_the_old(
    conn: Connection, cast: dict[str, Any]
):
    a, b, _ = cast["jobs"]
    slot(conn, a, MONDAY)
    conn.execute(
        text("UPDATE interventions SET technicien_id = :t WHERE id = :i"),
        {"t": cast["t2"], "i": a},
    )
    busy = conn.execute(
        text("SELECT technicien_id FROM planning_occupations WHERE intervention_id = :i"),
        {"i": a},
    ).all()
    assert [r[0] for r in busy] == [cast["t2"]]
    slot(conn, b, MONDAY)  # t1 is free again


def test_a_slot_inside_an_absence_is_refused_and_an_absence_over_a_slot_too(
    conn: Connection, cast: dict[str, Any]
):
    a, b, _ = cast["jobs"]
    insert(
        conn,
        "absences",
        technicien_id=cast["t1"],
        date_debut=MONDAY,
        date_fin=MONDAY + timedelta(days=5),
        motif="conge",
    )
    exc = sql_error(
        conn,
        "INSERT INTO planning (intervention_id, date_debut, date_fin)"
        " VALUES (:i, :d, :d + interval '2 hours')",
        {"i": a, "d": MONDAY + timedelta(days=1)},
    )
    assert_refused(exc, EXCL)
    assert "absent" in describe(exc).message and "congé" in describe(exc).message
    slot(conn, b, MONDAY + timedelta(days=7))
    exc = sql_error(
        conn,
        "INSERT INTO absences (technicien_id, date_debut, date_fin, motif)"
        " VALUES (:t, :d, :d + interval '1 day', 'formation')",
        {"t": cast["t1"], "d": MONDAY + timedelta(days=7)},
    )
    assert_refused(exc, EXCL)
    assert f"n° {b}" in describe(exc).message


def test_deleting_an_absence_frees_the_technician(conn: Connection, cast: dict[str, Any]):
    a, _, _ = cast["jobs"]
    absence = insert(
        conn,
        "absences",
        technicien_id=cast["t1"],
        date_debut=MONDAY,
        date_fin=MONDAY + timedelta(days=1),
    )
    conn.execute(text("DELETE FROM absences WHERE id = :a"), {"a": absence})
    slot(conn, a, MONDAY)


@pytest.mark.parametrize("statut", ["annulee", "archivee"])
def test_no_slot_on_a_cancelled_or_archived_intervention(
    conn: Connection, cast: dict[str, Any], statut: str
):
    job = make_intervention(conn, cast["machine"], statut=statut)
    exc = sql_error(
        conn,
        "INSERT INTO planning (intervention_id, date_debut, date_fin)"
        " VALUES (:i, :d, :d + interval '1 hour')",
        {"i": job, "d": MONDAY},
    )
    assert_refused(exc, "planning_intervention_close")


def test_cancelling_an_intervention_frees_its_slot_which_may_no_longer_move(
    conn: Connection, cast: dict[str, Any]
):
    a, b, _ = cast["jobs"]
    p = slot(conn, a, MONDAY)
    conn.execute(text("UPDATE interventions SET statut = 'annulee' WHERE id = :i"), {"i": a})
    slot(conn, b, MONDAY)  # the technician is free
    exc = sql_error(
        conn,
        "UPDATE planning SET date_debut = date_debut + interval '1 day',"
        " date_fin = date_fin + interval '1 day' WHERE id = :p",
        {"p": p},
    )
    assert_refused(exc, "planning_intervention_close")


@pytest.mark.parametrize(
    ("duration", "rule"),
    [
        (timedelta(0), "ck_planning_dates"),
        (timedelta(hours=-1), "ck_planning_dates"),
        (timedelta(days=14, minutes=1), "ck_planning_duree"),
    ],
)
def test_a_slot_lasts_more_than_zero_and_at_most_fourteen_days(
    conn: Connection, cast: dict[str, Any], duration: timedelta, rule: str
):
    exc = sql_error(
        conn,
        "INSERT INTO planning (intervention_id, date_debut, date_fin) VALUES (:i, :d, :f)",
        {"i": cast["jobs"][0], "d": MONDAY, "f": MONDAY + duration},
    )
    assert_refused(exc, rule)


def test_fourteen_days_exactly_is_allowed(conn: Connection, cast: dict[str, Any]):
    slot(conn, cast["jobs"][0], MONDAY, hours=14 * 24)


def test_date_planifiee_follows_the_slot_both_ways(conn: Connection, cast: dict[str, Any]):
    a, _, _ = cast["jobs"]
    p = slot(conn, a, MONDAY, hours=3)

    def planned() -> datetime:
        return conn.execute(
            text("SELECT date_planifiee FROM interventions WHERE id = :i"), {"i": a}
        ).scalar_one()

    assert planned() == MONDAY
    conn.execute(
        text(
            "UPDATE planning SET date_debut = :d, date_fin = :d + interval '3 hours' WHERE id = :p"
        ),
        {"d": MONDAY + timedelta(days=1), "p": p},
    )
    assert planned() == MONDAY + timedelta(days=1)
    conn.execute(
        text("UPDATE interventions SET date_planifiee = :d WHERE id = :i"),
        {"d": MONDAY + timedelta(days=2), "i": a},
    )
    debut, fin = conn.execute(
        text("SELECT date_debut, date_fin FROM planning WHERE id = :p"), {"p": p}
    ).one()
    assert (debut, fin - debut) == (MONDAY + timedelta(days=2), timedelta(hours=3))
    exc = sql_error(conn, "UPDATE interventions SET date_planifiee = NULL WHERE id = :i", {"i": a})
    assert_refused(exc, "planning_date_planifiee")


def test_date_modification_is_kept_by_the_database(conn: Connection, cast: dict[str, Any]):
    p = slot(conn, cast["jobs"][0], MONDAY)
    conn.execute(
        text(
            "UPDATE planning SET date_modification = '2000-01-01', notes_planning = 'x'"
            " WHERE id = :p"
        ),
        {"p": p},
    )
    assert conn.execute(
        text("SELECT date_modification > '2020-01-01' FROM planning WHERE id = :p"), {"p": p}
    ).scalar_one()


def test_a_manager_through_the_app_role_is_refused_the_same_way(
    conn: Connection, cast: dict[str, Any]
):
    a, b, _ = cast["jobs"]
    slot(conn, a, MONDAY)
    act_as(conn, Actor(user_id=cast["resp"], role="responsable"))
    exc = sql_error(
        conn,
        "INSERT INTO planning (intervention_id, date_debut, date_fin)"
        " VALUES (:i, :d, :d + interval '1 hour')",
        {"i": b, "d": MONDAY + timedelta(hours=1)},
    )
    assert_refused(exc, EXCL)
    # nobody in the app writes the occupations directly
    exc = sql_error(
        conn,
        "INSERT INTO planning_occupations (technicien_id, periode, absence_id)"
        " VALUES (:t, tstzrange(now(), now() + interval '1 hour'), NULL)",
        {"t": cast["t2"]},
    )
    assert getattr(exc, "orig", exc).sqlstate == "42501"


def test_availability_today_follows_the_absences(conn: Connection, cast: dict[str, Any]):
    def dispo() -> str:
        return conn.execute(
            text("SELECT technicien_disponibilite_effective(:t)::text"), {"t": cast["t1"]}
        ).scalar_one()

    assert dispo() == "disponible"
    insert(
        conn,
        "absences",
        technicien_id=cast["t1"],
        date_debut=datetime.now(TZ) - timedelta(hours=1),
        date_fin=datetime.now(TZ) + timedelta(days=2),
        motif="formation",
    )
    assert dispo() == "formation"


# --------------------------------------------------------------------------- concurrency


def test_two_managers_booking_one_technician_at_once_exactly_one_wins(
    owner_engine: Engine, app_engine_test: Engine
):
    """Committed data (each booking commits in its own connection, as the app role): the
    database arbitrates, not the test's transaction."""
    tag = uuid.uuid4().hex[:8]
    with owner_engine.begin() as c:
        client, _ = make_client(c)
        machine = make_equipement(c, client, nom=f"Presse {tag}")
        tech, _ = make_technicien(c)
        jobs = [
            make_intervention(c, machine, technicien_id=tech, statut="affectee") for _ in range(2)
        ]
        managers = [make_user(c, "responsable") for _ in range(2)]
    start = threading.Barrier(2)
    when = datetime(2033, 6, 6, 8, 0, tzinfo=TZ)

    def book(k: int) -> str | None:
        with app_engine_test.connect() as conn:
            conn.execute(text("SELECT 1"))
            conn.rollback()
            start.wait(timeout=30)
            try:
                with conn.begin():
                    apply_actor(conn, Actor(user_id=managers[k], role="responsable"))
                    conn.execute(
                        text(
                            "INSERT INTO planning (intervention_id, date_debut, date_fin)"
                            " VALUES (:i, :d, :d + interval '3 hours')"
                        ),
                        {"i": jobs[k], "d": when + timedelta(hours=k)},
                    )
            except DBAPIError as exc:
                err = describe(exc)
                assert err.rule == EXCL, exc
                return err.message
        return None

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(book, range(2)))
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 1
    winner = jobs[outcomes.index(None)]
    assert f"n° {winner}" in refused[0]
    with owner_engine.connect() as c:
        booked = c.execute(
            text("SELECT count(*) FROM planning WHERE intervention_id = ANY(:j)"), {"j": jobs}
        ).scalar_one()
    assert booked == 1
