"""Migrations: the schema matches seed 004's names, and every revision downgrades cleanly."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, pool, text
from sqlalchemy.engine import URL

from db import config, migrate, seed
from tests.conftest import recreate_database

SEED_004 = next((Path(__file__).resolve().parents[3] / "shared" / "seeds").glob("004_*.txt"), None)


def _seed_text() -> str:
    if SEED_004 is None:
        pytest.skip("seed document not found beside the project")
    return SEED_004.read_text(encoding="utf-8")


def _scalar(url: URL, sql: str, **params: object) -> object:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


@pytest.fixture
def scratch_url() -> Iterator[URL]:
    """An empty database of its own (dropped afterwards)."""
    url = config.owner_url(f"{config.owner_url().database}_scratch")
    recreate_database(url)
    yield url
    migrate.drop_database(url)


def test_upgrade_downgrade_upgrade_works_on_a_database_full_of_demo_data(scratch_url: URL):
    migrate.upgrade(scratch_url)
    first = seed.run_seed(url=scratch_url)
    assert first.created and all(n > 0 for n in first.counts.values()), first.counts

    migrate.downgrade(scratch_url, "base")
    leftovers = _scalar(
        scratch_url,
        "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        "         AND tablename <> 'alembic_version')"
        " + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        "     WHERE n.nspname = 'public' AND t.typtype = 'e')"
        " + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        "     WHERE n.nspname = 'public')"
        " + (SELECT count(*) FROM pg_matviews WHERE schemaname = 'public')"
        " + (SELECT count(*) FROM pg_views WHERE schemaname = 'public')"
        " + (SELECT count(*) FROM pg_policies WHERE schemaname = 'public')",
    )
    assert leftovers == 0

    migrate.upgrade(scratch_url)
    again = seed.run_seed(url=scratch_url)
    assert again.created
    assert again.counts == first.counts


def test_the_warranty_revision_back_fills_installation_plus_24_months(scratch_url: URL):
    migrate.upgrade(scratch_url, "0001")
    engine = create_engine(scratch_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        uid = conn.execute(
            text(
                "INSERT INTO users (username, full_name, email, hashed_password, role)"
                " VALUES ('c', 'C', 'c@x.ma', 'h', 'client') RETURNING id"
            )
        ).scalar()
        cid = conn.execute(
            text("INSERT INTO clients (user_id, nom_entreprise) VALUES (:u, 'X') RETURNING id"),
            {"u": uid},
        ).scalar()
        conn.execute(
            text(
                "INSERT INTO equipements (client_id, nom, numero_serie, date_installation)"
                " VALUES (:c, 'Pompe', 'SN-1', DATE '2024-02-29'), (:c, 'Tour', 'SN-2', NULL)"
            ),
            {"c": cid},
        )
    migrate.upgrade(scratch_url, "0002")
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                text(
                    "SELECT numero_serie, (date_fin_garantie, duree_garantie_mois)::text"
                    " FROM equipements"
                )
            ).all()
        )
    assert rows["SN-1"] == f"({date(2026, 2, 28)},24)"
    assert rows["SN-2"] == "(,)"

    migrate.downgrade(scratch_url, "0001")
    assert (
        _scalar(
            scratch_url,
            "SELECT count(*) FROM information_schema.columns"
            " WHERE table_name = 'equipements' AND column_name LIKE '%garantie%'",
        )
        == 0
    )
    engine.dispose()


def test_every_index_named_in_seed_004_exists(conn: Connection):
    names = set(re.findall(r"CREATE (?:UNIQUE )?INDEX (idx_\w+)", _seed_text()))
    assert len(names) == 14  # 11 plain + 3 partial
    existing = set(
        conn.execute(text("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")).scalars()
    )
    assert names <= existing, names - existing


def test_every_enum_of_seed_004_has_exactly_the_seed_labels(conn: Connection):
    declared = re.findall(r"CREATE TYPE (\w+) AS ENUM \(([^)]*)\)", _seed_text())
    assert len(declared) == 7
    for name, labels in declared:
        expected = [label.strip().strip("'") for label in labels.split(",")]
        actual = list(
            conn.execute(
                text(
                    "SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid"
                    " WHERE t.typname = :n ORDER BY e.enumsortorder"
                ),
                {"n": name},
            ).scalars()
        )
        assert actual == expected, name


def test_every_table_and_column_of_seed_004_exists(conn: Connection):
    diagram = _seed_text().split("```mermaid", 1)[1].split("%% Many-to-Many", 1)[0]
    for table, body in re.findall(r"\n    (\w+) \{\n(.*?)\n    \}", diagram, re.S):
        columns = [line.split()[1] for line in body.strip().splitlines()]
        actual = set(
            conn.execute(
                text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"),
                {"t": table},
            ).scalars()
        )
        assert actual, f"table {table} missing"
        assert set(columns) <= actual, (table, set(columns) - actual)


def test_every_table_has_timestamps_and_an_updated_at_trigger(conn: Connection):
    tables = (
        conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'alembic_version'"
                # the job engine's tables (revision 0013) keep the package's own schema
                " AND tablename NOT LIKE 'procrastinate%'"
            )
        )
        .scalars()
        .all()
    )
    # 24 of the data model, login_events, login_secret, retention_runs, intervention_competences,
    # absences and planning_occupations (revision 0014)
    assert len(tables) == 30
    for table in tables:
        cols = set(
            conn.execute(
                text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"),
                {"t": table},
            ).scalars()
        )
        assert {"created_at", "updated_at"} <= cols, table
        trigger = conn.execute(
            text("SELECT 1 FROM pg_trigger WHERE tgname = :n"), {"n": f"trg_{table}_updated_at"}
        ).scalar()
        assert trigger, table
