"""Billing rules (contracts, covered machines, invoices), checked with raw SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from tests.conftest import assert_refused, sql_error
from tests.factories import (
    make_client,
    make_contrat,
    make_equipement,
    make_intervention,
    make_technicien,
)

INSERT_FACTURE = (
    "INSERT INTO factures (client_id, numero_facture, date_emission, date_echeance,"
    " montant_ht, taux_tva, montant_ttc)"
    " VALUES (:c, :num, :em, :ech, :ht, :tva, :ttc)"
)


def facture(client_id: int, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "c": client_id,
        "num": "FAC-2099-00001",
        "em": "2025-03-01",
        "ech": "2025-03-31",
        "ht": "1234.56",
        "tva": "20",
        "ttc": "1481.47",
    }
    values.update(overrides)
    return values


def used(conn: Connection, contrat_id: int) -> int:
    return conn.execute(
        text("SELECT nb_interventions_utilisees FROM contrats WHERE id = :k"), {"k": contrat_id}
    ).scalar_one()


def test_an_invoice_with_ttc_equal_to_ht_plus_vat_is_accepted(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    conn.execute(text(INSERT_FACTURE), facture(client_id))
    conn.execute(
        text(INSERT_FACTURE),
        facture(client_id, num="FAC-2099-00002", ht="100", tva="0", ttc="100"),
    )
    conn.execute(
        text(INSERT_FACTURE),
        facture(client_id, num="FAC-2099-00003", ht="0.05", tva="10", ttc="0.06"),
    )


def test_an_invoice_whose_ttc_is_not_ht_plus_vat_is_refused(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    exc = sql_error(conn, INSERT_FACTURE, facture(client_id, ttc="1481.48"))
    assert_refused(exc, "ck_factures_montant_ttc_calcule")


def test_an_invoice_is_never_due_before_it_is_issued(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    exc = sql_error(conn, INSERT_FACTURE, facture(client_id, ech="2025-02-28"))
    assert_refused(exc, "ck_factures_echeance_apres_emission")
    conn.execute(text(INSERT_FACTURE), facture(client_id, ech="2025-03-01"))


def test_an_invoice_amount_is_never_negative(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    exc = sql_error(conn, INSERT_FACTURE, facture(client_id, ht="-100", ttc="-120"))
    assert_refused(exc, "ck_factures_montant_ht_positif")


def test_an_invoice_number_reads_fac_year_and_five_digits(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    for bad in ("FAC-2025-1", "FAC-25-00001", "fac-2025-00001", "FAC-2099-000001", "F-2025-00001"):
        exc = sql_error(conn, INSERT_FACTURE, facture(client_id, num=bad))
        assert_refused(exc, "ck_factures_numero_format")


def test_two_invoices_never_share_a_number(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    conn.execute(text(INSERT_FACTURE), facture(client_id, num="FAC-2098-00042"))
    exc = sql_error(conn, INSERT_FACTURE, facture(client_id, num="FAC-2098-00042"))
    assert_refused(exc, "uq_factures_numero_facture", "23505")


def test_a_contract_never_ends_before_it_starts(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    contrat_id = make_contrat(conn, client_id)
    exc = sql_error(
        conn, "UPDATE contrats SET date_fin = date_debut - 1 WHERE id = :k", {"k": contrat_id}
    )
    assert_refused(exc, "ck_contrats_dates")
    conn.execute(text("UPDATE contrats SET date_fin = date_debut WHERE id = :k"), {"k": contrat_id})


def test_a_contract_amount_is_never_negative(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    contrat_id = make_contrat(conn, client_id)
    exc = sql_error(conn, "UPDATE contrats SET montant = -1 WHERE id = :k", {"k": contrat_id})
    assert_refused(exc, "ck_contrats_montant_positif")


def test_contract_usage_counts_its_interventions_as_they_are_created(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    equipement_id = make_equipement(conn, client_id)
    contrat_id = make_contrat(conn, client_id)
    assert used(conn, contrat_id) == 0
    make_intervention(conn, equipement_id, contrat_id=contrat_id)
    make_intervention(conn, equipement_id, contrat_id=contrat_id)
    make_intervention(conn, equipement_id)
    assert used(conn, contrat_id) == 2


def test_a_cancelled_intervention_no_longer_counts_against_its_contract(
    conn: Connection,
) -> None:
    client_id, _ = make_client(conn)
    equipement_id = make_equipement(conn, client_id)
    contrat_id = make_contrat(conn, client_id)
    i = make_intervention(conn, equipement_id, contrat_id=contrat_id)
    assert used(conn, contrat_id) == 1
    conn.execute(text("UPDATE interventions SET statut = 'annulee' WHERE id = :i"), {"i": i})
    assert used(conn, contrat_id) == 0
    conn.execute(text("UPDATE interventions SET statut = 'archivee' WHERE id = :i"), {"i": i})
    assert used(conn, contrat_id) == 0


def test_an_archived_closed_intervention_still_counts_against_its_contract(
    conn: Connection,
) -> None:
    client_id, _ = make_client(conn)
    equipement_id = make_equipement(conn, client_id)
    tech_id, _ = make_technicien(conn)
    contrat_id = make_contrat(conn, client_id)
    i = make_intervention(
        conn, equipement_id, contrat_id=contrat_id, technicien_id=tech_id, statut="cloturee"
    )
    conn.execute(text("UPDATE interventions SET statut = 'archivee' WHERE id = :i"), {"i": i})
    assert used(conn, contrat_id) == 1


def test_moving_an_intervention_to_another_contract_moves_its_count(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    equipement_id = make_equipement(conn, client_id)
    first = make_contrat(conn, client_id)
    second = make_contrat(conn, client_id)
    i = make_intervention(conn, equipement_id, contrat_id=first)
    conn.execute(
        text("UPDATE interventions SET contrat_id = :k WHERE id = :i"), {"k": second, "i": i}
    )
    assert (used(conn, first), used(conn, second)) == (0, 1)
    conn.execute(text("UPDATE interventions SET contrat_id = NULL WHERE id = :i"), {"i": i})
    assert (used(conn, first), used(conn, second)) == (0, 0)


def test_contract_usage_cannot_be_set_by_hand(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    equipement_id = make_equipement(conn, client_id)
    contrat_id = make_contrat(conn, client_id, nb_interventions_utilisees=7)
    assert used(conn, contrat_id) == 0
    make_intervention(conn, equipement_id, contrat_id=contrat_id)
    conn.execute(
        text("UPDATE contrats SET nb_interventions_utilisees = 99 WHERE id = :k"),
        {"k": contrat_id},
    )
    assert used(conn, contrat_id) == 1


def test_a_contract_covers_only_machines_of_its_own_client(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    other_client, _ = make_client(conn)
    contrat_id = make_contrat(conn, client_id)
    own_machine = make_equipement(conn, client_id)
    foreign_machine = make_equipement(conn, other_client)
    exc = sql_error(
        conn,
        "INSERT INTO contrat_equipements (contrat_id, equipement_id) VALUES (:k, :e)",
        {"k": contrat_id, "e": foreign_machine},
    )
    assert_refused(exc, "contrat_equipement_client")
    insert_pair = "INSERT INTO contrat_equipements (contrat_id, equipement_id) VALUES (:k, :e)"
    conn.execute(text(insert_pair), {"k": contrat_id, "e": own_machine})
    exc = sql_error(
        conn,
        "UPDATE contrat_equipements SET equipement_id = :e WHERE contrat_id = :k",
        {"k": contrat_id, "e": foreign_machine},
    )
    assert_refused(exc, "contrat_equipement_client")


def test_a_covered_machine_cannot_change_owner_behind_its_contract(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    other_client, _ = make_client(conn)
    contrat_id = make_contrat(conn, client_id)
    machine = make_equipement(conn, client_id)
    conn.execute(
        text("INSERT INTO contrat_equipements (contrat_id, equipement_id) VALUES (:k, :e)"),
        {"k": contrat_id, "e": machine},
    )
    exc = sql_error(
        conn,
        "UPDATE equipements SET client_id = :c WHERE id = :e",
        {"c": other_client, "e": machine},
    )
    assert_refused(exc, "contrat_equipement_client")


def test_a_contract_cannot_change_client_behind_its_machines(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    other_client, _ = make_client(conn)
    contrat_id = make_contrat(conn, client_id)
    conn.execute(
        text("INSERT INTO contrat_equipements (contrat_id, equipement_id) VALUES (:k, :e)"),
        {"k": contrat_id, "e": make_equipement(conn, client_id)},
    )
    exc = sql_error(
        conn,
        "UPDATE contrats SET client_id = :c WHERE id = :k",
        {"c": other_client, "k": contrat_id},
    )
    assert_refused(exc, "contrat_equipement_client")


def test_a_contract_cannot_change_client_behind_its_interventions(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    other_client, _ = make_client(conn)
    contrat_id = make_contrat(conn, client_id)
    make_intervention(conn, make_equipement(conn, client_id), contrat_id=contrat_id)
    exc = sql_error(
        conn,
        "UPDATE contrats SET client_id = :c WHERE id = :k",
        {"c": other_client, "k": contrat_id},
    )
    assert_refused(exc, "intervention_contrat_client")


def test_every_contracts_usage_equals_its_counted_interventions(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    contrat_id = make_contrat(conn, client_id)
    make_intervention(conn, make_equipement(conn, client_id), contrat_id=contrat_id)
    wrong = conn.execute(
        text(
            "SELECT c.numero_contrat FROM contrats c"
            " WHERE c.nb_interventions_utilisees <> (SELECT count(*) FROM interventions i"
            "   WHERE i.contrat_id = c.id AND i.statut <> 'annulee'"
            "   AND NOT (i.statut = 'archivee' AND i.date_fin IS NULL))"
        )
    ).scalars()
    assert list(wrong) == []
