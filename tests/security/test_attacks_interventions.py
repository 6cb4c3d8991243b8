"""Attacks on the interventions workflow, replayed through the app role: each must fail.

The access matrix lets clients, technicians and managers write ``interventions``,
``intervention_techniciens``, ``intervention_competences`` and ``notifications`` each a
little; these are the writes it must still refuse, by hand-written SQL (as a bug in a page
would send it) and through the services (which must refuse first, in French). The attacks
already replayed elsewhere are not repeated here: a client's insert or update on another
client's rows (tests/security/test_rls.py), the columns of an intervention each role may change
(tests/interventions/test_role_guard.py), the principal's row kept by the database
(tests/interventions/test_rules.py), clients and technicians writing their own notifications
(tests/interventions/test_notifications.py), assignment by a technician or a client
(tests/interventions/test_dispatch.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.errors import ConflictError, ServiceError, describe
from db.interventions.service import change_statut, create_intervention, update_intervention
from tests.conftest import ENGLISH_MARKERS, act_as, sql_error, touches_nothing, visible_rows
from tests.factories import insert, make_intervention, world


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    """``world`` plus an open request of each client, a required skill on each client's
    intervention and a notification for each of the two clients."""
    w = world(conn)
    w["open1"] = make_intervention(conn, w["equip1"], statut="ouverte")
    w["open2"] = make_intervention(conn, w["equip2"], statut="ouverte")
    w["skill"] = insert(conn, "competences", nom="Hydraulique attaque")
    for i in (w["interv1"], w["interv2"]):
        conn.execute(
            text(
                "INSERT INTO intervention_competences (intervention_id, competence_id)"
                " VALUES (:i, :c)"
            ),
            {"i": i, "c": w["skill"]},
        )
    for who in ("client1", "client2"):
        w[f"note_{who}"] = insert(
            conn, "notifications", user_id=w[f"actor_{who}"].user_id, titre="Demande reçue"
        )
    w["note_tech1"] = insert(
        conn, "notifications", user_id=w["actor_tech1"].user_id, titre="Affectation"
    )
    return w


def params(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "i1": w["interv1"],
        "i2": w["interv2"],
        "o1": w["open1"],
        "o2": w["open2"],
        "e1": w["equip1"],
        "e2": w["equip2"],
        "c1": w["client1"],
        "c2": w["client2"],
        "t1": w["tech1"],
        "t2": w["tech2"],
        "k": w["skill"],
        "u1": w["actor_client1"].user_id,
        "u2": w["actor_client2"].user_id,
        "ut1": w["actor_tech1"].user_id,
        "n1": w["note_client1"],
        "n2": w["note_client2"],
        "nt1": w["note_tech1"],
    }


def refused(conn: Connection, statement: str, p: dict[str, Any]) -> None:
    """The database refuses the statement, and the app can say why in French."""
    exc = sql_error(conn, statement, p)
    orig = getattr(exc, "orig", exc)
    assert orig.sqlstate in ("42501", "23514", "23503"), orig
    message = describe(exc).message
    assert message and not any(m in message.lower() for m in ENGLISH_MARKERS), message


def french(exc: ServiceError) -> str:
    messages = " ".join([exc.message, *getattr(exc, "errors", {}).values()])
    assert messages.strip() and not any(m in messages.lower() for m in ENGLISH_MARKERS)
    return messages


# --- clients -----------------------------------------------------------------------------


def test_a_client_cannot_file_a_request_billed_to_another_client(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    refused(
        conn,
        "INSERT INTO interventions (equipement_id, client_id, titre) VALUES (:e1, :c2, 'x')",
        params(w),
    )


@pytest.mark.parametrize(
    "assignment",
    [
        "priorite = 'urgente', date_limite = now() + interval '1 day'",
        "date_planifiee = now() + interval '1 day'",
        "equipement_id = :e2",
        "client_id = :c2",
        "cout_estime = 0",
        "notes_techniques = 'x'",
    ],
)
def test_a_client_changes_nothing_of_its_request_but_the_request_itself(
    conn: Connection, w: dict[str, Any], assignment: str
) -> None:
    act_as(conn, w["actor_client1"])
    p = params(w)
    nested = conn.begin_nested()
    try:
        result = conn.execute(text(f"UPDATE interventions SET {assignment} WHERE id = :o1"), p)
        assert result.rowcount == 0, assignment
    except Exception as exc:  # refused: by the role guard, a rule, or row-level security
        assert getattr(getattr(exc, "orig", exc), "sqlstate", None) in ("42501", "23514"), exc
    finally:
        nested.rollback()


@pytest.mark.parametrize("statut", ["affectee", "en_cours", "en_attente", "cloturee", "archivee"])
def test_a_client_moves_its_open_request_only_to_cancelled(
    conn: Connection, w: dict[str, Any], statut: str
) -> None:
    act_as(conn, w["actor_client1"])
    refused(conn, f"UPDATE interventions SET statut = '{statut}' WHERE id = :o1", params(w))


def test_a_client_cancels_neither_an_assigned_intervention_nor_another_clients_request(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    p = params(w)
    refused(conn, "UPDATE interventions SET statut = 'annulee' WHERE id = :i1", p)
    touches_nothing(conn, "UPDATE interventions SET statut = 'annulee' WHERE id = :o2", p)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
        " VALUES (:o1, :t1, 'assistant')",
        "UPDATE intervention_techniciens SET technicien_id = :t2 WHERE intervention_id = :i1",
        "DELETE FROM intervention_techniciens WHERE intervention_id = :i1",
        "INSERT INTO intervention_competences (intervention_id, competence_id) VALUES (:o1, :k)",
        "UPDATE intervention_competences SET niveau_requis = 'debutant'",
        "DELETE FROM intervention_competences WHERE intervention_id = :i1",
    ],
)
def test_a_client_neither_staffs_nor_reskills_its_interventions(
    conn: Connection, w: dict[str, Any], statement: str
) -> None:
    act_as(conn, w["actor_client1"])
    touches_nothing(conn, statement, params(w))
    if statement.startswith("INSERT"):
        refused(conn, statement, params(w))


def test_a_client_reads_the_skills_and_staff_of_its_own_interventions_only(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    p = params(w)
    for table in ("intervention_competences", "intervention_techniciens"):
        mine = f"SELECT count(*) FROM {table} WHERE intervention_id = :i1"
        theirs = f"SELECT count(*) FROM {table} WHERE intervention_id = :i2"
        assert visible_rows(conn, mine, p) == 1, table
        assert visible_rows(conn, theirs, p) == 0, table


# --- technicians -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        # joining someone else's job, or adding a helper to one's own: a manager's decision
        "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
        " VALUES (:i2, :t1, 'assistant')",
        "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
        " VALUES (:i1, :t2, 'assistant')",
        "UPDATE intervention_techniciens SET technicien_id = :t1 WHERE intervention_id = :i2",
        "DELETE FROM intervention_techniciens WHERE intervention_id = :i1",
        "INSERT INTO intervention_competences (intervention_id, competence_id) VALUES (:i1, :k)",
        "UPDATE intervention_competences SET niveau_requis = 'debutant'"
        " WHERE intervention_id = :i1",
        "DELETE FROM intervention_competences WHERE intervention_id = :i1",
    ],
)
def test_a_technician_neither_assigns_nor_changes_required_skills(
    conn: Connection, w: dict[str, Any], statement: str
) -> None:
    act_as(conn, w["actor_tech1"])
    touches_nothing(conn, statement, params(w))
    if statement.startswith("INSERT"):
        refused(conn, statement, params(w))


@pytest.mark.parametrize(
    "assignment",
    [
        "statut = 'en_cours'",
        "solution = 'x', statut = 'cloturee'",
        "technicien_id = :t1",
        "date_limite = now() + interval '30 days'",
    ],
)
def test_a_technician_moves_or_takes_no_intervention_of_another(
    conn: Connection, w: dict[str, Any], assignment: str
) -> None:
    act_as(conn, w["actor_tech1"])
    touches_nothing(conn, f"UPDATE interventions SET {assignment} WHERE id = :i2", params(w))
    touches_nothing(conn, f"UPDATE interventions SET {assignment} WHERE id = :o2", params(w))


def test_a_technician_takes_no_open_request_for_themselves(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    touches_nothing(
        conn,
        "UPDATE interventions SET technicien_id = :t1, statut = 'affectee' WHERE id = :o1",
        params(w),
    )


# --- notifications -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["client1", "tech1"])
def test_nobody_but_a_manager_notifies_someone_else(
    conn: Connection, w: dict[str, Any], who: str
) -> None:
    act_as(conn, w[f"actor_{who}"])
    target = "ut1" if who == "client1" else "u1"
    refused(
        conn,
        f"INSERT INTO notifications (user_id, titre) VALUES (:{target}, 'Faux message')",
        params(w),
    )


@pytest.mark.parametrize("who", ["client1", "tech1", "resp", "admin"])
def test_nobody_marks_reads_or_deletes_another_users_notification(
    conn: Connection, w: dict[str, Any], who: str
) -> None:
    act_as(conn, w[f"actor_{who}"])
    p = params(w)
    other = "n2" if who == "client1" else "n1"
    touches_nothing(conn, f"UPDATE notifications SET lu = true WHERE id = :{other}", p)
    touches_nothing(conn, f"DELETE FROM notifications WHERE id = :{other}", p)
    assert visible_rows(conn, f"SELECT count(*) FROM notifications WHERE id = :{other}", p) == 0


@pytest.mark.parametrize(
    "assignment",
    ["titre = 'Facture annulée'", "message = 'x'", "user_id = :u2", "intervention_id = :i2"],
)
def test_a_user_only_marks_their_own_notification_read(
    conn: Connection, w: dict[str, Any], assignment: str
) -> None:
    act_as(conn, w["actor_client1"])
    p = params(w)
    done = conn.execute(text("UPDATE notifications SET lu = true WHERE id = :n1"), p)
    assert done.rowcount == 1
    refused(conn, f"UPDATE notifications SET {assignment} WHERE id = :n1", p)


# --- the services refuse first, in French, and write nothing -------------------------------


def _count(session: Session, table: str) -> int:
    return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_the_services_refuse_a_clients_attempts_in_french(session: Session) -> None:
    w = world(session.connection())
    open1 = make_intervention(session.connection(), w["equip1"], statut="ouverte")
    act_as(session, w["actor_client1"])
    client = w["actor_client1"]
    before = _count(session, "interventions")
    for data in (
        {"equipement_id": w["equip2"], "titre": "x"},  # another client's machine
        {"equipement_id": w["equip1"], "titre": "x", "client_id": w["client2"]},
        {"equipement_id": w["equip1"], "titre": "x", "statut": "cloturee"},
        {"equipement_id": w["equip1"], "titre": "x", "priorite": "urgente"},
    ):
        with pytest.raises(ServiceError) as err:
            create_intervention(session=session, actor=client, data=data)
        french(err.value)
    assert _count(session, "interventions") == before
    for target in ("en_cours", "cloturee", "archivee"):
        with pytest.raises(ServiceError) as err:
            change_statut(session=session, actor=client, intervention_id=open1, statut=target)
        assert "non autorisé" in french(err.value)
    with pytest.raises(ServiceError) as err:  # another client's: as if it did not exist
        change_statut(session=session, actor=client, intervention_id=w["interv2"], statut="annulee")
    assert "introuvable" in french(err.value)
    with pytest.raises(ServiceError) as err:
        update_intervention(
            session=session,
            actor=client,
            intervention_id=open1,
            data={"titre": "x"},
            expected_updated_at=None,
        )
    french(err.value)


def test_the_services_refuse_a_technicians_attempts_in_french(session: Session) -> None:
    w = world(session.connection())
    act_as(session, w["actor_tech1"])
    tech = w["actor_tech1"]
    for data in ({"diagnostic": "x"}, {"technicien_id": w["tech1"]}):
        with pytest.raises(ServiceError) as err:
            update_intervention(
                session=session,
                actor=tech,
                intervention_id=w["interv2"],
                data=data,
                expected_updated_at=None,
            )
        french(err.value)
    with pytest.raises(ServiceError) as err:
        update_intervention(
            session=session,
            actor=tech,
            intervention_id=w["interv1"],
            data={"date_limite": None, "priorite": "urgente"},
            expected_updated_at=None,
        )
    french(err.value)
    with pytest.raises(ServiceError) as err:
        change_statut(session=session, actor=tech, intervention_id=w["interv2"], statut="en_cours")
    french(err.value)


@pytest.mark.parametrize("stamp", ["hier", "31/12/2100", "2024-13-45", 42, 1e20])
def test_a_tampered_version_stamp_is_a_conflict_not_a_crash(session: Session, stamp: Any) -> None:
    w = world(session.connection())
    act_as(session, w["actor_resp"])
    with pytest.raises(ConflictError) as err:
        update_intervention(
            session=session,
            actor=w["actor_resp"],
            intervention_id=w["interv1"],
            data={"titre": "Nouveau titre"},
            expected_updated_at=stamp,
        )
    assert "rechargez" in french(err.value)
