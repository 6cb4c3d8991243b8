"""Interventions service, write side: create, edit, change status (every role, every refusal)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.errors import ConflictError, ServiceError, ValidationError
from db.interventions.service import (
    allowed_transitions,
    allowed_transitions_of,
    change_statut,
    create_intervention,
    update_intervention,
)
from db.validation import BUSINESS_TZ
from tests.conftest import act_as
from tests.factories import insert, make_equipement, world


def _count(session: Session, sql: str, **p: object) -> int:
    return int(session.execute(text(sql), p).scalar_one())


def test_a_manager_creates_an_intervention_with_its_required_skills(session: Session):
    w = world(session.connection())
    comp = insert(session.connection(), "competences", nom="Hydraulique test")
    act_as(session, w["actor_resp"])
    new_id = create_intervention(
        session=session,
        actor=w["actor_resp"],
        data={
            "equipement_id": w["equip1"],
            "titre": "Fuite d'huile <script>alert(1)</script> 🛠",
            "priorite": "haute",
            "date_limite": datetime.now(BUSINESS_TZ) + timedelta(days=3),
            "competences": [(comp, "avance"), (comp, "debutant")],
        },
    )
    row = session.execute(
        text("SELECT statut, client_id, titre FROM interventions WHERE id = :i"), {"i": new_id}
    ).one()
    assert row.statut == "ouverte" and row.client_id == w["client1"]
    assert "<script>" in row.titre  # stored as typed; the page escapes it
    niveau = session.execute(
        text("SELECT niveau_requis FROM intervention_competences WHERE intervention_id = :i"),
        {"i": new_id},
    ).scalar_one()
    assert niveau == "avance"


def test_a_client_files_a_request_on_its_own_machine_that_lands_open(session: Session):
    w = world(session.connection())
    act_as(session, w["actor_client1"])
    new_id = create_intervention(
        session=session,
        actor=w["actor_client1"],
        data={"equipement_id": w["equip1"], "titre": "La pompe vibre", "urgence": True},
    )
    statut = session.execute(
        text("SELECT statut FROM interventions WHERE id = :i"), {"i": new_id}
    ).scalar_one()
    assert statut == "ouverte"


def test_a_client_cannot_file_on_another_clients_machine_and_nothing_is_written(
    session: Session,
):
    w = world(session.connection())
    act_as(session, w["actor_client1"])
    before = _count(session, "SELECT count(*) FROM interventions")
    with pytest.raises(ValidationError) as err:
        create_intervention(
            session=session,
            actor=w["actor_client1"],
            data={"equipement_id": w["equip2"], "titre": "Intrusion"},
        )
    assert err.value.errors["equipement_id"] == "Équipement introuvable."
    assert _count(session, "SELECT count(*) FROM interventions") == before


def test_a_client_may_not_fill_in_a_deadline_or_skills(session: Session):
    w = world(session.connection())
    act_as(session, w["actor_client1"])
    with pytest.raises(ValidationError) as err:
        create_intervention(
            session=session,
            actor=w["actor_client1"],
            data={
                "equipement_id": w["equip1"],
                "titre": "x",
                "date_limite": datetime.now(BUSINESS_TZ) + timedelta(days=1),
                "competences": [(1, "expert")],
            },
        )
    assert set(err.value.errors) == {"date_limite", "competences"}


def test_bad_fields_are_all_reported_in_french_beside_their_field(session: Session):
    w = world(session.connection())
    act_as(session, w["actor_admin"])
    with pytest.raises(ValidationError) as err:
        create_intervention(
            session=session,
            actor=w["actor_admin"],
            data={
                "equipement_id": w["equip1"],
                "titre": "   ",
                "description": "x" * 10_000,
                "priorite": "cosmique",
                "date_limite": datetime.now(BUSINESS_TZ) - timedelta(days=1),
            },
        )
    errors = err.value.errors
    assert errors["titre"] == "Titre : champ obligatoire."
    assert "5 000 caractères au maximum" in errors["description"]
    assert "valeur inconnue" in errors["priorite"]
    # the deadline check runs once the other fields are right
    with pytest.raises(ValidationError) as err2:
        create_intervention(
            session=session,
            actor=w["actor_admin"],
            data={
                "equipement_id": w["equip1"],
                "titre": "ok",
                "date_limite": datetime.now(BUSINESS_TZ) - timedelta(days=1),
            },
        )
    assert "précéder la création" in err2.value.errors["date_limite"]


def test_no_intervention_on_a_retired_or_unknown_machine(session: Session):
    w = world(session.connection())
    retired = make_equipement(session.connection(), w["client1"], statut="retire")
    act_as(session, w["actor_admin"])
    with pytest.raises(ValidationError) as err:
        create_intervention(
            session=session, actor=w["actor_admin"], data={"equipement_id": retired, "titre": "t"}
        )
    assert "retiré" in err.value.errors["equipement_id"]
    with pytest.raises(ValidationError) as err:
        create_intervention(
            session=session,
            actor=w["actor_admin"],
            data={"equipement_id": 2_000_000_000, "titre": "t"},
        )
    assert err.value.errors["equipement_id"] == "Équipement introuvable."


def test_a_technician_opens_a_diagnostic_only_on_a_machine_they_work_on(session: Session):
    w = world(session.connection())
    act_as(session, w["actor_tech1"])
    new_id = create_intervention(
        session=session,
        actor=w["actor_tech1"],
        data={"equipement_id": w["equip1"], "titre": "Diagnostic roulement"},
    )
    row = session.execute(
        text("SELECT type_intervention, technicien_id FROM interventions WHERE id = :i"),
        {"i": new_id},
    ).one()
    assert row.type_intervention == "diagnostic" and row.technicien_id == w["tech1"]
    with pytest.raises(ServiceError) as err:
        create_intervention(
            session=session,
            actor=w["actor_tech1"],
            data={"equipement_id": w["equip2"], "titre": "Pas ma machine"},
        )
    assert err.value.rule == "intervention_droits_role"


def test_a_manager_edits_the_actual_duration_and_a_stale_edit_is_refused(session: Session):
    w = world(session.connection())
    act_as(session, w["actor_resp"])
    loaded = session.execute(
        text("SELECT updated_at FROM interventions WHERE id = :i"), {"i": w["interv1"]}
    ).scalar_one()
    new = update_intervention(
        session=session,
        actor=w["actor_resp"],
        intervention_id=w["interv1"],
        data={"duree_reelle": "3.5", "titre": "Titre revu"},
        expected_updated_at=loaded,
    )
    assert new is not None
    # A value read before someone else's save (updated_at is the saving transaction's time).
    stale = loaded - timedelta(seconds=5)
    with pytest.raises(ConflictError) as err:
        update_intervention(
            session=session,
            actor=w["actor_resp"],
            intervention_id=w["interv1"],
            data={"titre": "Écrasement"},
            expected_updated_at=stale,
        )
    assert "rechargez" in err.value.message
    titre = session.execute(
        text("SELECT titre FROM interventions WHERE id = :i"), {"i": w["interv1"]}
    ).scalar_one()
    assert titre == "Titre revu"


def test_a_technician_edits_only_the_diagnostic_of_their_own_intervention(session: Session):
    w = world(session.connection())
    act_as(session, w["actor_tech1"])
    update_intervention(
        session=session,
        actor=w["actor_tech1"],
        intervention_id=w["interv1"],
        data={"diagnostic": "Roulement usé"},
        expected_updated_at=None,
    )
    with pytest.raises(ValidationError):
        update_intervention(
            session=session,
            actor=w["actor_tech1"],
            intervention_id=w["interv1"],
            data={"date_limite": None},
            expected_updated_at=None,
        )
    with pytest.raises(ServiceError):
        update_intervention(
            session=session,
            actor=w["actor_tech1"],
            intervention_id=w["interv2"],
            data={"diagnostic": "pas à moi"},
            expected_updated_at=None,
        )


def test_allowed_transitions_follow_the_state_machine_and_the_role(session: Session):
    w = world(session.connection())
    act_as(session, w["actor_tech1"])
    assert allowed_transitions(
        session=session, actor=w["actor_tech1"], intervention=w["interv1"]
    ) == ("en_cours",)
    assert (
        allowed_transitions(session=session, actor=w["actor_tech1"], intervention=w["interv2"])
        == ()
    )
    row = {"id": w["interv1"], "statut": "affectee", "client_id": w["client1"]}
    assert set(allowed_transitions(session=session, actor=w["actor_admin"], intervention=row)) == {
        "en_cours",
        "ouverte",
        "annulee",
    }
    assert allowed_transitions(session=session, actor=w["actor_client1"], intervention=row) == ()


def test_the_moves_of_many_rows_are_those_of_each_row_in_one_query(session: Session):
    w = world(session.connection())
    rows = [
        dict(
            session.execute(
                text("SELECT id, statut::text AS statut, client_id FROM interventions WHERE id=:i"),
                {"i": i},
            )
            .mappings()
            .one()
        )
        for i in (w["interv1"], w["interv2"])
    ]
    for who in ("actor_tech1", "actor_admin", "actor_client1"):
        actor = w[who]
        act_as(session, actor)
        one_by_one = {
            r["id"]: allowed_transitions(session=session, actor=actor, intervention=r) for r in rows
        }
        assert allowed_transitions_of(session=session, actor=actor, rows=rows) == one_by_one
    assert allowed_transitions_of(session=session, actor=w["actor_admin"], rows=[]) == {}


def test_a_technician_starts_pauses_with_a_motif_resumes_and_closes_with_a_solution(
    session: Session,
):
    w = world(session.connection())
    act_as(session, w["actor_tech1"])
    i = w["interv1"]
    change_statut(session=session, actor=w["actor_tech1"], intervention_id=i, statut="en_cours")
    with pytest.raises(ValidationError) as err:
        change_statut(
            session=session, actor=w["actor_tech1"], intervention_id=i, statut="en_attente"
        )
    assert "obligatoire" in err.value.errors["motif"]
    change_statut(
        session=session,
        actor=w["actor_tech1"],
        intervention_id=i,
        statut="en_attente",
        motif="Pièce commandée",
    )
    description = session.execute(
        text(
            "SELECT description FROM historiques_interventions WHERE intervention_id = :i"
            " AND action = 'changement_statut' ORDER BY id DESC LIMIT 1"
        ),
        {"i": i},
    ).scalar_one()
    assert "motif : Pièce commandée" in description
    change_statut(session=session, actor=w["actor_tech1"], intervention_id=i, statut="en_cours")
    with pytest.raises(ValidationError) as err:
        change_statut(session=session, actor=w["actor_tech1"], intervention_id=i, statut="cloturee")
    assert "solution" in err.value.errors
    change_statut(
        session=session,
        actor=w["actor_tech1"],
        intervention_id=i,
        statut="cloturee",
        solution="Roulement remplacé",
    )
    # re-opening is for managers only
    with pytest.raises(ServiceError):
        change_statut(session=session, actor=w["actor_tech1"], intervention_id=i, statut="en_cours")


def test_a_manager_reopens_a_closed_intervention(session: Session):
    w = world(session.connection())
    conn = session.connection()
    conn.execute(
        text("UPDATE interventions SET statut = 'en_cours' WHERE id = :i"), {"i": w["interv1"]}
    )
    conn.execute(
        text("UPDATE interventions SET statut = 'cloturee', solution = 's' WHERE id = :i"),
        {"i": w["interv1"]},
    )
    act_as(session, w["actor_resp"])
    change_statut(
        session=session, actor=w["actor_resp"], intervention_id=w["interv1"], statut="en_cours"
    )


def test_a_client_cancels_only_its_own_open_request(session: Session):
    w = world(session.connection())
    mine = insert(session.connection(), "interventions", equipement_id=w["equip1"], titre="d")
    act_as(session, w["actor_client1"])
    change_statut(session=session, actor=w["actor_client1"], intervention_id=mine, statut="annulee")
    with pytest.raises(ServiceError):  # assigned already: not the client's to cancel
        change_statut(
            session=session,
            actor=w["actor_client1"],
            intervention_id=w["interv1"],
            statut="annulee",
        )
    with pytest.raises(ServiceError) as err:  # another client's: not found
        change_statut(
            session=session,
            actor=w["actor_client1"],
            intervention_id=w["interv2"],
            statut="annulee",
        )
    assert err.value.message == "Intervention introuvable."
