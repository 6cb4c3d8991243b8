"""Notifications written by the database: client request, assignment, status change, late
deadlines (once per user), and the thread's audit row."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.interventions.service import change_statut, create_intervention
from tests.conftest import act_as, sql_error
from tests.factories import insert, make_intervention, make_user, world


def _notes(session: Session, kind: str, intervention_id: int) -> list[int]:
    return list(
        session.execute(
            text(
                "SELECT user_id FROM notifications WHERE intervention_id = :i"
                " AND metadata->>'kind' = :k ORDER BY user_id"
            ),
            {"i": intervention_id, "k": kind},
        ).scalars()
    )


def test_a_client_request_notifies_every_active_manager(session: Session):
    conn = session.connection()
    w = world(conn)
    inactive = make_user(conn, "responsable", is_active=False)
    managers = set(
        conn.execute(
            text("SELECT id FROM users WHERE role IN ('admin', 'responsable') AND is_active")
        ).scalars()
    )
    act_as(session, w["actor_client1"])
    new_id = create_intervention(
        session=session,
        actor=w["actor_client1"],
        data={"equipement_id": w["equip1"], "titre": "Bruit anormal"},
    )
    session.execute(text("RESET ROLE"))
    notified = set(_notes(session, "demande_client", new_id))
    assert notified == managers and inactive not in notified


def test_a_status_change_notifies_the_client_contact_but_not_the_client_acting(
    session: Session,
):
    conn = session.connection()
    w = world(conn)
    client_user = conn.execute(
        text("SELECT user_id FROM clients WHERE id = :c"), {"c": w["client1"]}
    ).scalar_one()
    act_as(session, w["actor_tech1"])
    change_statut(
        session=session, actor=w["actor_tech1"], intervention_id=w["interv1"], statut="en_cours"
    )
    session.execute(text("RESET ROLE"))
    assert _notes(session, "statut", w["interv1"]) == [client_user]


def test_clients_and_technicians_cannot_write_notifications_themselves(session: Session):
    conn = session.connection()
    w = world(conn)
    for actor in (w["actor_client1"], w["actor_tech1"]):
        nested = session.begin_nested()
        act_as(session, actor)
        exc = sql_error(
            session.connection(),
            "INSERT INTO notifications (user_id, titre) VALUES (:u, 'x')",
            {"u": actor.user_id},
        )
        assert getattr(exc, "orig", exc).sqlstate == "42501"
        nested.rollback()


def test_late_deadlines_are_announced_once_to_the_principal_and_the_managers(session: Session):
    conn = session.connection()
    w = world(conn)
    late = make_intervention(conn, w["equip1"], technicien_id=w["tech1"], statut="affectee")
    conn.execute(
        text(
            "UPDATE interventions SET date_creation = now() - interval '3 days',"
            " date_limite = now() - interval '1 day' WHERE id = :i"
        ),
        {"i": late},
    )
    first = conn.execute(text("SELECT notify_late_interventions()")).scalar_one()
    assert first >= 2
    tech_user = conn.execute(
        text("SELECT user_id FROM techniciens WHERE id = :t"), {"t": w["tech1"]}
    ).scalar_one()
    assert tech_user in _notes(session, "retard", late)
    assert conn.execute(text("SELECT notify_late_interventions()")).scalar_one() == 0


def test_the_late_function_is_the_owners_alone(session: Session):
    w = world(session.connection())
    act_as(session, w["actor_admin"])
    exc = sql_error(session.connection(), "SELECT notify_late_interventions()")
    assert getattr(exc, "orig", exc).sqlstate == "42501"


def test_a_message_in_an_interventions_thread_leaves_an_audit_row(session: Session):
    conn = session.connection()
    w = world(conn)
    conv = insert(conn, "conversations", titre="Fil", intervention_id=w["interv1"])
    act_as(session, w["actor_resp"])
    session.execute(
        text("INSERT INTO messages (conversation_id, user_id, contenu) VALUES (:c, :u, 'Vu')"),
        {"c": conv, "u": w["actor_resp"].user_id},
    )
    row = session.execute(
        text(
            "SELECT user_id, description FROM historiques_interventions"
            " WHERE intervention_id = :i AND action = 'ajout_commentaire'"
        ),
        {"i": w["interv1"]},
    ).one()
    assert row.user_id == w["actor_resp"].user_id and "Vu" in row.description
    # no role writes audit rows directly
    exc = sql_error(
        session.connection(),
        "INSERT INTO historiques_interventions (intervention_id, action) VALUES (:i, 'creation')",
        {"i": w["interv1"]},
    )
    assert getattr(exc, "orig", exc).sqlstate == "42501"


def test_a_client_files_a_photo_with_its_own_request_only(session: Session):
    conn = session.connection()
    w = world(conn)
    mine = make_intervention(conn, w["equip1"])
    act_as(session, w["actor_client1"])
    session.execute(
        text(
            "INSERT INTO documents (intervention_id, nom_fichier, chemin, type_document)"
            " VALUES (:i, 'photo.jpg', 'x', 'photo')"
        ),
        {"i": mine},
    )
    exc = sql_error(
        session.connection(),
        "INSERT INTO documents (intervention_id, nom_fichier, chemin, type_document)"
        " VALUES (:i, 'photo.jpg', 'x', 'photo')",
        {"i": w["interv2"]},
    )
    assert getattr(exc, "orig", exc).sqlstate in ("42501", "23503")
