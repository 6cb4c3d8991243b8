"""The demo seed: idempotent, every table filled, internally consistent."""

from __future__ import annotations

import bcrypt
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from db import seed


def _one(conn: Connection, sql: str) -> object:
    return conn.execute(text(sql)).scalar()


def test_a_second_seed_run_adds_nothing(db_url: URL, conn: Connection):
    before = seed.table_counts(conn.connection.driver_connection.cursor())
    report = seed.run_seed(url=db_url)
    assert report.created is False
    assert report.counts == before


def test_every_table_is_filled(db_url: URL, conn: Connection):
    counts = seed.table_counts(conn.connection.driver_connection.cursor())
    assert len(counts) == 24
    assert all(n > 0 for n in counts.values()), counts


def test_demo_accounts_log_in_with_the_readme_passwords(conn: Connection):
    for username, (password, role, _name) in seed.DEMO_ACCOUNTS.items():
        hashed, actual_role, active = conn.execute(
            text("SELECT hashed_password, role, is_active FROM users WHERE username = :u"),
            {"u": username},
        ).one()
        assert actual_role == role and active
        assert bcrypt.checkpw(password.encode(), hashed.encode())


def test_stock_levels_equal_the_signed_sum_of_their_movements(conn: Connection):
    assert (
        _one(
            conn,
            "SELECT count(*) FROM pieces_detachees p WHERE p.stock_actuel <> COALESCE(("
            " SELECT sum(CASE m.type_mouvement WHEN 'entree' THEN m.quantite"
            "  WHEN 'sortie' THEN -m.quantite WHEN 'ajustement' THEN m.quantite ELSE 0 END)"
            " FROM mouvements_stock m WHERE m.piece_id = p.id), 0)",
        )
        == 0
    )
    assert _one(conn, "SELECT count(*) FROM pieces_detachees WHERE stock_actuel < stock_minimum")


def test_closed_interventions_have_dates_durations_and_costs(conn: Connection):
    assert (
        _one(
            conn,
            "SELECT count(*) FROM interventions WHERE statut IN ('cloturee', 'archivee')"
            " AND (date_debut IS NULL OR date_fin IS NULL OR duree_reelle IS NULL"
            "      OR cout_reel IS NULL OR technicien_id IS NULL OR date_fin < date_debut)",
        )
        == 0
    )
    assert _one(conn, "SELECT count(*) FROM interventions WHERE statut = 'cloturee'")


def test_invoice_ttc_is_ht_times_one_plus_vat_and_numbers_are_gapless_per_year(
    conn: Connection,
):
    assert (
        _one(
            conn,
            "SELECT count(*) FROM factures"
            " WHERE montant_ttc <> round(montant_ht * (1 + taux_tva / 100), 2) OR taux_tva <> 20",
        )
        == 0
    )
    gaps = _one(
        conn,
        "SELECT count(*) FROM (SELECT split_part(numero_facture, '-', 2) AS y,"
        " split_part(numero_facture, '-', 3)::int AS n,"
        " row_number() OVER (PARTITION BY split_part(numero_facture, '-', 2)"
        "   ORDER BY numero_facture) AS k FROM factures) s WHERE n <> k",
    )
    assert gaps == 0


def test_contract_usage_counts_match_their_interventions(conn: Connection):
    assert (
        _one(
            conn,
            "SELECT count(*) FROM contrats c WHERE nb_interventions_utilisees <> ("
            " SELECT count(*) FROM interventions i WHERE i.contrat_id = c.id"
            " AND i.statut <> 'annulee' AND NOT (i.statut = 'archivee' AND i.date_fin IS NULL))",
        )
        == 0
    )
    assert _one(conn, "SELECT sum(nb_interventions_utilisees) FROM contrats")


def test_no_technician_is_booked_twice_at_the_same_time(conn: Connection):
    overlaps = _one(
        conn,
        "WITH slots AS ("
        " SELECT it.technicien_id, p.date_debut, p.date_fin, p.id"
        " FROM planning p JOIN intervention_techniciens it USING (intervention_id))"
        " SELECT count(*) FROM slots a JOIN slots b ON a.technicien_id = b.technicien_id"
        " AND a.id < b.id AND a.date_debut < b.date_fin AND b.date_debut < a.date_fin",
    )
    assert overlaps == 0


def test_the_principal_row_matches_every_assigned_intervention(conn: Connection):
    assert (
        _one(
            conn,
            "SELECT count(*) FROM interventions i WHERE i.technicien_id IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM intervention_techniciens it WHERE it.intervention_id = i.id"
            "  AND it.technicien_id = i.technicien_id AND it.role = 'principal')",
        )
        == 0
    )


def test_the_demo_technician_has_work_today_or_this_week_and_the_demo_client_has_requests(
    conn: Connection,
):
    tech_week = _one(
        conn,
        "SELECT count(*) FROM interventions i JOIN techniciens t ON t.id = i.technicien_id"
        " JOIN users u ON u.id = t.user_id WHERE u.username = 'technicien'"
        " AND i.statut IN ('affectee', 'en_cours', 'en_attente')"
        " AND i.date_planifiee < now() + interval '7 days'",
    )
    assert tech_week >= 3
    client_open = _one(
        conn,
        "SELECT count(*) FROM interventions i JOIN clients c ON c.id = i.client_id"
        " JOIN users u ON u.id = c.user_id WHERE u.username = 'client'"
        " AND i.statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente')",
    )
    assert client_open >= 1


def test_every_seeded_intervention_has_its_creation_audit_row_with_the_full_row(
    conn: Connection,
):
    # Other tests may commit later changes (the CLI's archive run): only creations are counted.
    missing = _one(
        conn,
        "SELECT count(*) FROM interventions i WHERE NOT EXISTS ("
        " SELECT 1 FROM historiques_interventions h WHERE h.intervention_id = i.id"
        " AND h.action = 'creation' AND h.nouvelle_valeur->>'titre' = i.titre)",
    )
    assert missing == 0
    assert _one(
        conn, "SELECT count(*) FROM historiques_interventions WHERE action = 'creation'"
    ) == _one(conn, "SELECT count(*) FROM interventions")
