"""The client's rating: 1 to 5, once, on their own closed intervention; the comment kept in
the thread (and so in the audit trail); managers see both."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.interventions.service import rating, thread
from tests.conftest import act_as
from tests.factories import make_intervention, world


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    w = world(conn)
    w["closed1"] = make_intervention(conn, w["equip1"], statut="cloturee", technicien_id=w["tech1"])
    w["closed2"] = make_intervention(conn, w["equip2"], statut="cloturee", technicien_id=w["tech2"])
    return w


def rate(session: Session, w: dict[str, Any], actor: str, iid: str, note: Any, **kw: Any) -> Any:
    return rating.rate_intervention(
        session=session, actor=w[actor], intervention_id=w[iid], note=note, **kw
    )


def satisfaction(conn: Connection, iid: int) -> Any:
    conn.execute(text("SAVEPOINT look"))
    conn.execute(text("RESET ROLE"))
    v = conn.execute(
        text("SELECT satisfaction_client FROM interventions WHERE id = :i"), {"i": iid}
    ).scalar_one()
    conn.execute(text("ROLLBACK TO SAVEPOINT look"))
    return v


def test_the_client_rates_once_with_a_comment_that_managers_see(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    done = rate(
        session, w, "actor_client1", "closed1", 4, commentaire="Rapide, mais <b>bruyant</b> 🙂"
    )
    assert done["note"] == 4
    assert satisfaction(conn, w["closed1"]) == 4
    msgs = thread.list_messages(session=session, intervention_id=w["closed1"])
    assert msgs[-1]["contenu"] == "Avis du client (4/5) : Rapide, mais <b>bruyant</b> 🙂"
    with pytest.raises(ServiceError, match="déjà noté"):
        rate(session, w, "actor_client1", "closed1", 5)
    assert satisfaction(conn, w["closed1"]) == 4
    act_as(conn, w["actor_resp"])
    seen = rating.get_rating(session=session, intervention_id=w["closed1"])
    assert seen is not None
    assert (seen["note"], seen["commentaire"]) == (4, "Rapide, mais <b>bruyant</b> 🙂")


def test_a_rating_without_comment(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_client1"])
    assert rate(session, w, "actor_client1", "closed1", "5")["message_id"] is None
    seen = rating.get_rating(session=session, intervention_id=w["closed1"])
    assert seen is not None and (seen["note"], seen["commentaire"]) == (5, None)
    assert rating.get_rating(session=session, intervention_id=w["interv1"]) is None


@pytest.mark.parametrize("note", [0, 6, -1, 4.5, "", None, "cinq", 10**20])
def test_notes_outside_one_to_five_are_refused_in_french(
    session: Session, conn: Connection, w: dict[str, Any], note: Any
) -> None:
    act_as(conn, w["actor_client1"])
    with pytest.raises(ServiceError) as err:
        rate(session, w, "actor_client1", "closed1", note)
    assert err.value.message == "La note va de 1 à 5."
    assert err.value.field == "note"
    assert satisfaction(conn, w["closed1"]) is None


def test_only_the_client_rates_only_their_closed_interventions(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_resp"])
    with pytest.raises(ServiceError, match="Seul le client"):
        rate(session, w, "actor_resp", "closed1", 5)
    act_as(conn, w["actor_client1"])
    with pytest.raises(ServiceError, match="une fois clôturée"):
        rate(session, w, "actor_client1", "interv1", 5)
    with pytest.raises(ServiceError, match="Intervention introuvable"):
        rate(session, w, "actor_client1", "closed2", 5)
    with pytest.raises(ServiceError, match="2 000 caractères"):
        rate(session, w, "actor_client1", "closed1", 3, commentaire="x" * 2001)
    assert satisfaction(conn, w["closed1"]) is None
    assert satisfaction(conn, w["closed2"]) is None


def test_attack_a_client_rates_twice_or_another_clients_work_by_hand(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    conn.execute(
        text("UPDATE interventions SET satisfaction_client = 2 WHERE id = :i"),
        {"i": w["closed1"]},
    )
    nested = conn.begin_nested()
    try:
        conn.execute(
            text("UPDATE interventions SET satisfaction_client = 5 WHERE id = :i"),
            {"i": w["closed1"]},
        )
        raised = None
    except Exception as exc:  # the role guard refuses a second rating
        raised = exc
    nested.rollback()
    assert raised is not None
    assert getattr(raised, "orig", raised).sqlstate == "42501"
    result = conn.execute(
        text("UPDATE interventions SET satisfaction_client = 1 WHERE id = :i"),
        {"i": w["closed2"]},
    )
    assert result.rowcount == 0
