"""The intervention audit trail (``historiques_interventions``), checked with raw SQL.

A trigger writes one row per insert/update of an intervention with the seed's action enum
(never ``TG_OP``), only the changed columns in old/new JSON, and who/where from the transaction
settings; audit rows are immutable except for the retention function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from db.session import Actor, apply_actor
from tests.conftest import act_as, assert_refused, sql_error
from tests.factories import insert, make_client, make_equipement, make_intervention, make_technicien


@dataclass
class Scene:
    equipement: int
    technicien: int
    other_technicien: int
    user: int


def scene(conn: Connection) -> Scene:
    """A machine, two technicians, and a responsable acting from 10.1.2.3 with 'pytest'."""
    client_id, _ = make_client(conn)
    equipement_id = make_equipement(conn, client_id)
    t1, _ = make_technicien(conn)
    t2, _ = make_technicien(conn)
    user_id = conn.execute(
        text(
            "INSERT INTO users (username, full_name, email, hashed_password, role)"
            " VALUES ('audit_resp', 'Resp Audit', 'audit_resp@test.ma', 'x', 'responsable')"
            " RETURNING id"
        )
    ).scalar_one()
    apply_actor(conn, Actor(user_id=user_id, client_ip="10.1.2.3", user_agent="pytest"))
    return Scene(equipement_id, t1, t2, user_id)


def audit(conn: Connection, intervention_id: int) -> list[Any]:
    return conn.execute(
        text(
            "SELECT action::text AS action, ancienne_valeur, nouvelle_valeur, user_id,"
            " host(adresse_ip) AS ip, user_agent, description"
            " FROM historiques_interventions WHERE intervention_id = :i ORDER BY id"
        ),
        {"i": intervention_id},
    ).all()


def update(conn: Connection, intervention_id: int, assignments: str, **params: Any) -> None:
    conn.execute(
        text(f"UPDATE interventions SET {assignments} WHERE id = :i"),
        {"i": intervention_id, **params},
    )


def test_creating_an_intervention_logs_a_creation_row(conn: Connection) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement, titre="Fuite d'huile")
    rows = audit(conn, i)
    assert [r.action for r in rows] == ["creation"]
    assert rows[0].ancienne_valeur is None
    assert rows[0].nouvelle_valeur["titre"] == "Fuite d'huile"
    assert rows[0].nouvelle_valeur["statut"] == "ouverte"


def test_changing_the_technician_logs_an_affectation(conn: Connection) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement)
    update(conn, i, "technicien_id = :t, statut = 'affectee'", t=s.technicien)
    last = audit(conn, i)[-1]
    assert last.action == "affectation"
    assert last.ancienne_valeur == {"technicien_id": None, "statut": "ouverte"}
    assert last.nouvelle_valeur == {"technicien_id": s.technicien, "statut": "affectee"}


def test_reassigning_the_technician_logs_an_affectation(conn: Connection) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement, technicien_id=s.technicien, statut="affectee")
    update(conn, i, "technicien_id = :t", t=s.other_technicien)
    last = audit(conn, i)[-1]
    assert last.action == "affectation"
    assert last.ancienne_valeur == {"technicien_id": s.technicien}
    assert last.nouvelle_valeur == {"technicien_id": s.other_technicien}


def test_changing_the_status_logs_a_changement_statut(conn: Connection) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement, technicien_id=s.technicien, statut="affectee")
    update(conn, i, "statut = 'en_cours'")
    last = audit(conn, i)[-1]
    assert last.action == "changement_statut"
    # date_debut was set by the status rule in the same update: it changed too.
    assert set(last.nouvelle_valeur) == {"statut", "date_debut"}
    assert last.ancienne_valeur == {"statut": "affectee", "date_debut": None}
    assert last.nouvelle_valeur["statut"] == "en_cours"


def test_any_other_change_logs_a_modification_with_only_the_changed_columns(
    conn: Connection,
) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement, titre="Avant")
    update(conn, i, "titre = 'Après', diagnostic = 'Joint usé'")
    last = audit(conn, i)[-1]
    assert last.action == "modification"
    assert last.ancienne_valeur == {"titre": "Avant", "diagnostic": None}
    assert last.nouvelle_valeur == {"titre": "Après", "diagnostic": "Joint usé"}


def test_the_action_is_never_the_sql_operation_name(conn: Connection) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement)
    update(conn, i, "titre = 'Nouveau titre'")
    update(conn, i, "technicien_id = :t, statut = 'affectee'", t=s.technicien)
    update(conn, i, "statut = 'annulee'")
    actions = [r.action for r in audit(conn, i)]
    assert actions == ["creation", "modification", "affectation", "changement_statut"]
    assert not {"INSERT", "UPDATE", "DELETE"} & set(actions)


def test_who_and_from_where_come_from_the_transaction_settings(conn: Connection) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement)
    update(conn, i, "description = 'Bruit anormal'")
    for r in audit(conn, i):
        assert r.user_id == s.user
        assert r.ip == "10.1.2.3"
        assert r.user_agent == "pytest"


def test_without_settings_the_audit_row_has_no_user(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    i = make_intervention(conn, make_equipement(conn, client_id))
    (r,) = audit(conn, i)
    assert (r.user_id, r.ip, r.user_agent) == (None, None, None)


def test_an_update_that_changes_nothing_writes_no_audit_row(conn: Connection) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement)
    update(conn, i, "titre = titre, statut = statut")
    assert [r.action for r in audit(conn, i)] == ["creation"]


def test_an_audit_row_cannot_be_updated_even_by_the_owner(conn: Connection) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement)
    exc = sql_error(
        conn,
        "UPDATE historiques_interventions SET description = 'falsifié' WHERE intervention_id = :i",
        {"i": i},
    )
    assert_refused(exc, "historique_immuable")


def test_an_audit_row_cannot_be_deleted_even_by_the_owner(conn: Connection) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement)
    exc = sql_error(
        conn, "DELETE FROM historiques_interventions WHERE intervention_id = :i", {"i": i}
    )
    assert_refused(exc, "historique_immuable")
    assert len(audit(conn, i)) == 1


def test_the_retention_flag_does_not_outlive_the_retention_function(conn: Connection) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement)
    conn.execute(text("SELECT archive_old_interventions()"))
    exc = sql_error(
        conn, "DELETE FROM historiques_interventions WHERE intervention_id = :i", {"i": i}
    )
    assert_refused(exc, "historique_immuable")


def test_archive_old_interventions_archives_those_closed_more_than_two_years_ago(
    conn: Connection,
) -> None:
    s = scene(conn)
    old = make_intervention(
        conn,
        s.equipement,
        technicien_id=s.technicien,
        statut="cloturee",
        date_creation="2020-01-01T08:00:00+00",
        date_debut="2020-01-02T08:00:00+00",
        date_fin="2020-01-02T12:00:00+00",
    )
    recent = make_intervention(conn, s.equipement, technicien_id=s.technicien, statut="cloturee")
    running = make_intervention(
        conn,
        s.equipement,
        technicien_id=s.technicien,
        statut="en_cours",
        date_creation="2020-01-01T08:00:00+00",
        date_debut="2020-01-02T08:00:00+00",
    )
    conn.execute(text("SELECT archive_old_interventions()"))
    statuts = dict(
        conn.execute(
            text("SELECT id, statut::text FROM interventions WHERE id IN (:a, :b, :c)"),
            {"a": old, "b": recent, "c": running},
        ).all()
    )
    assert statuts == {old: "archivee", recent: "cloturee", running: "en_cours"}
    assert audit(conn, old)[-1].action == "changement_statut"


def test_archive_old_interventions_deletes_audit_rows_older_than_three_years(
    conn: Connection,
) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement)
    ancient = insert(
        conn,
        "historiques_interventions",
        intervention_id=i,
        action="modification",
        description="Ligne ancienne",
        horodatage="2019-01-01T00:00:00+00",
    )
    kept = insert(
        conn,
        "historiques_interventions",
        intervention_id=i,
        action="modification",
        description="Ligne d'il y a deux ans",
        horodatage=datetime.now(UTC) - timedelta(days=2 * 365),
    )
    exc = sql_error(conn, "DELETE FROM historiques_interventions WHERE id = :h", {"h": ancient})
    assert_refused(exc, "historique_immuable")

    conn.execute(text("SELECT archive_old_interventions()"))
    left = set(
        conn.execute(
            text("SELECT id FROM historiques_interventions WHERE intervention_id = :i"), {"i": i}
        ).scalars()
    )
    assert ancient not in left
    assert kept in left
    assert len(left) == 2  # the creation row and the two-year-old one


def test_archive_old_interventions_drops_read_notifications_older_than_six_months(
    conn: Connection,
) -> None:
    s = scene(conn)
    old_read = insert(
        conn,
        "notifications",
        user_id=s.user,
        titre="Ancienne",
        lu=True,
        date_envoi="2020-01-01T00:00:00+00",
        date_lu="2020-01-02T00:00:00+00",
    )
    old_unread = insert(
        conn, "notifications", user_id=s.user, titre="Non lue", date_envoi="2020-01-01T00:00:00+00"
    )
    fresh_read = insert(conn, "notifications", user_id=s.user, titre="Récente", lu=True)
    conn.execute(text("SELECT archive_old_interventions()"))
    left = set(
        conn.execute(
            text("SELECT id FROM notifications WHERE user_id = :u"), {"u": s.user}
        ).scalars()
    )
    assert left == {old_unread, fresh_read}
    assert old_read not in left


def test_changes_made_through_the_app_role_are_audited_with_their_author(
    conn: Connection,
) -> None:
    s = scene(conn)
    i = make_intervention(conn, s.equipement, technicien_id=s.technicien, statut="affectee")
    act_as(conn, Actor(user_id=s.user, client_ip="10.1.2.3", user_agent="pytest"))
    update(conn, i, "statut = 'en_cours'")
    update(conn, i, "solution = 'Remplacement du joint'")
    rows = audit(conn, i)
    assert [r.action for r in rows[-2:]] == ["changement_statut", "modification"]
    assert {(r.user_id, r.ip, r.user_agent) for r in rows[-2:]} == {(s.user, "10.1.2.3", "pytest")}
