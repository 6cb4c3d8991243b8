"""The planning services: slots, absences, agenda, through the app role (row-level security)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.errors import ConflictError, ServiceError, ValidationError
from db.planning import service as planning
from db.session import Actor
from tests.conftest import act_as
from tests.factories import (
    make_client,
    make_equipement,
    make_intervention,
    make_technicien,
    make_user,
)

TZ = ZoneInfo("Africa/Casablanca")
MONDAY = datetime(2031, 3, 3, 8, 0, tzinfo=TZ)
WEEK = (MONDAY - timedelta(days=1), MONDAY + timedelta(days=7))


@pytest.fixture
def cast(conn: Connection) -> dict[str, Any]:
    """A client machine, two technicians with their accounts, interventions, staff."""
    client, u_client = make_client(conn)
    machine = make_equipement(conn, client)
    t1, u1 = make_technicien(conn, equipe="Équipe Nord", zone_geographique="Tanger")
    t2, u2 = make_technicien(conn, equipe="Équipe Sud", zone_geographique="Agadir")
    jobs = [make_intervention(conn, machine, technicien_id=t1, statut="affectee") for _ in range(3)]
    open_job = make_intervention(conn, machine, statut="ouverte", priorite="urgente")
    return {
        "client": client,
        "t1": t1,
        "t2": t2,
        "jobs": jobs,
        "open": open_job,
        "machine": machine,
        "resp": Actor(user_id=make_user(conn, "responsable"), role="responsable"),
        "tech1": Actor(user_id=u1, role="technicien", technicien_id=t1),
        "tech2": Actor(user_id=u2, role="technicien", technicien_id=t2),
        "client_actor": Actor(user_id=u_client, role="client", client_id=client),
    }


def plan(session: Session, cast: dict[str, Any], job: int, start: datetime, hours: int = 3) -> int:
    return planning.create_slot(
        session=session,
        actor=cast["resp"],
        intervention_id=job,
        date_debut=start,
        date_fin=start + timedelta(hours=hours),
        creneau="Matin",
    )


def test_a_manager_plans_an_intervention_and_the_calendar_shows_it(
    session: Session, cast: dict[str, Any]
):
    act_as(session, cast["resp"])
    pid = plan(session, cast, cast["jobs"][0], MONDAY)
    slots = planning.list_slots(session=session, start=WEEK[0], end=WEEK[1])
    mine = [s for s in slots if s.planning_id == pid]
    assert len(mine) == 1 and mine[0].technicien_ids == (cast["t1"],)
    assert mine[0].creneau == "Matin" and not mine[0].confirme
    assert (
        planning.list_slots(
            session=session, start=WEEK[0], end=WEEK[1], technicien_ids=[cast["t2"]]
        )
        == []
    )
    by_team = planning.list_slots(session=session, start=WEEK[0], end=WEEK[1], equipe="Équipe Nord")
    assert [s.planning_id for s in by_team] == [pid]
    by_client = planning.list_slots(
        session=session, start=WEEK[0], end=WEEK[1], client_id=cast["client"]
    )
    assert [s.planning_id for s in by_client] == [pid]
    planned = session.execute(
        text("SELECT date_planifiee FROM interventions WHERE id = :i"), {"i": cast["jobs"][0]}
    ).scalar_one()
    assert planned == MONDAY


@pytest.mark.parametrize(
    ("end", "message"),
    [
        (MONDAY - timedelta(hours=1), "avant le début"),
        (MONDAY, "0 minute"),
        (MONDAY + timedelta(days=14, minutes=1), "14 jours"),
    ],
)
def test_bad_periods_are_refused_beside_the_end_field(
    session: Session, cast: dict[str, Any], end: datetime, message: str
):
    act_as(session, cast["resp"])
    with pytest.raises(ValidationError) as err:
        planning.create_slot(
            session=session,
            actor=cast["resp"],
            intervention_id=cast["jobs"][0],
            date_debut=MONDAY,
            date_fin=end,
        )
    assert message in err.value.errors["date_fin"]


def test_an_overlapping_slot_is_refused_naming_the_other_intervention(
    session: Session, cast: dict[str, Any]
):
    act_as(session, cast["resp"])
    a, b, _ = cast["jobs"]
    plan(session, cast, a, MONDAY)
    with pytest.raises(ValidationError) as err:
        plan(session, cast, b, MONDAY + timedelta(hours=2))
    assert f"n° {a}" in err.value.errors["date_debut"]


def test_a_slot_on_a_day_the_technician_is_absent_is_refused(
    session: Session, cast: dict[str, Any]
):
    act_as(session, cast["resp"])
    planning.create_absence(
        session=session,
        actor=cast["resp"],
        technicien_id=cast["t1"],
        date_debut=MONDAY,
        date_fin=MONDAY + timedelta(days=2),
        motif="formation",
    )
    with pytest.raises(ValidationError) as err:
        plan(session, cast, cast["jobs"][0], MONDAY + timedelta(days=1))
    assert "absent" in err.value.errors["date_debut"]
    assert "formation" in err.value.errors["date_debut"]


def test_a_cancelled_or_already_planned_intervention_is_refused(
    session: Session, cast: dict[str, Any], conn: Connection
):
    cancelled = make_intervention(conn, cast["machine"], statut="annulee")
    act_as(session, cast["resp"])
    with pytest.raises(ValidationError) as err:
        plan(session, cast, cancelled, MONDAY)
    assert "annulée" in err.value.errors["intervention_id"]
    plan(session, cast, cast["jobs"][0], MONDAY)
    with pytest.raises(ValidationError) as err:
        plan(session, cast, cast["jobs"][0], MONDAY + timedelta(days=1))
    assert "déjà planifiée" in err.value.errors["intervention_id"]


def test_moving_a_slot_checks_the_version_and_the_rules(session: Session, cast: dict[str, Any]):
    act_as(session, cast["resp"])
    a, b, _ = cast["jobs"]
    pa = plan(session, cast, a, MONDAY)
    plan(session, cast, b, MONDAY + timedelta(days=1))
    seen = planning.list_slots(session=session, start=WEEK[0], end=WEEK[1])[0].date_modification
    new = planning.move_slot(
        session=session,
        actor=cast["resp"],
        planning_id=pa,
        date_debut=MONDAY + timedelta(hours=4),
        date_fin=MONDAY + timedelta(hours=6),
        expected_modification=seen,
    )
    with pytest.raises(ConflictError):
        planning.move_slot(
            session=session,
            actor=cast["resp"],
            planning_id=pa,
            date_debut=MONDAY,
            date_fin=MONDAY + timedelta(hours=1),
            expected_modification=seen - timedelta(seconds=1),
        )
    with pytest.raises(ValidationError) as err:
        planning.move_slot(
            session=session,
            actor=cast["resp"],
            planning_id=pa,
            date_debut=MONDAY + timedelta(days=1, hours=1),
            date_fin=MONDAY + timedelta(days=1, hours=2),
            expected_modification=new,
        )
    assert f"n° {b}" in err.value.errors["date_debut"]


def test_a_technician_may_not_move_any_slot_and_is_told_when_it_is_someone_elses(
    session: Session, cast: dict[str, Any], conn: Connection
):
    other = make_intervention(conn, cast["machine"], technicien_id=cast["t2"], statut="affectee")
    act_as(session, cast["resp"])
    mine = plan(session, cast, cast["jobs"][0], MONDAY)
    theirs = plan(session, cast, other, MONDAY)
    act_as(session, cast["tech1"])
    with pytest.raises(ServiceError, match="autre technicien"):
        planning.move_slot(
            session=session,
            actor=cast["tech1"],
            planning_id=theirs,
            date_debut=MONDAY,
            date_fin=MONDAY + timedelta(hours=1),
        )
    with pytest.raises(ServiceError, match="Seul un responsable"):
        planning.move_slot(
            session=session,
            actor=cast["tech1"],
            planning_id=mine,
            date_debut=MONDAY,
            date_fin=MONDAY + timedelta(hours=1),
        )


def test_a_technician_confirms_their_own_slot_only_and_sees_it_in_the_agenda(
    session: Session, cast: dict[str, Any], conn: Connection
):
    other = make_intervention(conn, cast["machine"], technicien_id=cast["t2"], statut="affectee")
    act_as(session, cast["resp"])
    mine = plan(session, cast, cast["jobs"][0], MONDAY)
    theirs = plan(session, cast, other, MONDAY)
    act_as(session, cast["tech1"])
    planning.confirm_slot(session=session, actor=cast["tech1"], planning_id=mine)
    with pytest.raises(ServiceError, match="autre technicien"):
        planning.confirm_slot(session=session, actor=cast["tech1"], planning_id=theirs)
    agenda = planning.technician_agenda(
        session=session, actor=cast["tech1"], start=WEEK[0], end=WEEK[1]
    )
    assert [(s.planning_id, s.confirme) for s in agenda.slots] == [(mine, True)]


def test_annotate_and_delete_are_for_managers(session: Session, cast: dict[str, Any]):
    act_as(session, cast["resp"])
    pid = plan(session, cast, cast["jobs"][0], MONDAY)
    planning.annotate_slot(
        session=session,
        actor=cast["resp"],
        planning_id=pid,
        creneau="Après-midi",
        notes_planning="Accès quai 3",
    )
    act_as(session, cast["tech1"])
    with pytest.raises(ServiceError):
        planning.delete_slot(session=session, actor=cast["tech1"], planning_id=pid)
    act_as(session, cast["resp"])
    (slot,) = planning.list_slots(session=session, start=WEEK[0], end=WEEK[1])
    assert (slot.creneau, slot.notes_planning) == ("Après-midi", "Accès quai 3")
    planning.delete_slot(session=session, actor=cast["resp"], planning_id=pid)
    assert planning.list_slots(session=session, start=WEEK[0], end=WEEK[1]) == []
    unplanned = planning.unplanned_interventions(session=session, limit=200)
    assert cast["jobs"][0] in {u.intervention_id for u in unplanned}


def test_unplanned_interventions_come_most_urgent_first(session: Session, cast: dict[str, Any]):
    act_as(session, cast["resp"])
    plan(session, cast, cast["jobs"][0], MONDAY)
    rows = planning.unplanned_interventions(session=session, limit=200)
    ids = [r.intervention_id for r in rows]
    assert cast["jobs"][0] not in ids
    assert rows[0].priorite == "urgente"
    order = ["urgente", "haute", "normale", "basse", "programmee"]
    assert [order.index(r.priorite) for r in rows] == sorted(order.index(r.priorite) for r in rows)


def test_an_absence_over_planned_work_lists_it_and_needs_confirmation(
    session: Session, cast: dict[str, Any]
):
    act_as(session, cast["resp"])
    a = cast["jobs"][0]
    pid = plan(session, cast, a, MONDAY + timedelta(days=1))
    asked = planning.create_absence(
        session=session,
        actor=cast["resp"],
        technicien_id=cast["t1"],
        date_debut=MONDAY,
        date_fin=MONDAY + timedelta(days=3),
        motif="conge",
    )
    assert asked.needs_confirmation and asked.absence_id is None
    assert [(c.planning_id, c.intervention_id) for c in asked.conflicts] == [(pid, a)]
    assert (
        planning.list_absences(session=session, actor=cast["resp"], start=WEEK[0], end=WEEK[1])
        == []
    )
    done = planning.create_absence(
        session=session,
        actor=cast["resp"],
        technicien_id=cast["t1"],
        date_debut=MONDAY,
        date_fin=MONDAY + timedelta(days=3),
        motif="conge",
        confirm=True,
    )
    assert done.absence_id is not None
    assert planning.list_slots(session=session, start=WEEK[0], end=WEEK[1]) == []
    (absence,) = planning.list_absences(
        session=session, actor=cast["resp"], start=WEEK[0], end=WEEK[1]
    )
    assert absence.motif == "conge"
    with pytest.raises(ValidationError, match="déjà absent"):
        planning.create_absence(
            session=session,
            actor=cast["resp"],
            technicien_id=cast["t1"],
            date_debut=MONDAY + timedelta(days=1),
            date_fin=MONDAY + timedelta(days=2),
        )
    planning.delete_absence(session=session, actor=cast["resp"], absence_id=done.absence_id)
    plan(session, cast, a, MONDAY)


def test_absences_are_staff_only_and_a_technician_reads_their_own(
    session: Session, cast: dict[str, Any]
):
    act_as(session, cast["resp"])
    for t in ("t1", "t2"):
        planning.create_absence(
            session=session,
            actor=cast["resp"],
            technicien_id=cast[t],
            date_debut=MONDAY,
            date_fin=MONDAY + timedelta(days=1),
        )
    act_as(session, cast["tech1"])
    rows = planning.list_absences(session=session, actor=cast["tech1"], start=WEEK[0], end=WEEK[1])
    assert {r.technicien_id for r in rows} == {cast["t1"]}
    with pytest.raises(ServiceError):
        planning.create_absence(
            session=session,
            actor=cast["tech1"],
            technicien_id=cast["t1"],
            date_debut=MONDAY + timedelta(days=2),
            date_fin=MONDAY + timedelta(days=3),
        )
    act_as(session, cast["client_actor"])
    with pytest.raises(ServiceError):
        planning.list_absences(
            session=session, actor=cast["client_actor"], start=WEEK[0], end=WEEK[1]
        )


def test_the_visible_range_is_bounded(session: Session, cast: dict[str, Any]):
    act_as(session, cast["resp"])
    with pytest.raises(ValidationError) as err:
        planning.list_slots(session=session, start=MONDAY, end=MONDAY + timedelta(days=90))
    assert "62 jours" in err.value.errors["end"]


def test_today_s_availability_follows_the_absences(session: Session, cast: dict[str, Any]):
    act_as(session, cast["resp"])
    now = datetime.now(TZ)
    planning.create_absence(
        session=session,
        actor=cast["resp"],
        technicien_id=cast["t2"],
        date_debut=now - timedelta(hours=2),
        date_fin=now + timedelta(days=1),
        motif="indisponible",
    )
    rows = {
        r.technicien_id: r.disponibilite
        for r in planning.list_technicians(session=session, actor=cast["resp"], equipe="Équipe Sud")
    }
    assert rows[cast["t2"]] == "indisponible"


def test_dispatch_ranks_an_absent_or_booked_technician_down_with_the_reason(
    session: Session, cast: dict[str, Any], conn: Connection
):
    from db.interventions.service import rank_technicians

    target = make_intervention(
        conn, cast["machine"], statut="ouverte", date_planifiee=MONDAY, duree_estimee=2
    )
    act_as(session, cast["resp"])
    plan(session, cast, cast["jobs"][0], MONDAY)  # t1 busy then
    planning.create_absence(
        session=session,
        actor=cast["resp"],
        technicien_id=cast["t2"],
        date_debut=MONDAY - timedelta(hours=1),
        date_fin=MONDAY + timedelta(hours=8),
    )
    ranked = {
        r.technicien_id: r
        for r in rank_technicians(session=session, intervention_id=target, limit=200)
    }
    assert ranked[cast["t1"]].chevauchement and not ranked[cast["t1"]].absent
    assert "Déjà occupé à la date planifiée" in ranked[cast["t1"]].raisons
    assert ranked[cast["t2"]].absent
    assert "Absent à la date planifiée" in ranked[cast["t2"]].raisons
