"""The checklist of an intervention: add, tick, re-order, delete (managers), progress."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.interventions.service import checklist
from tests.conftest import act_as, sql_error
from tests.factories import make_intervention, world


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    return world(conn)


def add(session: Session, w: dict[str, Any], actor: str, description: Any, **kw: Any) -> int:
    return checklist.add_task(
        session=session,
        actor=w[actor],
        intervention_id=kw.pop("intervention_id", w["interv1"]),
        description=description,
        **kw,
    )


def test_a_technician_builds_and_ticks_the_checklist(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    a = add(session, w, "actor_tech1", "Consigner la machine", date_echeance="31/12/2026")
    b = add(session, w, "actor_tech1", "Remplacer le roulement <script>x</script> 🔧")
    tasks = checklist.list_tasks(session=session, intervention_id=w["interv1"])
    assert [(t["id"], t["ordre"], t["statut"]) for t in tasks] == [
        (a, 1, "a_faire"),
        (b, 2, "a_faire"),
    ]
    assert tasks[0]["date_echeance"] == date(2026, 12, 31)
    assert tasks[1]["description"] == "Remplacer le roulement <script>x</script> 🔧"
    assert checklist.set_task_done(
        session=session, actor=w["actor_tech1"], task_id=a, done=True
    ) == ("terminee")
    progress = checklist.checklist_progress(
        session=session, intervention_ids=[w["interv1"], w["interv2"]]
    )
    assert progress == {w["interv1"]: (1, 2)}
    checklist.set_task_done(session=session, actor=w["actor_tech1"], task_id=a, done=False)
    assert checklist.checklist_progress(session=session, intervention_ids=[w["interv1"]]) == {
        w["interv1"]: (0, 2)
    }


def test_tasks_are_reordered(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_resp"])
    ids = [add(session, w, "actor_resp", f"Étape {i}") for i in range(3)]
    assert checklist.move_task(
        session=session, actor=w["actor_resp"], task_id=ids[2], direction="up"
    ) == [ids[0], ids[2], ids[1]]
    # Moving the first one up changes nothing.
    assert checklist.move_task(
        session=session, actor=w["actor_resp"], task_id=ids[0], direction="up"
    ) == [ids[0], ids[2], ids[1]]
    new = [ids[1], ids[0], ids[2]]
    checklist.reorder_tasks(
        session=session, actor=w["actor_resp"], intervention_id=w["interv1"], task_ids=new
    )
    assert [
        t["id"] for t in checklist.list_tasks(session=session, intervention_id=w["interv1"])
    ] == new
    with pytest.raises(ServiceError, match="rechargez"):
        checklist.reorder_tasks(
            session=session,
            actor=w["actor_resp"],
            intervention_id=w["interv1"],
            task_ids=[ids[0], ids[0], ids[1]],
        )
    with pytest.raises(ServiceError, match="Direction"):
        checklist.move_task(session=session, actor=w["actor_resp"], task_id=ids[0], direction="x")


@pytest.mark.parametrize(
    ("description", "extra", "message"),
    [
        ("", {}, "Description : champ obligatoire"),
        ("   ", {}, "champ obligatoire"),
        ("x" * 2001, {}, "2 000 caractères au maximum"),
        ("ok\x00", {}, "caractères de contrôle"),
        ("ok", {"date_echeance": "32/13/2026"}, "Échéance : date invalide"),
    ],
)
def test_bad_tasks_are_refused_in_french_and_nothing_is_written(
    session: Session,
    conn: Connection,
    w: dict[str, Any],
    description: str,
    extra: Any,
    message: str,
) -> None:
    act_as(conn, w["actor_resp"])
    with pytest.raises(ServiceError, match=message):
        add(session, w, "actor_resp", description, **extra)
    assert checklist.list_tasks(session=session, intervention_id=w["interv1"]) == []


def test_who_may_change_the_checklist(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_resp"])
    task = add(session, w, "actor_resp", "Contrôle final")
    act_as(conn, w["actor_tech2"])
    with pytest.raises(ServiceError, match="pas affecté"):
        add(session, w, "actor_tech2", "Intrus")
    with pytest.raises(ServiceError, match="pas affecté"):
        checklist.set_task_done(session=session, actor=w["actor_tech2"], task_id=task, done=True)
    act_as(conn, w["actor_tech1"])
    with pytest.raises(ServiceError, match="suppriment une tâche"):
        checklist.delete_task(session=session, actor=w["actor_tech1"], task_id=task)
    act_as(conn, w["actor_client1"])
    assert [
        t["id"] for t in checklist.list_tasks(session=session, intervention_id=w["interv1"])
    ] == [task]
    with pytest.raises(ServiceError, match="ne permet pas"):
        add(session, w, "actor_client1", "Demande")
    with pytest.raises(ServiceError, match="Intervention introuvable"):
        checklist.list_tasks(session=session, intervention_id=w["interv2"])
    act_as(conn, w["actor_resp"])
    checklist.delete_task(session=session, actor=w["actor_resp"], task_id=task)
    assert checklist.list_tasks(session=session, intervention_id=w["interv1"]) == []


def test_a_cancelled_interventions_checklist_is_frozen(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    cancelled = make_intervention(conn, w["equip1"], statut="annulee")
    act_as(conn, w["actor_admin"])
    with pytest.raises(ServiceError, match="annulée ou archivée"):
        add(session, w, "actor_admin", "Trop tard", intervention_id=cancelled)


def test_progress_takes_a_bounded_list_of_ids(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    assert checklist.checklist_progress(session=session, intervention_ids=[]) == {}
    with pytest.raises(ServiceError, match="Au plus 200"):
        checklist.checklist_progress(session=session, intervention_ids=list(range(1, 300)))
    with pytest.raises(ServiceError):
        checklist.checklist_progress(session=session, intervention_ids="1,2")


def test_attack_a_technician_ticks_a_task_of_an_intervention_not_theirs(
    conn: Connection, w: dict[str, Any]
) -> None:
    task = conn.execute(
        text("INSERT INTO taches (intervention_id, description) VALUES (:i, 'x') RETURNING id"),
        {"i": w["interv2"]},
    ).scalar_one()
    act_as(conn, w["actor_tech1"])
    nested = conn.begin_nested()
    result = conn.execute(text("UPDATE taches SET statut = 'terminee' WHERE id = :t"), {"t": task})
    assert result.rowcount == 0
    nested.rollback()
    exc = sql_error(conn, "DELETE FROM taches WHERE id = :t", {"t": task})
    assert getattr(exc, "orig", exc).sqlstate == "42501"
