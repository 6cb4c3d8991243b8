"""The thread of an intervention: opened once, messages in the author's name with an audit
row, participants kept by the database, and row-level security deciding who reads and posts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.interventions.service import thread
from tests.conftest import act_as, sql_error
from tests.factories import world


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    return world(conn)


def as_owner(conn: Connection, sql: str, **params: Any) -> list[Any]:
    conn.execute(text("SAVEPOINT look"))
    conn.execute(text("RESET ROLE"))
    rows = conn.execute(text(sql), params).all()
    conn.execute(text("ROLLBACK TO SAVEPOINT look"))
    return list(rows)


def post(
    session: Session, w: dict[str, Any], actor: str, contenu: Any, iid: str = "interv1"
) -> int:
    return thread.post_message(
        session=session, actor=w[actor], intervention_id=w[iid], contenu=contenu
    )


def test_the_team_and_the_client_talk_in_one_thread(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    assert thread.list_messages(session=session, intervention_id=w["interv1"]) == []
    post(session, w, "actor_client1", "La pompe fuit encore ?")
    act_as(conn, w["actor_tech1"])
    post(session, w, "actor_tech1", "J'arrive à 14 h.")
    act_as(conn, w["actor_resp"])
    post(session, w, "actor_resp", "<script>alert('x')</script> \"ok\" 🔧")
    threads = as_owner(
        conn, "SELECT id FROM conversations WHERE intervention_id = :i", i=w["interv1"]
    )
    assert len(threads) == 1
    msgs = thread.list_messages(session=session, intervention_id=w["interv1"])
    assert [m["contenu"] for m in msgs] == [
        "La pompe fuit encore ?",
        "J'arrive à 14 h.",
        "<script>alert('x')</script> \"ok\" 🔧",
    ]
    assert msgs[0]["auteur"].startswith("Test Client")
    assert msgs[1]["role"] == "technicien"
    assert [
        m["contenu"]
        for m in thread.list_messages(session=session, intervention_id=w["interv1"], limit=1)
    ] == ["<script>alert('x')</script> \"ok\" 🔧"]
    # Participants: the technician and the client's contact from the opening, the manager
    # from their first message.
    users = {
        r[0]
        for r in as_owner(
            conn,
            "SELECT user_id FROM conversation_participants WHERE conversation_id = :c",
            c=threads[0][0],
        )
    }
    assert users == {
        w["actor_client1"].user_id,
        w["actor_tech1"].user_id,
        w["actor_resp"].user_id,
    }
    audit = as_owner(
        conn,
        "SELECT user_id, description FROM historiques_interventions"
        " WHERE intervention_id = :i AND action = 'ajout_commentaire' ORDER BY id",
        i=w["interv1"],
    )
    assert [a[0] for a in audit] == [
        w["actor_client1"].user_id,
        w["actor_tech1"].user_id,
        w["actor_resp"].user_id,
    ]


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        ("", "Message : champ obligatoire"),
        ("  \n ", "champ obligatoire"),
        ("x" * 10_001, "10 000 caractères au maximum"),
        ("a\x00b", "caractères de contrôle"),
        ("\ud800", "caractères invalides"),
        (None, "champ obligatoire"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_written(
    session: Session, conn: Connection, w: dict[str, Any], contenu: Any, message: str
) -> None:
    act_as(conn, w["actor_tech1"])
    with pytest.raises(ServiceError, match=message):
        post(session, w, "actor_tech1", contenu)
    assert (
        as_owner(conn, "SELECT id FROM conversations WHERE intervention_id = :i", i=w["interv1"])
        == []
    )


def test_a_message_of_ten_thousand_characters_is_kept_whole(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    post(session, w, "actor_tech1", "é" * 10_000)
    assert thread.list_messages(session=session, intervention_id=w["interv1"])[0]["contenu"] == (
        "é" * 10_000
    )


def test_who_may_read_and_post(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_resp"])
    post(session, w, "actor_resp", "Fil de l'intervention 2", iid="interv2")
    act_as(conn, w["actor_tech1"])
    with pytest.raises(ServiceError, match="pas affecté"):
        post(session, w, "actor_tech1", "Intrus", iid="interv2")
    act_as(conn, w["actor_client1"])
    with pytest.raises(ServiceError, match="Intervention introuvable"):
        post(session, w, "actor_client1", "Intrus", iid="interv2")
    with pytest.raises(ServiceError, match="Intervention introuvable"):
        thread.list_messages(session=session, intervention_id=w["interv2"])


def test_attack_reading_or_posting_in_another_clients_thread(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_resp"])
    post(session, w, "actor_resp", "Secret", iid="interv2")
    conv = as_owner(conn, "SELECT id FROM conversations WHERE intervention_id = :i", i=w["interv2"])
    act_as(conn, w["actor_client1"])
    assert (
        conn.execute(
            text("SELECT count(*) FROM messages WHERE conversation_id = :c"), {"c": conv[0][0]}
        ).scalar_one()
        == 0
    )
    exc = sql_error(
        conn,
        "INSERT INTO messages (conversation_id, user_id, contenu) VALUES (:c, :u, 'x')",
        {"c": conv[0][0], "u": w["actor_client1"].user_id},
    )
    assert getattr(exc, "orig", exc).sqlstate == "42501"
    # Nor in one's own thread under someone else's name.
    act_as(conn, w["actor_client1"])
    post(session, w, "actor_client1", "Bonjour")
    mine = as_owner(conn, "SELECT id FROM conversations WHERE intervention_id = :i", i=w["interv1"])
    act_as(conn, w["actor_client1"])
    exc = sql_error(
        conn,
        "INSERT INTO messages (conversation_id, user_id, contenu) VALUES (:c, :u, 'x')",
        {"c": mine[0][0], "u": w["actor_tech1"].user_id},
    )
    assert getattr(exc, "orig", exc).sqlstate == "42501"
