"""Which columns of an intervention each role may change (trigger intervention_role_guard).

Row-level security decides which rows a user writes; this guard decides which columns, so a
client cannot close or re-cost its own intervention by a hand-written UPDATE through the app.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text

from db.errors import describe
from tests.conftest import act_as, sql_error
from tests.factories import world


def _set(conn: Connection, interv: int, sql_set: str) -> None:
    conn.execute(text(f"UPDATE interventions SET {sql_set} WHERE id = :i"), {"i": interv})


def _refused(conn: Connection, interv: int, sql_set: str) -> BaseException:
    exc = sql_error(conn, f"UPDATE interventions SET {sql_set} WHERE id = {interv}")
    assert exc.orig.diag.constraint_name == "intervention_droits_role"
    assert exc.orig.sqlstate == "42501"
    assert describe(exc).message.startswith("Votre profil")
    return exc


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    data = world(conn)
    # a fresh open request of client 1, and a closed job of client 1 done by tech 1
    eq = data["equip1"]
    data["open1"] = conn.execute(
        text("INSERT INTO interventions (equipement_id, titre) VALUES (:e, 'Fuite') RETURNING id"),
        {"e": eq},
    ).scalar()
    data["closed1"] = conn.execute(
        text(
            "INSERT INTO interventions (equipement_id, titre, technicien_id, statut,"
            " date_debut, date_fin) VALUES (:e, 'Révision', :t, 'cloturee',"
            " now() - interval '3 hours', now() - interval '1 hour') RETURNING id"
        ),
        {"e": eq, "t": data["tech1"]},
    ).scalar()
    return data


def test_a_client_cannot_close_or_reassign_its_own_intervention(conn: Connection, w: dict):
    act_as(conn, w["actor_client1"])
    _refused(conn, w["interv1"], "statut = 'en_cours'")
    _refused(conn, w["interv1"], f"technicien_id = {w['tech2']}")
    _refused(conn, w["closed1"], "cout_reel = 0")


def test_a_client_edits_and_cancels_its_open_request_and_rates_a_closed_one(
    conn: Connection, w: dict
):
    act_as(conn, w["actor_client1"])
    _set(conn, w["open1"], "description = 'Fuite sous la cuve', priorite = 'haute'")
    _set(conn, w["open1"], "statut = 'annulee'")
    _set(conn, w["closed1"], "satisfaction_client = 5")
    rows = conn.execute(
        text(
            "SELECT statut::text, satisfaction_client FROM interventions WHERE id IN (:a, :b)"
            " ORDER BY id"
        ),
        {"a": w["open1"], "b": w["closed1"]},
    ).all()
    assert [tuple(r) for r in rows] == [("annulee", None), ("cloturee", 5)]


def test_a_client_cannot_rate_an_intervention_that_is_not_closed(conn: Connection, w: dict):
    act_as(conn, w["actor_client1"])
    _refused(conn, w["interv1"], "satisfaction_client = 4")


def test_a_technician_runs_the_job_but_cannot_move_it_rate_it_or_archive_it(
    conn: Connection, w: dict
):
    act_as(conn, w["actor_tech1"])
    _set(conn, w["interv1"], "statut = 'en_cours', diagnostic = 'Roulement usé'")
    _set(conn, w["interv1"], "statut = 'cloturee', solution = 'Roulement remplacé'")
    _refused(conn, w["interv1"], "statut = 'archivee'")
    _refused(conn, w["interv1"], f"technicien_id = {w['tech2']}")
    _refused(conn, w["interv1"], "satisfaction_client = 5")
    _refused(conn, w["interv1"], "date_limite = now() + interval '9 days'")


def test_a_manager_may_change_any_column(conn: Connection, w: dict):
    act_as(conn, w["actor_resp"])
    _set(conn, w["interv1"], f"technicien_id = {w['tech2']}, priorite = 'urgente'")
    _set(conn, w["closed1"], "statut = 'archivee'")


def test_system_work_without_a_user_is_not_restricted(conn: Connection, w: dict):
    _set(conn, w["interv1"], "statut = 'en_cours', cout_estime = 900")
