"""Revision 0014 on a database that already has two open preventive interventions on one
machine: it keeps the one due first, cancels the others with a French reason in the audit
trail, and then creates its unique index (instead of failing on it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import URL

from db import config, migrate
from tests.conftest import TEST_DB, recreate_database
from tests.factories import make_client, make_equipement, make_intervention, make_technicien


@pytest.fixture
def at_0013() -> Iterator[URL]:
    """A database of its own, migrated up to revision 0013 only (dropped afterwards)."""
    url = config.owner_url(f"{TEST_DB}_prev0013")
    recreate_database(url)
    migrate.upgrade(url, "0013")
    yield url
    migrate.drop_database(url)


def test_upgrading_keeps_the_work_in_progress_then_the_one_due_first_and_cancels_the_rest(
    at_0013: URL,
):
    soon = datetime.now(UTC) + timedelta(days=5)
    engine = create_engine(at_0013, poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            client, _ = make_client(conn)
            crowded, alone = make_equipement(conn, client), make_equipement(conn, client)
            other = make_equipement(conn, client)
            tech, _ = make_technicien(conn)

            def preventive(machine: int, **extra: object) -> int:
                return make_intervention(conn, machine, type_intervention="preventive", **extra)

            later = preventive(crowded, date_limite=soon + timedelta(days=10))
            first = preventive(crowded, date_limite=soon, statut="affectee", technicien_id=tech)
            undated = preventive(crowded)
            single = preventive(alone, date_limite=soon)
            # furthest along wins over the earliest deadline: work in progress is kept
            started = preventive(
                other, date_limite=soon + timedelta(days=20), statut="en_cours", technicien_id=tech
            )
            due_first = preventive(other, date_limite=soon)
            corrective = make_intervention(conn, crowded)
        migrate.upgrade(at_0013)
        with engine.connect() as conn:
            statut = {
                r.id: r.statut
                for r in conn.execute(text("SELECT id, statut::text AS statut FROM interventions"))
            }
            trail = {
                r.intervention_id: r.description
                for r in conn.execute(
                    text(
                        "SELECT intervention_id, description FROM historiques_interventions"
                        " WHERE action = 'changement_statut'"
                    )
                )
            }
            index = conn.execute(
                text("SELECT to_regclass('uq_intervention_preventive_ouverte') IS NOT NULL")
            ).scalar_one()
    finally:
        engine.dispose()
    assert statut == {
        later: "annulee",
        first: "affectee",
        undated: "annulee",
        single: "ouverte",
        corrective: "ouverte",
        started: "en_cours",
        due_first: "annulee",
    }
    assert set(trail) == {later, undated, due_first}
    for description in trail.values():
        assert description.startswith("Statut : ouverte → annulee — motif : doublon de"), (
            description
        )
        assert "préventive" in description
    assert index
