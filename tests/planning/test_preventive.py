"""Preventive plans: work orders generated ahead of the next maintenance, once per machine,
and closing one moves the machine's next date forward by its interval."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.equipment.preventive import generate_preventive
from db.equipment.service import validate_equipement
from db.errors import ServiceError, ValidationError
from db.validation import business_today
from tests.conftest import assert_refused, sql_error
from tests.factories import make_client, make_equipement, make_technicien


def open_preventives(conn: Connection, machine: int) -> int:
    return conn.execute(
        text(
            "SELECT count(*) FROM interventions WHERE equipement_id = :e"
            " AND type_intervention = 'preventive'"
            " AND statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente')"
        ),
        {"e": machine},
    ).scalar_one()


def test_generation_creates_one_work_order_per_machine_due_and_is_idempotent(
    conn: Connection, session: Session
):
    client, _ = make_client(conn)
    today = business_today()
    due = make_equipement(conn, client, prochaine_maintenance=today + timedelta(days=10))
    late = make_equipement(conn, client, prochaine_maintenance=today - timedelta(days=40))
    later = make_equipement(conn, client, prochaine_maintenance=today + timedelta(days=90))
    retired = make_equipement(
        conn, client, prochaine_maintenance=today + timedelta(days=1), statut="retire"
    )
    first = generate_preventive(session=session, horizon_days=30)
    assert first >= 2
    assert [open_preventives(conn, m) for m in (due, late, later, retired)] == [1, 1, 0, 0]
    assert generate_preventive(session=session, horizon_days=30) == 0
    row = conn.execute(
        text(
            "SELECT statut::text, priorite::text, client_id, titre, date_limite > now()"
            " FROM interventions WHERE equipement_id = :e"
        ),
        {"e": late},
    ).one()
    assert row[:3] == ("ouverte", "programmee", client)
    assert row[3].startswith("Maintenance préventive") and row[4]


def test_a_second_open_preventive_on_one_machine_is_refused_by_the_database(conn: Connection):
    client, _ = make_client(conn)
    machine = make_equipement(conn, client)
    sql = (
        "INSERT INTO interventions (equipement_id, titre, type_intervention)"
        " VALUES (:e, 'Visite', 'preventive')"
    )
    conn.execute(text(sql), {"e": machine})
    assert_refused(
        sql_error(conn, sql, {"e": machine}), "uq_intervention_preventive_ouverte", "23505"
    )


def test_closing_a_preventive_moves_the_next_maintenance_forward_by_the_interval(
    conn: Connection,
):
    client, _ = make_client(conn)
    tech, _ = make_technicien(conn)
    due = business_today() + timedelta(days=5)
    machine = make_equipement(
        conn, client, prochaine_maintenance=due, intervalle_maintenance_jours=90
    )
    job = conn.execute(
        text(
            "INSERT INTO interventions (equipement_id, titre, type_intervention, technicien_id,"
            " statut) VALUES (:e, 'Visite', 'preventive', :t, 'affectee') RETURNING id"
        ),
        {"e": machine, "t": tech},
    ).scalar_one()
    for statut in ("en_cours", "cloturee"):
        conn.execute(
            text("UPDATE interventions SET statut = :s, solution = 'RAS' WHERE id = :i"),
            {"s": statut, "i": job},
        )
    after = conn.execute(
        text("SELECT prochaine_maintenance FROM equipements WHERE id = :e"), {"e": machine}
    ).scalar_one()
    assert after == due + timedelta(days=90)


def test_an_interval_of_zero_or_negative_days_is_refused(
    conn: Connection,
):
    client, _ = make_client(conn)
    machine = make_equipement(conn, client, prochaine_maintenance=date(2031, 1, 1))
    for bad in (0, -5):
        exc = sql_error(
            conn,
            "UPDATE equipements SET intervalle_maintenance_jours = :v WHERE id = :e",
            {"v": bad, "e": machine},
        )
        assert_refused(exc, "ck_equipements_intervalle_maintenance_positif")


@pytest.mark.parametrize("horizon", [-1, 367, "30", 1.5, None, True])
def test_a_bad_horizon_is_refused_in_french(session: Session, horizon: object):
    with pytest.raises(ServiceError, match="Horizon"):
        generate_preventive(session=session, horizon_days=horizon)  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "message"), [(0, "1 au minimum"), (-5, "au moins 1 jour")])
def test_the_registry_form_refuses_an_interval_of_zero_or_negative_days_beside_the_field(
    value: int, message: str
):
    with pytest.raises(ValidationError) as err:
        validate_equipement(
            {"intervalle_maintenance_jours": value}, fields=("intervalle_maintenance_jours",)
        )
    assert message in err.value.errors["intervalle_maintenance_jours"]
    ok = validate_equipement(
        {"intervalle_maintenance_jours": "90"}, fields=("intervalle_maintenance_jours",)
    )
    assert ok == {"intervalle_maintenance_jours": 90}
