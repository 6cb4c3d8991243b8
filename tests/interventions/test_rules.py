"""Database rules of interventions and their technicians and tasks, checked with raw SQL.

Seed 004's client = equipment owner trigger, the status machine of DESIGN.md §3.2 with its side
effects, the seed's CHECKs, the principal technician mirrored in ``intervention_techniciens``,
contracts of the same client, and tasks about their intervention's machine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, text

from db.session import Actor
from tests.conftest import act_as, assert_refused, sql_error
from tests.factories import (
    make_client,
    make_contrat,
    make_equipement,
    make_intervention,
    make_technicien,
)

STATUTS = ("ouverte", "affectee", "en_cours", "en_attente", "cloturee", "annulee", "archivee")
# DESIGN.md §3.2
ALLOWED = {
    ("ouverte", "affectee"),
    ("ouverte", "annulee"),
    ("affectee", "en_cours"),
    ("affectee", "ouverte"),
    ("affectee", "annulee"),
    ("en_cours", "en_attente"),
    ("en_cours", "cloturee"),
    ("en_cours", "annulee"),
    ("en_attente", "en_cours"),
    ("en_attente", "annulee"),
    ("cloturee", "archivee"),
    ("cloturee", "en_cours"),
    ("annulee", "archivee"),
}
REFUSED = sorted(
    (a, b) for a, b in itertools.product(STATUTS, STATUTS) if a != b and (a, b) not in ALLOWED
)
NEEDS_TECHNICIAN = ("affectee", "en_cours", "en_attente", "cloturee")


@dataclass
class Job:
    """A client, its machine, a technician and one intervention."""

    client: int
    equipement: int
    technicien: int
    intervention: int


def job(
    conn: Connection, statut: str = "ouverte", *, assigned: bool | None = None, **extra: Any
) -> Job:
    """An intervention in ``statut``; assigned to a technician unless it is ``ouverte``."""
    client_id, _ = make_client(conn)
    equipement_id = make_equipement(conn, client_id)
    tech_id, _ = make_technicien(conn)
    if assigned if assigned is not None else statut != "ouverte":
        extra.setdefault("technicien_id", tech_id)
    intervention_id = make_intervention(conn, equipement_id, statut=statut, **extra)
    return Job(client_id, equipement_id, tech_id, intervention_id)


def row(conn: Connection, intervention_id: int, columns: str) -> Any:
    return conn.execute(
        text(f"SELECT {columns} FROM interventions WHERE id = :i"), {"i": intervention_id}
    ).one()


def set_statut(conn: Connection, intervention_id: int, statut: str) -> None:
    conn.execute(
        text("UPDATE interventions SET statut = :s WHERE id = :i"),
        {"s": statut, "i": intervention_id},
    )


def team(conn: Connection, intervention_id: int) -> set[tuple[int, str]]:
    return {
        (r.technicien_id, r.role)
        for r in conn.execute(
            text(
                "SELECT technicien_id, role FROM intervention_techniciens"
                " WHERE intervention_id = :i"
            ),
            {"i": intervention_id},
        )
    }


# --- client = equipment owner, retired machines, contracts ---------------------------------


def test_the_client_is_filled_in_from_the_equipment_owner_when_omitted(conn: Connection) -> None:
    j = job(conn)
    assert row(conn, j.intervention, "client_id")[0] == j.client


def test_an_intervention_for_another_client_than_the_equipment_owner_is_refused(
    conn: Connection,
) -> None:
    j = job(conn)
    other, _ = make_client(conn)
    exc = sql_error(
        conn,
        "INSERT INTO interventions (equipement_id, client_id, titre) VALUES (:e, :c, 'Fuite')",
        {"e": j.equipement, "c": other},
    )
    assert_refused(exc, "intervention_client_equipement")


def test_an_intervention_cannot_be_moved_to_another_client(conn: Connection) -> None:
    j = job(conn)
    other, _ = make_client(conn)
    exc = sql_error(
        conn,
        "UPDATE interventions SET client_id = :c WHERE id = :i",
        {"c": other, "i": j.intervention},
    )
    assert_refused(exc, "intervention_client_equipement")


def test_no_new_intervention_on_a_retired_machine(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    retired = make_equipement(conn, client_id, statut="retire")
    exc = sql_error(
        conn,
        "INSERT INTO interventions (equipement_id, titre) VALUES (:e, 'Révision')",
        {"e": retired},
    )
    assert_refused(exc, "intervention_equipement_retire")


def test_an_intervention_cannot_be_moved_onto_a_retired_machine(conn: Connection) -> None:
    j = job(conn)
    retired = make_equipement(conn, j.client, statut="retire")
    exc = sql_error(
        conn,
        "UPDATE interventions SET equipement_id = :e WHERE id = :i",
        {"e": retired, "i": j.intervention},
    )
    assert_refused(exc, "intervention_equipement_retire")


def test_an_existing_intervention_of_a_machine_retired_since_can_still_be_closed(
    conn: Connection,
) -> None:
    j = job(conn, "en_cours")
    conn.execute(
        text("UPDATE equipements SET statut = 'maintenance' WHERE id = :e"), {"e": j.equipement}
    )
    conn.execute(
        text("UPDATE equipements SET statut = 'retire' WHERE id = :e"), {"e": j.equipement}
    )
    set_statut(conn, j.intervention, "cloturee")
    assert row(conn, j.intervention, "statut")[0] == "cloturee"


def test_an_intervention_cannot_use_a_contract_of_another_client(conn: Connection) -> None:
    j = job(conn)
    other, _ = make_client(conn)
    foreign_contract = make_contrat(conn, other)
    exc = sql_error(
        conn,
        "UPDATE interventions SET contrat_id = :k WHERE id = :i",
        {"k": foreign_contract, "i": j.intervention},
    )
    assert_refused(exc, "intervention_contrat_client")
    exc = sql_error(
        conn,
        "INSERT INTO interventions (equipement_id, contrat_id, titre) VALUES (:e, :k, 'Audit')",
        {"e": j.equipement, "k": foreign_contract},
    )
    assert_refused(exc, "intervention_contrat_client")
    own_contract = make_contrat(conn, j.client)
    conn.execute(
        text("UPDATE interventions SET contrat_id = :k WHERE id = :i"),
        {"k": own_contract, "i": j.intervention},
    )


# --- status machine ---------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED))
def test_every_status_transition_of_the_design_is_accepted(
    conn: Connection, old: str, new: str
) -> None:
    j = job(conn, old, assigned=True)
    set_statut(conn, j.intervention, new)
    assert row(conn, j.intervention, "statut")[0] == new


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_every_status_transition_outside_the_design_is_refused(
    conn: Connection, old: str, new: str
) -> None:
    j = job(conn, old, assigned=True)
    exc = sql_error(
        conn,
        "UPDATE interventions SET statut = :s WHERE id = :i",
        {"s": new, "i": j.intervention},
    )
    assert_refused(exc, "intervention_transition")
    assert row(conn, j.intervention, "statut")[0] == old


def test_an_archived_intervention_is_final(conn: Connection) -> None:
    j = job(conn, "cloturee")
    set_statut(conn, j.intervention, "archivee")
    for target in STATUTS[:-1]:
        exc = sql_error(
            conn,
            "UPDATE interventions SET statut = :s WHERE id = :i",
            {"s": target, "i": j.intervention},
        )
        assert_refused(exc, "intervention_transition")


@pytest.mark.parametrize("statut", NEEDS_TECHNICIAN)
def test_a_status_that_needs_a_technician_is_refused_without_one(
    conn: Connection, statut: str
) -> None:
    client_id, _ = make_client(conn)
    equipement_id = make_equipement(conn, client_id)
    exc = sql_error(
        conn,
        "INSERT INTO interventions (equipement_id, titre, statut) VALUES (:e, 'Panne', :s)",
        {"e": equipement_id, "s": statut},
    )
    assert_refused(exc, "intervention_technicien_requis")


def test_an_intervention_cannot_be_assigned_without_a_technician(conn: Connection) -> None:
    j = job(conn, "ouverte")
    exc = sql_error(
        conn, "UPDATE interventions SET statut = 'affectee' WHERE id = :i", {"i": j.intervention}
    )
    assert_refused(exc, "intervention_technicien_requis")


def test_the_technician_of_a_running_intervention_cannot_be_removed(conn: Connection) -> None:
    j = job(conn, "en_cours")
    exc = sql_error(
        conn, "UPDATE interventions SET technicien_id = NULL WHERE id = :i", {"i": j.intervention}
    )
    assert_refused(exc, "intervention_technicien_requis")


# --- side effects -----------------------------------------------------------------------


def test_starting_an_intervention_sets_date_debut(conn: Connection) -> None:
    j = job(conn, "affectee")
    assert row(conn, j.intervention, "date_debut")[0] is None
    set_statut(conn, j.intervention, "en_cours")
    assert row(conn, j.intervention, "date_debut = now()")[0] is True


def test_starting_an_intervention_keeps_a_date_debut_already_given(conn: Connection) -> None:
    j = job(conn, "affectee", date_debut="2025-03-01T08:00:00+00")
    set_statut(conn, j.intervention, "en_cours")
    assert row(conn, j.intervention, "date_debut")[0].isoformat().startswith("2025-03-01")


def test_closing_an_intervention_sets_date_fin_and_the_real_duration(conn: Connection) -> None:
    j = job(conn, "en_cours")
    conn.execute(
        text(
            "UPDATE interventions SET date_debut = now() - interval '3 hours 30 minutes'"
            " WHERE id = :i"
        ),
        {"i": j.intervention},
    )
    set_statut(conn, j.intervention, "cloturee")
    at_now, duree = row(conn, j.intervention, "date_fin = now(), duree_reelle")
    assert at_now is True
    assert duree == Decimal("3.50")


def test_closing_an_intervention_keeps_a_given_date_fin_and_duration(conn: Connection) -> None:
    j = job(conn, "en_cours", date_debut="2025-03-01T08:00:00+00")
    conn.execute(
        text(
            "UPDATE interventions SET statut = 'cloturee', date_fin = '2025-03-01T10:00:00+00',"
            " duree_reelle = 1.5 WHERE id = :i"
        ),
        {"i": j.intervention},
    )
    date_fin, duree = row(conn, j.intervention, "date_fin, duree_reelle")
    assert date_fin.isoformat().startswith("2025-03-01T10:00")
    assert duree == Decimal("1.50")


def test_closing_an_intervention_records_the_machines_last_maintenance(conn: Connection) -> None:
    j = job(conn, "en_cours")
    set_statut(conn, j.intervention, "cloturee")
    same = conn.execute(
        text(
            "SELECT e.derniere_maintenance = i.date_fin FROM equipements e"
            " JOIN interventions i ON i.equipement_id = e.id WHERE i.id = :i"
        ),
        {"i": j.intervention},
    ).scalar_one()
    assert same is True


def test_closing_an_old_intervention_never_moves_the_last_maintenance_backwards(
    conn: Connection,
) -> None:
    j = job(conn, "en_cours", date_debut="2020-01-01T08:00:00+00")
    conn.execute(
        text("UPDATE equipements SET derniere_maintenance = '2025-01-01' WHERE id = :e"),
        {"e": j.equipement},
    )
    conn.execute(
        text(
            "UPDATE interventions SET statut = 'cloturee', date_fin = '2020-01-01T10:00:00+00'"
            " WHERE id = :i"
        ),
        {"i": j.intervention},
    )
    last = conn.execute(
        text("SELECT derniere_maintenance FROM equipements WHERE id = :e"), {"e": j.equipement}
    ).scalar_one()
    assert last.year == 2025


def test_reopening_a_closed_intervention_clears_date_fin_and_duration(conn: Connection) -> None:
    j = job(conn, "en_cours")
    set_statut(conn, j.intervention, "cloturee")
    set_statut(conn, j.intervention, "en_cours")
    date_debut, date_fin, duree = row(conn, j.intervention, "date_debut, date_fin, duree_reelle")
    assert date_debut is not None
    assert date_fin is None
    assert duree is None


# --- CHECK constraints ----------------------------------------------------------------------


def test_an_intervention_never_ends_before_it_starts(conn: Connection) -> None:
    j = job(conn, "en_cours", date_debut="2025-03-01T08:00:00+00")
    exc = sql_error(
        conn,
        "UPDATE interventions SET date_fin = '2025-03-01T07:59:00+00' WHERE id = :i",
        {"i": j.intervention},
    )
    assert_refused(exc, "chk_intervention_dates")


def test_an_intervention_deadline_never_precedes_its_creation(conn: Connection) -> None:
    j = job(conn)
    exc = sql_error(
        conn,
        "UPDATE interventions SET date_limite = date_creation - interval '1 minute' WHERE id = :i",
        {"i": j.intervention},
    )
    assert_refused(exc, "chk_intervention_dates")


@pytest.mark.parametrize("note", [0, 6, -1])
def test_a_satisfaction_outside_one_to_five_is_refused(conn: Connection, note: int) -> None:
    j = job(conn, "cloturee")
    exc = sql_error(
        conn,
        "UPDATE interventions SET satisfaction_client = :n WHERE id = :i",
        {"n": note, "i": j.intervention},
    )
    assert_refused(exc, "chk_satisfaction_range")


@pytest.mark.parametrize("note", [1, 5])
def test_a_satisfaction_from_one_to_five_is_accepted(conn: Connection, note: int) -> None:
    j = job(conn, "cloturee")
    conn.execute(
        text("UPDATE interventions SET satisfaction_client = :n WHERE id = :i"),
        {"n": note, "i": j.intervention},
    )


def test_intervention_costs_are_never_negative(conn: Connection) -> None:
    j = job(conn)
    for column in ("cout_estime", "cout_reel"):
        exc = sql_error(
            conn, f"UPDATE interventions SET {column} = -1 WHERE id = :i", {"i": j.intervention}
        )
        assert_refused(exc, f"ck_interventions_{column}_positif")


# --- principal technician ------------------------------------------------------------------


def test_creating_an_assigned_intervention_writes_its_principal_row(conn: Connection) -> None:
    j = job(conn, "affectee")
    assert team(conn, j.intervention) == {(j.technicien, "principal")}


def test_an_unassigned_intervention_has_no_principal_row(conn: Connection) -> None:
    j = job(conn, "ouverte")
    assert team(conn, j.intervention) == set()


def test_reassigning_the_principal_replaces_its_row(conn: Connection) -> None:
    j = job(conn, "affectee")
    other, _ = make_technicien(conn)
    conn.execute(
        text("UPDATE interventions SET technicien_id = :t WHERE id = :i"),
        {"t": other, "i": j.intervention},
    )
    assert team(conn, j.intervention) == {(other, "principal")}


def test_an_assistant_who_becomes_principal_is_promoted(conn: Connection) -> None:
    j = job(conn, "affectee")
    helper, _ = make_technicien(conn)
    conn.execute(
        text(
            "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
            " VALUES (:i, :t, 'assistant')"
        ),
        {"i": j.intervention, "t": helper},
    )
    conn.execute(
        text("UPDATE interventions SET technicien_id = :t WHERE id = :i"),
        {"t": helper, "i": j.intervention},
    )
    assert team(conn, j.intervention) == {(helper, "principal")}


def test_unassigning_the_principal_removes_its_row(conn: Connection) -> None:
    j = job(conn, "affectee")
    conn.execute(
        text("UPDATE interventions SET statut = 'ouverte', technicien_id = NULL WHERE id = :i"),
        {"i": j.intervention},
    )
    assert team(conn, j.intervention) == set()


def test_a_principal_row_cannot_be_inserted_directly(conn: Connection) -> None:
    j = job(conn, "ouverte")
    exc = sql_error(
        conn,
        "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
        " VALUES (:i, :t, 'principal')",
        {"i": j.intervention, "t": j.technicien},
    )
    assert_refused(exc, "intervention_principal_coherent")


def test_a_second_principal_row_cannot_be_inserted_directly(conn: Connection) -> None:
    j = job(conn, "affectee")
    other, _ = make_technicien(conn)
    exc = sql_error(
        conn,
        "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
        " VALUES (:i, :t, 'principal')",
        {"i": j.intervention, "t": other},
    )
    assert_refused(exc, "intervention_principal_coherent")


def test_the_principal_row_cannot_be_deleted_directly(conn: Connection) -> None:
    j = job(conn, "affectee")
    exc = sql_error(
        conn,
        "DELETE FROM intervention_techniciens WHERE intervention_id = :i",
        {"i": j.intervention},
    )
    assert_refused(exc, "intervention_principal_coherent")
    assert team(conn, j.intervention) == {(j.technicien, "principal")}


def test_the_principal_row_cannot_be_demoted_directly(conn: Connection) -> None:
    j = job(conn, "affectee")
    exc = sql_error(
        conn,
        "UPDATE intervention_techniciens SET role = 'assistant' WHERE intervention_id = :i",
        {"i": j.intervention},
    )
    assert_refused(exc, "intervention_principal_coherent")


def test_the_principal_row_cannot_be_given_to_another_technician_directly(
    conn: Connection,
) -> None:
    j = job(conn, "affectee")
    other, _ = make_technicien(conn)
    exc = sql_error(
        conn,
        "UPDATE intervention_techniciens SET technicien_id = :t WHERE intervention_id = :i",
        {"t": other, "i": j.intervention},
    )
    assert_refused(exc, "intervention_principal_coherent")


def test_an_assistant_cannot_be_promoted_directly(conn: Connection) -> None:
    j = job(conn, "affectee")
    helper, _ = make_technicien(conn)
    conn.execute(
        text(
            "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
            " VALUES (:i, :t, 'assistant')"
        ),
        {"i": j.intervention, "t": helper},
    )
    exc = sql_error(
        conn,
        "UPDATE intervention_techniciens SET role = 'principal'"
        " WHERE intervention_id = :i AND technicien_id = :t",
        {"i": j.intervention, "t": helper},
    )
    assert_refused(exc, "intervention_principal_coherent")


def test_assistants_are_added_and_removed_freely(conn: Connection) -> None:
    j = job(conn, "affectee")
    helper, _ = make_technicien(conn)
    conn.execute(
        text(
            "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
            " VALUES (:i, :t, 'assistant')"
        ),
        {"i": j.intervention, "t": helper},
    )
    assert team(conn, j.intervention) == {(j.technicien, "principal"), (helper, "assistant")}
    conn.execute(
        text(
            "DELETE FROM intervention_techniciens WHERE intervention_id = :i AND technicien_id = :t"
        ),
        {"i": j.intervention, "t": helper},
    )
    assert team(conn, j.intervention) == {(j.technicien, "principal")}


def test_the_principal_row_always_equals_interventions_technicien_id(conn: Connection) -> None:
    j = job(conn, "affectee")
    second, _ = make_technicien(conn)
    third, _ = make_technicien(conn)
    for tech in (second, third, j.technicien):
        conn.execute(
            text("UPDATE interventions SET technicien_id = :t WHERE id = :i"),
            {"t": tech, "i": j.intervention},
        )
    mismatches = conn.execute(
        text(
            "SELECT count(*) FROM interventions i"
            " FULL JOIN (SELECT * FROM intervention_techniciens WHERE role = 'principal') it"
            "   ON it.intervention_id = i.id"
            " WHERE (i.technicien_id IS NOT NULL OR it.technicien_id IS NOT NULL)"
            "   AND i.technicien_id IS DISTINCT FROM it.technicien_id"
        )
    ).scalar_one()
    assert mismatches == 0


# --- tasks ---------------------------------------------------------------------------------


def test_a_task_of_an_intervention_is_about_that_interventions_machine(conn: Connection) -> None:
    j = job(conn)
    other_machine = make_equipement(conn, j.client)
    exc = sql_error(
        conn,
        "INSERT INTO taches (equipement_id, intervention_id, description)"
        " VALUES (:e, :i, 'Vérifier la courroie')",
        {"e": other_machine, "i": j.intervention},
    )
    assert_refused(exc, "tache_equipement_intervention")


def test_a_task_of_an_intervention_gets_its_machine_when_omitted(conn: Connection) -> None:
    j = job(conn)
    equipement_id = conn.execute(
        text(
            "INSERT INTO taches (intervention_id, description) VALUES (:i, 'Graisser')"
            " RETURNING equipement_id"
        ),
        {"i": j.intervention},
    ).scalar_one()
    assert equipement_id == j.equipement


def test_tasks_follow_their_intervention_to_another_machine(conn: Connection) -> None:
    j = job(conn)
    conn.execute(
        text("INSERT INTO taches (intervention_id, description) VALUES (:i, 'Graisser')"),
        {"i": j.intervention},
    )
    other_machine = make_equipement(conn, j.client)
    conn.execute(
        text("UPDATE interventions SET equipement_id = :e WHERE id = :i"),
        {"e": other_machine, "i": j.intervention},
    )
    machines = conn.execute(
        text("SELECT DISTINCT equipement_id FROM taches WHERE intervention_id = :i"),
        {"i": j.intervention},
    ).scalars()
    assert list(machines) == [other_machine]


# --- the other side of "client = equipment owner" ------------------------------------------


def test_a_machine_with_interventions_cannot_change_owner(conn: Connection) -> None:
    j = job(conn)
    other, _ = make_client(conn)
    exc = sql_error(
        conn,
        "UPDATE equipements SET client_id = :c WHERE id = :e",
        {"c": other, "e": j.equipement},
    )
    assert_refused(exc, "intervention_client_equipement")


def test_a_machine_without_interventions_may_change_owner(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    other, _ = make_client(conn)
    machine = make_equipement(conn, client_id)
    conn.execute(
        text("UPDATE equipements SET client_id = :c WHERE id = :e"), {"c": other, "e": machine}
    )


def test_a_closed_intervention_imported_without_a_start_gets_a_consistent_one(
    conn: Connection,
) -> None:
    j = job(conn)
    i = make_intervention(
        conn,
        j.equipement,
        technicien_id=j.technicien,
        statut="cloturee",
        date_creation="2024-05-01T08:00:00+00",
        date_fin="2024-05-02T10:00:00+00",
    )
    date_debut, date_fin, duree = row(conn, i, "date_debut, date_fin, duree_reelle")
    assert date_debut <= date_fin
    assert duree >= 0


def test_a_technician_runs_and_closes_their_intervention_through_the_app_role(
    conn: Connection,
) -> None:
    j = job(conn, "affectee")
    contrat_id = make_contrat(conn, j.client)
    conn.execute(
        text("UPDATE interventions SET contrat_id = :k WHERE id = :i"),
        {"k": contrat_id, "i": j.intervention},
    )
    user_id = conn.execute(
        text("SELECT user_id FROM techniciens WHERE id = :t"), {"t": j.technicien}
    ).scalar_one()
    act_as(conn, Actor(user_id=user_id, role="technicien", technicien_id=j.technicien))
    set_statut(conn, j.intervention, "en_cours")
    set_statut(conn, j.intervention, "cloturee")
    # Side effects on rows the technician may not write themselves were made by the database.
    conn.execute(text("RESET ROLE"))  # back to the owner to read what the database did
    closed = conn.execute(
        text(
            "SELECT e.derniere_maintenance = i.date_fin, c.nb_interventions_utilisees"
            " FROM interventions i JOIN equipements e ON e.id = i.equipement_id"
            " JOIN contrats c ON c.id = i.contrat_id WHERE i.id = :i"
        ),
        {"i": j.intervention},
    ).one()
    assert tuple(closed) == (True, 1)
