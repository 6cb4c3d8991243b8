"""The demo seed: idempotent, every table filled, internally consistent.

The invariants run on both loaders: the main test database is seeded with every trigger on;
a second database is seeded at the same scale through the bulk path (triggers out of the way,
derived data computed set-wise). A third, seeded with the triggers at the same instant, shows
that the bulk path derives exactly what the triggers derive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import bcrypt
import pytest
from sqlalchemy import Connection, Engine, create_engine, pool, text
from sqlalchemy.engine import URL

from db import config, migrate, seed
from tests.conftest import TEST_DB

# One instant for the two comparison seeds (the generator rounds it to the hour).
SEED_NOW = datetime.now(UTC)


def _one(conn: Connection, sql: str) -> object:
    return conn.execute(text(sql)).scalar()


def _seeded_engine(suffix: str, *, bulk: bool) -> Iterator[Engine]:
    url = config.owner_url(f"{TEST_DB}_{suffix}")
    migrate.drop_database(url)
    migrate.upgrade(url)
    report = seed.run_seed(url=url, scale=1, now=SEED_NOW, bulk=bulk)
    assert report.created and report.bulk is bulk
    engine = create_engine(url, poolclass=pool.NullPool)
    yield engine
    engine.dispose()
    migrate.drop_database(url)


@pytest.fixture(scope="module")
def bulk_engine() -> Iterator[Engine]:
    """A database seeded through the bulk path."""
    yield from _seeded_engine("bulk", bulk=True)


@pytest.fixture(scope="module")
def rows_engine() -> Iterator[Engine]:
    """A database seeded with every trigger on, at the same instant as ``bulk_engine``."""
    yield from _seeded_engine("rows", bulk=False)


@pytest.fixture(params=["triggers", "bulk"])
def seeded(request: pytest.FixtureRequest) -> Iterator[Connection]:
    """A seeded database in a rolled-back transaction, once per loader.

    Both are databases of their own, seeded and nothing else: the suite's shared database has
    also been through the other tests by then (interventions closed through the app, a part
    logged twice on one line), which are not the seed's invariants to check.
    """
    name = "rows_engine" if request.param == "triggers" else "bulk_engine"
    engine: Engine = request.getfixturevalue(name)
    with engine.connect() as connection:
        trans = connection.begin()
        try:
            yield connection
        finally:
            trans.rollback()


def test_a_second_seed_run_adds_nothing(db_url: URL, conn: Connection):
    before = seed.table_counts(conn.connection.driver_connection.cursor())
    report = seed.run_seed(url=db_url)
    assert report.created is False
    assert report.counts == before


def test_every_table_is_filled(db_url: URL, seeded: Connection):
    counts = seed.table_counts(seeded.connection.driver_connection.cursor())
    assert len(counts) == 25  # the data model's 24 tables and the absences (revision 0014)
    assert all(n > 0 for n in counts.values()), counts


def test_demo_accounts_log_in_with_the_readme_passwords(conn: Connection):
    for username, (password, role, _name) in seed.DEMO_ACCOUNTS.items():
        hashed, actual_role, active = conn.execute(
            text("SELECT hashed_password, role, is_active FROM users WHERE username = :u"),
            {"u": username},
        ).one()
        assert actual_role == role and active
        assert bcrypt.checkpw(password.encode(), hashed.encode())


def test_stock_levels_equal_the_signed_sum_of_their_movements(seeded: Connection):
    assert (
        _one(
            seeded,
            "SELECT count(*) FROM pieces_detachees p WHERE p.stock_actuel <> COALESCE(("
            " SELECT sum(CASE m.type_mouvement WHEN 'entree' THEN m.quantite"
            "  WHEN 'sortie' THEN -m.quantite WHEN 'ajustement' THEN m.quantite ELSE 0 END)"
            " FROM mouvements_stock m WHERE m.piece_id = p.id), 0)",
        )
        == 0
    )
    assert _one(seeded, "SELECT count(*) FROM pieces_detachees WHERE stock_actuel < stock_minimum")


def test_closed_interventions_have_dates_durations_and_costs(seeded: Connection):
    assert (
        _one(
            seeded,
            "SELECT count(*) FROM interventions WHERE statut IN ('cloturee', 'archivee')"
            " AND (date_debut IS NULL OR date_fin IS NULL OR duree_reelle IS NULL"
            "      OR cout_reel IS NULL OR technicien_id IS NULL OR date_fin < date_debut)",
        )
        == 0
    )
    assert _one(seeded, "SELECT count(*) FROM interventions WHERE statut = 'cloturee'")


def test_invoice_ttc_is_ht_times_one_plus_vat_and_numbers_are_gapless_per_year(
    seeded: Connection,
):
    assert (
        _one(
            seeded,
            "SELECT count(*) FROM factures"
            " WHERE montant_ttc <> round(montant_ht * (1 + taux_tva / 100), 2) OR taux_tva <> 20",
        )
        == 0
    )
    gaps = _one(
        seeded,
        "SELECT count(*) FROM (SELECT split_part(numero_facture, '-', 2) AS y,"
        " split_part(numero_facture, '-', 3)::int AS n,"
        " row_number() OVER (PARTITION BY split_part(numero_facture, '-', 2)"
        "   ORDER BY numero_facture) AS k FROM factures) s WHERE n <> k",
    )
    assert gaps == 0


def test_contract_usage_counts_match_their_interventions(seeded: Connection):
    assert (
        _one(
            seeded,
            "SELECT count(*) FROM contrats c WHERE nb_interventions_utilisees <> ("
            " SELECT count(*) FROM interventions i WHERE i.contrat_id = c.id"
            " AND i.statut <> 'annulee' AND NOT (i.statut = 'archivee' AND i.date_fin IS NULL))",
        )
        == 0
    )
    assert _one(seeded, "SELECT sum(nb_interventions_utilisees) FROM contrats")


def test_no_technician_is_booked_twice_at_the_same_time(seeded: Connection):
    overlaps = _one(
        seeded,
        "WITH slots AS ("
        " SELECT it.technicien_id, p.date_debut, p.date_fin, p.id"
        " FROM planning p JOIN intervention_techniciens it USING (intervention_id))"
        " SELECT count(*) FROM slots a JOIN slots b ON a.technicien_id = b.technicien_id"
        " AND a.id < b.id AND a.date_debut < b.date_fin AND b.date_debut < a.date_fin",
    )
    assert overlaps == 0


def test_the_principal_row_matches_every_assigned_intervention(seeded: Connection):
    assert (
        _one(
            seeded,
            "SELECT count(*) FROM interventions i WHERE i.technicien_id IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM intervention_techniciens it WHERE it.intervention_id = i.id"
            "  AND it.technicien_id = i.technicien_id AND it.role = 'principal')",
        )
        == 0
    )


def test_the_demo_technician_has_work_today_or_this_week_and_the_demo_client_has_requests(
    seeded: Connection,
):
    tech_week = _one(
        seeded,
        "SELECT count(*) FROM interventions i JOIN techniciens t ON t.id = i.technicien_id"
        " JOIN users u ON u.id = t.user_id WHERE u.username = 'technicien'"
        " AND i.statut IN ('affectee', 'en_cours', 'en_attente')"
        " AND i.date_planifiee < now() + interval '7 days'",
    )
    assert tech_week >= 3
    client_open = _one(
        seeded,
        "SELECT count(*) FROM interventions i JOIN clients c ON c.id = i.client_id"
        " JOIN users u ON u.id = c.user_id WHERE u.username = 'client'"
        " AND i.statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente')",
    )
    assert client_open >= 1


def test_an_intervention_is_marked_planned_exactly_when_it_has_a_slot(seeded: Connection):
    # interventions.planifiee (revision 0016): the planning trigger's work, or the bulk path's
    assert (
        _one(
            seeded,
            "SELECT count(*) FROM interventions i WHERE i.planifiee IS DISTINCT FROM"
            " EXISTS (SELECT 1 FROM planning p WHERE p.intervention_id = i.id)",
        )
        == 0
    )
    assert _one(seeded, "SELECT count(*) FROM interventions WHERE planifiee") == _one(
        seeded, "SELECT count(*) FROM planning"
    )
    # derived, never in the audit trail
    assert (
        _one(
            seeded,
            "SELECT count(*) FROM historiques_interventions WHERE nouvelle_valeur ? 'planifiee'",
        )
        == 0
    )


def test_every_seeded_intervention_has_its_creation_audit_row_with_the_full_row(
    seeded: Connection,
):
    # Other tests may commit later changes (the CLI's archive run): only creations are counted.
    missing = _one(
        seeded,
        "SELECT count(*) FROM interventions i WHERE NOT EXISTS ("
        " SELECT 1 FROM historiques_interventions h WHERE h.intervention_id = i.id"
        " AND h.action = 'creation' AND h.nouvelle_valeur->>'titre' = i.titre)",
    )
    assert missing == 0
    assert _one(
        seeded, "SELECT count(*) FROM historiques_interventions WHERE action = 'creation'"
    ) == _one(seeded, "SELECT count(*) FROM interventions")


def test_history_spreads_over_about_ten_years_and_invoices_keep_the_numbering_format(
    seeded: Connection,
):
    oldest = _one(seeded, "SELECT min(date_creation) FROM interventions")
    assert oldest < datetime.now(UTC) - timedelta(days=7 * 365)
    years = _one(seeded, "SELECT count(DISTINCT date_part('year', date_emission)) FROM factures")
    assert years >= 8
    assert (
        _one(
            seeded,
            "SELECT max(n) FROM (SELECT count(*) AS n FROM factures"
            " GROUP BY split_part(numero_facture, '-', 2)) s",
        )
        <= seed.MAX_INVOICES_PER_YEAR
    )


def test_stock_movements_never_take_a_part_below_zero_and_number_about_two_per_intervention(
    seeded: Connection,
):
    assert _one(seeded, seed.STOCK_RUNNING_CHECK) == 0
    movements = _one(seeded, "SELECT count(*) FROM mouvements_stock")
    assert movements >= 1.5 * _one(seeded, "SELECT count(*) FROM interventions")
    # every part line consumed has its 'sortie' movement
    assert (
        _one(
            seeded,
            "SELECT count(*) FROM intervention_pieces ip WHERE NOT EXISTS (SELECT 1"
            " FROM mouvements_stock m WHERE m.intervention_id = ip.intervention_id"
            " AND m.piece_id = ip.piece_id AND m.type_mouvement = 'sortie'"
            " AND m.quantite = ip.quantite)",
        )
        == 0
    )


def test_a_machine_last_maintenance_is_its_latest_closing_and_documents_carry_their_machine(
    seeded: Connection,
):
    # >=: other tests may archive closed interventions later (the CLI's archive run)
    assert (
        _one(
            seeded,
            "SELECT count(*) FROM equipements e JOIN (SELECT equipement_id, max(date_fin) AS d"
            " FROM interventions WHERE statut = 'cloturee' GROUP BY equipement_id) m"
            " ON m.equipement_id = e.id"
            " WHERE e.derniere_maintenance IS NULL OR e.derniere_maintenance < m.d",
        )
        == 0
    )
    assert (
        _one(
            seeded,
            "SELECT count(*) FROM documents d JOIN interventions i ON i.id = d.intervention_id"
            " WHERE d.equipement_id IS DISTINCT FROM i.equipement_id",
        )
        == 0
    )
    assert _one(seeded, "SELECT count(*) FROM documents WHERE intervention_id IS NOT NULL")


def test_after_the_bulk_load_every_trigger_key_and_index_is_back(
    bulk_engine: Engine, rows_engine: Engine
):
    def schema(engine: Engine) -> dict[str, object]:
        with engine.connect() as c:
            return {
                "disabled_triggers": _one(
                    c, "SELECT count(*) FROM pg_trigger WHERE tgenabled = 'D'"
                ),
                "unvalidated": _one(c, "SELECT count(*) FROM pg_constraint WHERE NOT convalidated"),
                "constraints": c.execute(
                    text(
                        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                        " FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
                        " ORDER BY 1, 2"
                    )
                ).all(),
                "indexes": c.execute(
                    text("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")
                ).all(),
                "triggers": c.execute(
                    text(
                        "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger"
                        " WHERE NOT tgisinternal ORDER BY 1, 2"
                    )
                ).all(),
            }

    bulk, rows = schema(bulk_engine), schema(rows_engine)
    assert bulk["disabled_triggers"] == 0 and bulk["unvalidated"] == 0
    assert bulk == rows


# Per table: what the triggers derive, as comparable rows (ids are the generator's).
DERIVED: dict[str, str] = {
    "audit": "SELECT intervention_id, user_id, action::text, description, ancienne_valeur,"
    " nouvelle_valeur, adresse_ip, user_agent FROM historiques_interventions",
    "principal": "SELECT intervention_id, technicien_id, role::text FROM intervention_techniciens",
    "movements": "SELECT piece_id, intervention_id, user_id, type_mouvement::text, quantite,"
    " prix_unitaire, date_mouvement, commentaire, bon_commande, bon_livraison"
    " FROM mouvements_stock",
    "stock": "SELECT id, stock_actuel FROM pieces_detachees",
    "usage": "SELECT id, nb_interventions_utilisees FROM contrats",
    "last_maintenance": "SELECT id, derniere_maintenance, statut::text FROM equipements",
    "documents": "SELECT intervention_id, equipement_id, nom_fichier FROM documents",
    "taches": "SELECT intervention_id, equipement_id, description FROM taches",
    "interventions": "SELECT id, client_id, date_debut, date_fin, duree_reelle, cout_reel"
    " FROM interventions",
    "occupations": "SELECT o.technicien_id, o.periode, o.intervention_id, o.absence_id"
    " FROM planning_occupations o",
    "planned": "SELECT id, planifiee FROM interventions",
}


@pytest.mark.parametrize("what", sorted(DERIVED))
def test_the_bulk_path_derives_exactly_what_the_triggers_derive(
    what: str, bulk_engine: Engine, rows_engine: Engine
):
    def rows(engine: Engine) -> Counter:
        with engine.connect() as c:
            return Counter(tuple(map(str, r)) for r in c.execute(text(DERIVED[what])))

    bulk, triggers = rows(bulk_engine), rows(rows_engine)
    assert bulk and bulk == triggers


def test_invoices_are_grouped_by_quarter_half_or_year_when_a_year_would_overflow_the_numbering(
    monkeypatch: pytest.MonkeyPatch,
):
    def invoices(cap: int) -> list[tuple]:
        monkeypatch.setattr(seed, "MAX_INVOICES_PER_YEAR", cap)
        gen = seed.Generator(scale=2, rng_seed=7, now=datetime(2026, 5, 10, 9, tzinfo=seed.TZ))
        gen.people({u: "x" for u in seed.DEMO_ACCOUNTS}, "x")
        gen.equipment()
        gen.contracts()
        gen.interventions()
        gen.details()
        gen.billing()
        return gen.rows["factures"]

    monthly = invoices(99_999)
    busiest = max(Counter(f[3][4:8] for f in monthly).values())
    capped = invoices(busiest - 1)
    assert max(Counter(f[3][4:8] for f in capped).values()) <= busiest - 1
    for rows in (monthly, capped):
        numbers = sorted(f[3] for f in rows)
        by_year = Counter()
        for n in numbers:  # gapless FAC-YYYY-00001.. per year
            by_year[n[4:8]] += 1
            assert n == f"FAC-{n[4:8]}-{by_year[n[4:8]]:05d}"
    # the same work is invoiced, only grouped differently
    assert sum((f[8] for f in capped), Decimal(0)) == sum((f[8] for f in monthly), Decimal(0))
    assert any("T" in f[11] or "S" in f[11] or f[11].endswith(f[3][4:8]) for f in capped)


def test_every_demo_document_is_a_stored_file_matching_its_checksum(seeded: Connection):
    from db import storage

    rows = seeded.execute(
        text(
            "SELECT DISTINCT checksum, mime_type, taille FROM documents WHERE checksum IS NOT NULL"
        )
    ).all()
    assert rows, "the demo has documents"
    for checksum, mime, size in rows:
        data = storage.read_verified(checksum)  # refuses a missing or corrupted file
        assert len(data) == size
        assert storage.check_content(data) == mime
