"""Database rules of the equipment registry, checked with raw SQL.

Lifecycle of seed 004's state diagram (operationnel → maintenance | panne, maintenance →
operationnel | retire, panne → maintenance | retire, retire is final), unique serial numbers,
non-negative costs, ``updated_at`` kept by the database, and the warranty revision's columns.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import Connection, text

from tests.conftest import assert_refused, sql_error
from tests.factories import make_client, make_equipement

STATUTS = ("operationnel", "maintenance", "panne", "retire")
ALLOWED = {
    ("operationnel", "maintenance"),
    ("operationnel", "panne"),
    ("maintenance", "operationnel"),
    ("maintenance", "retire"),
    ("panne", "maintenance"),
    ("panne", "retire"),
}
REFUSED = sorted(
    (a, b) for a, b in itertools.product(STATUTS, STATUTS) if a != b and (a, b) not in ALLOWED
)


def machine(conn: Connection, statut: str = "operationnel", **extra: object) -> int:
    client_id, _ = make_client(conn)
    return make_equipement(conn, client_id, statut=statut, **extra)


def statut_of(conn: Connection, equipement_id: int) -> str:
    return conn.execute(
        text("SELECT statut FROM equipements WHERE id = :e"), {"e": equipement_id}
    ).scalar_one()


@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED))
def test_every_lifecycle_transition_of_the_seed_diagram_is_accepted(
    conn: Connection, old: str, new: str
) -> None:
    equipement_id = machine(conn, old)
    conn.execute(
        text("UPDATE equipements SET statut = :s WHERE id = :e"), {"s": new, "e": equipement_id}
    )
    assert statut_of(conn, equipement_id) == new


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_a_lifecycle_transition_outside_the_diagram_is_refused(
    conn: Connection, old: str, new: str
) -> None:
    equipement_id = machine(conn, old)
    exc = sql_error(
        conn, "UPDATE equipements SET statut = :s WHERE id = :e", {"s": new, "e": equipement_id}
    )
    assert_refused(exc, "equipement_transition")
    assert statut_of(conn, equipement_id) == old


def test_a_retired_machine_never_comes_back(conn: Connection) -> None:
    equipement_id = machine(conn, "operationnel")
    for step in ("panne", "maintenance", "retire"):
        conn.execute(
            text("UPDATE equipements SET statut = :s WHERE id = :e"),
            {"s": step, "e": equipement_id},
        )
    for target in ("operationnel", "maintenance", "panne"):
        exc = sql_error(
            conn,
            "UPDATE equipements SET statut = :s WHERE id = :e",
            {"s": target, "e": equipement_id},
        )
        assert_refused(exc, "equipement_transition")
    assert statut_of(conn, equipement_id) == "retire"


def test_a_retired_machine_may_still_have_its_other_fields_edited(conn: Connection) -> None:
    equipement_id = machine(conn, "retire")
    conn.execute(
        text("UPDATE equipements SET localisation = 'Entrepôt', statut = 'retire' WHERE id = :e"),
        {"e": equipement_id},
    )


def test_two_machines_never_share_a_serial_number(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    make_equipement(conn, client_id, numero_serie="SN-DOUBLON-1")
    exc = sql_error(
        conn,
        "INSERT INTO equipements (client_id, nom, numero_serie)"
        " VALUES (:c, 'Pompe', 'SN-DOUBLON-1')",
        {"c": client_id},
    )
    assert_refused(exc, "uq_equipements_numero_serie", "23505")


def test_an_acquisition_cost_is_never_negative(conn: Connection) -> None:
    equipement_id = machine(conn)
    exc = sql_error(
        conn, "UPDATE equipements SET cout_acquisition = -0.01 WHERE id = :e", {"e": equipement_id}
    )
    assert_refused(exc, "ck_equipements_cout_positif")
    conn.execute(
        text("UPDATE equipements SET cout_acquisition = 0 WHERE id = :e"), {"e": equipement_id}
    )


def test_updated_at_is_kept_by_the_database_on_a_raw_update(conn: Connection) -> None:
    equipement_id = machine(
        conn, created_at="2001-01-01T00:00:00+00", updated_at="2001-01-01T00:00:00+00"
    )
    conn.execute(
        text("UPDATE equipements SET localisation = 'Atelier B' WHERE id = :e"),
        {"e": equipement_id},
    )
    moved = conn.execute(
        text("SELECT updated_at = now(), created_at FROM equipements WHERE id = :e"),
        {"e": equipement_id},
    ).one()
    assert moved[0] is True
    assert moved[1].year == 2001


def test_updated_at_cannot_be_forged_by_a_raw_update(conn: Connection) -> None:
    equipement_id = machine(conn)
    conn.execute(
        text("UPDATE equipements SET updated_at = '1999-12-31', nom = 'Presse' WHERE id = :e"),
        {"e": equipement_id},
    )
    assert conn.execute(
        text("SELECT updated_at = now() FROM equipements WHERE id = :e"), {"e": equipement_id}
    ).scalar_one()


def test_the_warranty_revision_added_its_two_columns(conn: Connection) -> None:
    columns = dict(
        conn.execute(
            text(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'public' AND table_name = 'equipements'"
                " AND column_name IN ('date_fin_garantie', 'duree_garantie_mois')"
            )
        ).all()
    )
    assert columns == {"date_fin_garantie": "date", "duree_garantie_mois": "integer"}


def test_a_warranty_never_ends_before_the_installation(conn: Connection) -> None:
    equipement_id = machine(conn, date_installation="2024-06-01")
    exc = sql_error(
        conn,
        "UPDATE equipements SET date_fin_garantie = '2024-05-31' WHERE id = :e",
        {"e": equipement_id},
    )
    assert_refused(exc, "ck_equipements_garantie_apres_installation")
    conn.execute(
        text("UPDATE equipements SET date_fin_garantie = '2024-06-01' WHERE id = :e"),
        {"e": equipement_id},
    )


def test_a_warranty_length_is_never_negative(conn: Connection) -> None:
    equipement_id = machine(conn)
    exc = sql_error(
        conn, "UPDATE equipements SET duree_garantie_mois = -1 WHERE id = :e", {"e": equipement_id}
    )
    assert_refused(exc, "ck_equipements_garantie_positive")
