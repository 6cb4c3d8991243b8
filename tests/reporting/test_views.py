"""Reporting views: the seed's materialized views, their refresh, and the maintenance history."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text

from tests.factories import make_client, make_equipement, make_intervention, make_technicien

MATERIALIZED = {
    "mv_technician_stats": "technician_id",
    "mv_client_equipment_summary": "client_id",
}


@pytest.mark.parametrize(("view", "key"), list(MATERIALIZED.items()))
def test_each_materialized_view_has_a_unique_index_for_concurrent_refresh(
    conn: Connection, view: str, key: str
) -> None:
    indexes = conn.execute(
        text(
            "SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class ic ON ic.oid = i.indexrelid"
            " WHERE i.indrelid = CAST(:v AS regclass) AND i.indisunique"
            " AND i.indpred IS NULL"
        ),
        {"v": view},
    ).all()
    assert indexes, f"{view} has no unique index without WHERE"
    assert any(f"({key})" in definition for _, definition in indexes)


def test_refresh_materialized_views_runs_concurrently(conn: Connection) -> None:
    source = conn.execute(
        text("SELECT prosrc FROM pg_proc WHERE proname = 'refresh_materialized_views'")
    ).scalar_one()
    for view in MATERIALIZED:
        assert f"REFRESH MATERIALIZED VIEW CONCURRENTLY {view}" in source
    conn.execute(text("SELECT refresh_materialized_views()"))


def test_refresh_materialized_views_reflects_new_rows(conn: Connection) -> None:
    client_id, _ = make_client(conn, nom_entreprise="Atlas Froid SARL")
    for statut, criticite in (
        ("operationnel", "critique"),
        ("panne", "normale"),
        ("panne", "basse"),
    ):
        make_equipement(conn, client_id, statut=statut, criticite=criticite)
    tech_id, _ = make_technicien(conn)
    machine = make_equipement(conn, client_id)
    make_intervention(
        conn, machine, technicien_id=tech_id, statut="cloturee", satisfaction_client=4
    )
    make_intervention(conn, machine, technicien_id=tech_id, statut="affectee")

    before = conn.execute(
        text("SELECT count(*) FROM mv_client_equipment_summary WHERE client_id = :c"),
        {"c": client_id},
    ).scalar_one()
    assert before == 0  # not there until refreshed
    conn.execute(text("SELECT refresh_materialized_views()"))

    summary = conn.execute(
        text(
            "SELECT nom_entreprise, total_equipment, operational_equipment, failed_equipment,"
            " critical_equipment FROM mv_client_equipment_summary WHERE client_id = :c"
        ),
        {"c": client_id},
    ).one()
    assert tuple(summary) == ("Atlas Froid SARL", 4, 2, 2, 1)
    stats = conn.execute(
        text(
            "SELECT total_interventions, completed_interventions, avg_satisfaction"
            " FROM mv_technician_stats WHERE technician_id = :t"
        ),
        {"t": tech_id},
    ).one()
    assert (stats[0], stats[1], float(stats[2])) == (2, 1, 4.0)


def test_the_maintenance_history_lists_closed_interventions_only(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    machine = make_equipement(conn, client_id)
    tech_id, _ = make_technicien(conn)
    by_statut = {
        statut: make_intervention(conn, machine, technicien_id=tech_id, statut=statut)
        for statut in ("ouverte", "affectee", "en_cours", "en_attente", "cloturee", "annulee")
    }
    archived_closed = make_intervention(conn, machine, technicien_id=tech_id, statut="cloturee")
    archived_cancelled = make_intervention(conn, machine, statut="annulee")
    for i in (archived_closed, archived_cancelled):
        conn.execute(text("UPDATE interventions SET statut = 'archivee' WHERE id = :i"), {"i": i})

    listed = set(
        conn.execute(
            text("SELECT intervention_id FROM v_historique_maintenance WHERE equipement_id = :e"),
            {"e": machine},
        ).scalars()
    )
    assert listed == {by_statut["cloturee"], archived_closed}
    row = conn.execute(
        text(
            "SELECT date_maintenance, duree_reelle, technicien FROM v_historique_maintenance"
            " WHERE intervention_id = :i"
        ),
        {"i": by_statut["cloturee"]},
    ).one()
    assert row.date_maintenance is not None
    assert row.duree_reelle is not None
    assert row.technicien.startswith("Test Technicien")
