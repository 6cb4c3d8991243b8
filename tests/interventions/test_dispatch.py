"""Dispatch: technicians ranked with French reasons, assignment by managers only, races."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.errors import ConflictError, ServiceError
from db.interventions.service import assign, rank_technicians
from db.validation import BUSINESS_TZ
from tests.conftest import act_as
from tests.factories import insert, make_intervention, make_technicien, world


def test_the_technician_holding_the_required_skill_ranks_first_with_reasons(session: Session):
    conn = session.connection()
    w = world(conn)
    comp = insert(conn, "competences", nom="Soudure TIG test")
    good, _ = make_technicien(conn, zone_geographique="Casablanca")
    expired, _ = make_technicien(conn, zone_geographique="Casablanca")
    conn.execute(
        text(
            "INSERT INTO technicien_competence (technicien_id, competence_id, niveau_acquis,"
            " date_acquisition, date_expiration) VALUES"
            " (:g, :c, 'expert', NULL, NULL), (:e, :c, 'expert', :a, :x)"
        ),
        {"g": good, "e": expired, "c": comp, "a": date(2020, 1, 1), "x": date(2021, 1, 1)},
    )
    target = make_intervention(conn, w["equip1"])
    conn.execute(
        text(
            "INSERT INTO intervention_competences (intervention_id, competence_id, niveau_requis)"
            " VALUES (:i, :c, 'avance')"
        ),
        {"i": target, "c": comp},
    )
    act_as(session, w["actor_resp"])
    ranked = rank_technicians(session=session, intervention_id=target, limit=200)
    by_id = {r.technicien_id: r for r in ranked}
    assert ranked[0].score >= by_id[good].score
    assert by_id[good].competences_ok
    assert not by_id[expired].competences_ok
    assert by_id[good].score > by_id[expired].score
    assert any("expirée" in reason for reason in by_id[expired].raisons)
    assert any("même ville" in reason for reason in by_id[good].raisons)


def test_overlapping_planned_work_and_open_load_lower_the_score(session: Session):
    conn = session.connection()
    w = world(conn)
    when = datetime(2030, 5, 6, 9, 0, tzinfo=BUSINESS_TZ)
    free, _ = make_technicien(conn)
    busy, _ = make_technicien(conn)
    make_intervention(conn, w["equip1"], technicien_id=busy, statut="affectee", date_planifiee=when)
    target = make_intervention(conn, w["equip1"], date_planifiee=when + timedelta(minutes=30))
    act_as(session, w["actor_resp"])
    by_id = {
        r.technicien_id: r
        for r in rank_technicians(session=session, intervention_id=target, limit=200)
    }
    assert by_id[busy].chevauchement and not by_id[free].chevauchement
    assert by_id[busy].charge == 1
    assert by_id[free].score > by_id[busy].score
    assert "Déjà occupé à la date planifiée" in by_id[busy].raisons


def test_a_manager_assigns_a_principal_and_assistants_who_are_notified(session: Session):
    conn = session.connection()
    w = world(conn)
    target = make_intervention(conn, w["equip1"])
    helper, _ = make_technicien(conn)
    act_as(session, w["actor_resp"])
    loaded = session.execute(
        text("SELECT updated_at FROM interventions WHERE id = :i"), {"i": target}
    ).scalar_one()
    assign(
        session=session,
        actor=w["actor_resp"],
        intervention_id=target,
        principal_id=w["tech1"],
        assistant_ids=[helper],
        expected_updated_at=loaded,
    )
    rows = dict(
        session.execute(
            text(
                "SELECT technicien_id, role::text FROM intervention_techniciens"
                " WHERE intervention_id = :i"
            ),
            {"i": target},
        ).all()
    )
    assert rows == {w["tech1"]: "principal", helper: "assistant"}
    statut = session.execute(
        text("SELECT statut FROM interventions WHERE id = :i"), {"i": target}
    ).scalar_one()
    assert statut == "affectee"
    # Notifications are the owner's to count (each user reads only their own).
    session.execute(text("RESET ROLE"))
    notified = session.execute(
        text(
            "SELECT count(*) FROM notifications WHERE intervention_id = :i"
            " AND metadata->>'kind' = 'affectation'"
        ),
        {"i": target},
    ).scalar_one()
    assert notified == 2


def test_the_second_of_two_managers_assigning_at_once_is_told_and_nothing_is_overwritten(
    session: Session,
):
    conn = session.connection()
    w = world(conn)
    target = make_intervention(conn, w["equip1"])
    act_as(session, w["actor_resp"])
    loaded = session.execute(
        text("SELECT updated_at FROM interventions WHERE id = :i"), {"i": target}
    ).scalar_one()
    assign(
        session=session,
        actor=w["actor_resp"],
        intervention_id=target,
        principal_id=w["tech1"],
        expected_updated_at=loaded,
    )
    with pytest.raises(ConflictError):
        # The second manager loaded the card before the first one's save.
        assign(
            session=session,
            actor=w["actor_admin"],
            intervention_id=target,
            principal_id=w["tech2"],
            expected_updated_at=loaded - timedelta(seconds=1),
        )
    principal = session.execute(
        text("SELECT technicien_id FROM interventions WHERE id = :i"), {"i": target}
    ).scalar_one()
    assert principal == w["tech1"]


def test_a_technician_or_a_client_cannot_assign(session: Session):
    conn = session.connection()
    w = world(conn)
    target = make_intervention(conn, w["equip1"])
    act_as(session, w["actor_tech1"])
    for actor in (w["actor_tech1"], w["actor_client1"]):
        with pytest.raises(ServiceError) as err:
            assign(session=session, actor=actor, intervention_id=target, principal_id=w["tech1"])
        assert err.value.rule == "role"
    # and through the app role, the database refuses the write itself
    for statement in (
        "UPDATE interventions SET technicien_id = :t WHERE id = :i",
        "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
        " VALUES (:i, :t, 'assistant')",
    ):
        nested = session.begin_nested()
        with pytest.raises(Exception) as exc:
            session.execute(text(statement), {"t": w["tech2"], "i": w["interv1"]})
        nested.rollback()
        assert getattr(exc.value, "orig", exc.value).sqlstate == "42501"
