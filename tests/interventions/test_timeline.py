"""The audit trail as a French timeline: who, when, what, with names rather than ids."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.interventions.service import thread, timeline
from db.session import apply_actor
from tests.conftest import act_as
from tests.factories import world


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    w = world(conn)
    names = dict(
        conn.execute(
            text(
                "SELECT t.id, u.full_name FROM techniciens t JOIN users u ON u.id = t.user_id"
                " WHERE t.id IN (:a, :b)"
            ),
            {"a": w["tech1"], "b": w["tech2"]},
        ).all()
    )
    w["names"] = names
    # The manager moves the work to technician 2, then starts it (audit rows in their name).
    apply_actor(conn, w["actor_resp"])
    conn.execute(
        text("UPDATE interventions SET technicien_id = :t WHERE id = :i"),
        {"t": w["tech2"], "i": w["interv1"]},
    )
    conn.execute(
        text("UPDATE interventions SET statut = 'en_cours', priorite = 'haute' WHERE id = :i"),
        {"i": w["interv1"]},
    )
    return w


def test_the_timeline_reads_in_french_with_names(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    thread.post_message(
        session=session, actor=w["actor_client1"], intervention_id=w["interv1"], contenu="Merci"
    )
    page = timeline.list_timeline(session=session, intervention_id=w["interv1"])
    entries = page["entries"]
    assert [e["action"] for e in entries][:3] == [
        "ajout_commentaire",
        "changement_statut",
        "affectation",
    ]
    comment, status, assign = entries[:3]
    assert comment["action_libelle"] == "Commentaire"
    assert comment["qui"].startswith("Test Client")
    assert comment["changements"] == []
    assert status["action_libelle"] == "Changement de statut"
    assert status["description"] == "Statut : Affectée → En cours"
    assert status["qui"].startswith("Test Responsable")
    changes = {c["libelle"]: (c["avant"], c["apres"]) for c in status["changements"]}
    assert changes["Statut"] == ("Affectée", "En cours")
    assert changes["Priorité"] == ("Normale", "Haute")
    assert "Début" in changes  # date_debut set by the status trigger, shown as a French date
    assert changes["Début"][0] == "—" and changes["Début"][1][2] == "/"
    assign_changes = {c["libelle"]: (c["avant"], c["apres"]) for c in assign["changements"]}
    assert assign_changes["Technicien principal"] == (
        w["names"][w["tech1"]],
        w["names"][w["tech2"]],
    )
    creation = entries[-1]
    assert creation["action_libelle"] == "Création"
    assert any(c["libelle"] == "Équipement" and c["apres"].startswith("Compresseur")
               for c in creation["changements"])  # fmt: skip
    assert page["has_more"] is False
    assert entries[0]["quand_texte"][2] == "/"


def test_the_timeline_is_paged_newest_first(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    first = timeline.list_timeline(session=session, intervention_id=w["interv1"], page_size=2)
    assert len(first["entries"]) == 2 and first["has_more"]
    second = timeline.list_timeline(
        session=session, intervention_id=w["interv1"], page=2, page_size=2
    )
    assert {e["id"] for e in first["entries"]}.isdisjoint(e["id"] for e in second["entries"])
    assert first["entries"][0]["quand"] >= second["entries"][0]["quand"]
    huge = timeline.list_timeline(
        session=session, intervention_id=w["interv1"], page=10**20, page_size=10**9
    )
    assert huge["entries"] == [] and huge["page"] == 1000


def test_a_motif_is_kept_as_typed(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    conn.execute(text("SELECT set_config('app.motif_statut', 'pièce en_cours de livraison', true)"))
    conn.execute(
        text("UPDATE interventions SET statut = 'en_attente' WHERE id = :i"), {"i": w["interv1"]}
    )
    act_as(conn, w["actor_resp"])
    top = timeline.list_timeline(session=session, intervention_id=w["interv1"])["entries"][0]
    assert (
        top["description"] == "Statut : En cours → En attente — motif : pièce en_cours de livraison"
    )


def test_another_clients_timeline_is_not_shown(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client2"])
    with pytest.raises(ServiceError, match="Intervention introuvable"):
        timeline.list_timeline(session=session, intervention_id=w["interv1"])
