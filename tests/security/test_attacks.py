"""The attacks of the access review, replayed through the app role: each must now fail.

Every statement runs as the application would run it: ``act_as`` switches the transaction to
the login role ``mif_app`` with a user id in the settings, and ``apply_actor`` then switches to
that user's database role. A refusal is either a missing privilege (42501, said in French by
``db.errors.describe``), a named rule, or a statement that touches no row.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text

from db.errors import describe
from db.session import Actor
from tests.conftest import ENGLISH_MARKERS, act_as, sql_error, touches_nothing
from tests.factories import insert, make_equipement, make_intervention, make_piece, world

NOBODY = Actor()


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    """``world`` plus a closed intervention with its audit trail, a part line, a document, a
    task and a conversation on client 1's machine, and a manual of client 2's machine."""
    w = world(conn)
    piece = make_piece(conn, stock=20)
    i1 = w["interv1"]
    conn.execute(
        text(
            "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
            " VALUES (:i, :p, 2, 50)"
        ),
        {"i": i1, "p": piece},
    )
    w["piece"] = piece
    w["doc1"] = insert(
        conn,
        "documents",
        intervention_id=i1,
        nom_fichier="rapport.pdf",
        chemin="uploads/rapport.pdf",
        type_document="rapport",
    )
    w["manual2"] = insert(
        conn,
        "documents",
        equipement_id=w["equip2"],
        nom_fichier="manuel.pdf",
        chemin="uploads/manuel.pdf",
        type_document="manuel",
    )
    w["task1"] = insert(conn, "taches", intervention_id=i1, description="Contrôle")
    w["conv1"] = insert(conn, "conversations", titre="Suivi", intervention_id=i1)
    for user in (w["actor_client1"].user_id, w["actor_tech1"].user_id):
        conn.execute(
            text(
                "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (:c, :u)"
            ),
            {"c": w["conv1"], "u": user},
        )
    insert(
        conn,
        "messages",
        conversation_id=w["conv1"],
        user_id=w["actor_tech1"].user_id,
        contenu="Pièce commandée",
    )
    w["admin_user"] = w["actor_admin"].user_id
    w["resp_user"] = w["actor_resp"].user_id
    return w


def refused(conn: Connection, statement: str, params: dict[str, Any] | None = None) -> None:
    """The statement is refused by the database, with a French message for the user."""
    exc = sql_error(conn, statement, params)
    orig = getattr(exc, "orig", exc)
    assert orig.sqlstate in ("42501", "23514", "23503"), orig
    message = describe(exc).message
    assert message and not any(m in message.lower() for m in ENGLISH_MARKERS), message


def actor(w: dict[str, Any], who: str) -> Actor:
    return NOBODY if who == "nobody" else w[f"actor_{who}"]


# --- 1. users, technicians and skills -------------------------------------------------------

EVERYONE = ["nobody", "client1", "tech1", "resp", "admin"]


@pytest.mark.parametrize("who", EVERYONE)
def test_no_one_reads_a_password_hash(conn: Connection, w: dict[str, Any], who: str) -> None:
    act_as(conn, actor(w, who))
    refused(conn, "SELECT hashed_password FROM users")
    refused(conn, "SELECT * FROM users")


@pytest.mark.parametrize("who", ["nobody", "client1", "tech1", "resp"])
def test_only_an_admin_writes_user_accounts(conn: Connection, w: dict[str, Any], who: str) -> None:
    act_as(conn, actor(w, who))
    p = {"a": w["admin_user"], "r": w["resp_user"]}
    touches_nothing(conn, "UPDATE users SET hashed_password = 'x' WHERE id = :a", p)
    touches_nothing(conn, "UPDATE users SET role = 'admin' WHERE id = :r", p)
    touches_nothing(conn, "UPDATE users SET is_active = false WHERE id = :a", p)
    touches_nothing(conn, "UPDATE users SET failed_login_count = 0, locked_until = NULL", p)
    touches_nothing(conn, "UPDATE users SET sessions_revoked_at = NULL", p)
    refused(
        conn,
        "INSERT INTO users (username, full_name, email, hashed_password, role)"
        " VALUES ('pirate', 'Pirate', 'p@x.ma', 'x', 'admin')",
    )
    touches_nothing(conn, "DELETE FROM users WHERE id = :a", p)


def test_an_admin_deactivates_an_account_but_never_deletes_one(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    done = conn.execute(
        text("UPDATE users SET is_active = false WHERE id = :r"), {"r": w["resp_user"]}
    )
    assert done.rowcount == 1
    refused(conn, "DELETE FROM users WHERE id = :r", {"r": w["resp_user"]})


def test_a_client_reads_no_user_of_another_company(conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_client1"])
    seen = dict(conn.execute(text("SELECT id, role::text FROM users")).all())
    assert w["actor_client1"].user_id in seen
    assert w["actor_client2"].user_id not in seen
    assert [u for u, role in seen.items() if role == "client"] == [w["actor_client1"].user_id]
    assert w["actor_tech1"].user_id in seen  # names of the staff and technicians it deals with


@pytest.mark.parametrize("who", ["nobody", "client1", "tech1"])
def test_technicians_and_skills_are_written_by_managers_only(
    conn: Connection, w: dict[str, Any], who: str
) -> None:
    act_as(conn, actor(w, who))
    touches_nothing(conn, "UPDATE techniciens SET zone_geographique = 'Dakhla'")
    touches_nothing(conn, "DELETE FROM technicien_competence")
    touches_nothing(conn, "DELETE FROM competences")
    touches_nothing(conn, "UPDATE competences SET active = false")
    refused(conn, "INSERT INTO competences (nom, niveau_requis) VALUES ('Pirate', 'expert')")
    refused(
        conn,
        "INSERT INTO technicien_competence (technicien_id, competence_id, niveau_acquis)"
        " SELECT :t, id, 'expert' FROM competences LIMIT 1",
        {"t": w["tech2"]},
    )


def test_a_client_reads_no_skills_and_only_the_name_link_of_technicians(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    refused(conn, "SELECT * FROM technicien_competence")
    refused(conn, "SELECT * FROM competences")
    refused(conn, "SELECT zone_geographique FROM techniciens")
    assert conn.execute(text("SELECT count(user_id) FROM techniciens")).scalar_one() > 0


# --- 2. the audit trail -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["client1", "tech1", "resp", "admin"])
def test_no_path_through_the_app_removes_an_audit_row(
    conn: Connection, w: dict[str, Any], who: str
) -> None:
    conn.execute(text("SELECT set_config('app.retention_run', 'on', true)"))
    act_as(conn, actor(w, who))
    conn.execute(text("SELECT set_config('app.retention_run', 'on', true)"))
    touches_nothing(conn, "DELETE FROM historiques_interventions")
    touches_nothing(conn, "UPDATE historiques_interventions SET description = 'x'")
    # The cascades that erased it: a client's own company row, a machine, an intervention.
    touches_nothing(conn, "DELETE FROM clients WHERE id = :c", {"c": w["client1"]})
    touches_nothing(conn, "DELETE FROM equipements WHERE id = :e", {"e": w["equip1"]})
    touches_nothing(conn, "DELETE FROM interventions WHERE id = :i", {"i": w["interv1"]})


def test_even_the_owner_cannot_erase_the_audit_trail_with_the_old_flag(
    conn: Connection, w: dict[str, Any]
) -> None:
    conn.execute(text("SELECT set_config('app.retention_run', 'on', true)"))
    exc = sql_error(
        conn,
        "DELETE FROM historiques_interventions WHERE intervention_id = :i",
        {"i": w["interv1"]},
    )
    assert exc.orig.diag.constraint_name == "historique_immuable"
    # Nor through a cascade: deleting the company would take its interventions' history along.
    exc = sql_error(conn, "DELETE FROM clients WHERE id = :c", {"c": w["client1"]})
    assert exc.orig.diag.constraint_name == "historique_immuable"


def test_only_the_retention_run_deletes_expired_audit_rows_and_it_is_recorded(
    conn: Connection, w: dict[str, Any]
) -> None:
    # Age the intervention's audit rows (as the owner, the immutability trigger set aside).
    conn.execute(text("ALTER TABLE historiques_interventions DISABLE TRIGGER USER"))
    conn.execute(
        text(
            "UPDATE historiques_interventions SET horodatage = now() - interval '4 years'"
            " WHERE intervention_id = :i"
        ),
        {"i": w["interv1"]},
    )
    conn.execute(text("ALTER TABLE historiques_interventions ENABLE TRIGGER USER"))
    row = conn.execute(text("SELECT * FROM archive_old_interventions()")).one()
    assert row.audit_deleted >= 1
    run = conn.execute(
        text("SELECT finished_at, historiques_supprimes FROM retention_runs ORDER BY id DESC")
    ).first()
    assert run.finished_at is not None and run.historiques_supprimes == row.audit_deleted
    left = conn.execute(
        text("SELECT count(*) FROM historiques_interventions WHERE intervention_id = :i"),
        {"i": w["interv1"]},
    ).scalar_one()
    assert left == 0
    # The run is over: the same transaction may not delete more.
    exc = sql_error(conn, "DELETE FROM historiques_interventions")
    assert exc.orig.diag.constraint_name == "historique_immuable"


# --- 3. maintenance functions -----------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("fn", ["archive_old_interventions()", "refresh_materialized_views()"])
def test_maintenance_functions_cannot_be_run_through_the_app(
    conn: Connection, w: dict[str, Any], who: str, fn: str
) -> None:
    act_as(conn, actor(w, who))
    refused(conn, f"SELECT {fn}")


def test_retention_rows_cannot_be_forged(conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_admin"])
    refused(conn, "INSERT INTO retention_runs (txid) VALUES (txid_current())")


# --- 4. clients write only their requests, rating and contact fields -----------------------


def test_a_client_cannot_file_a_request_already_closed_assigned_or_rated(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    p = {"e": w["equip1"], "t": w["tech1"]}
    for extra in (
        "statut) VALUES (:e, 'x', 'cloturee')",
        "technicien_id) VALUES (:e, 'x', :t)",
        "satisfaction_client) VALUES (:e, 'x', 5)",
        "diagnostic) VALUES (:e, 'x', 'fait')",
        "date_fin) VALUES (:e, 'x', now())",
        "cout_reel) VALUES (:e, 'x', 0)",
    ):
        exc = sql_error(conn, f"INSERT INTO interventions (equipement_id, titre, {extra}", p)
        assert exc.orig.diag.constraint_name == "intervention_droits_role", extra
        assert "Votre profil (client)" in describe(exc).message


def test_a_client_files_a_request_that_lands_open(conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_client1"])
    row = conn.execute(
        text(
            "INSERT INTO interventions (equipement_id, titre, description, urgence,"
            " date_creation) VALUES (:e, 'Fuite', 'Fuite d''huile', true, '2001-01-01')"
            " RETURNING statut::text, client_id, technicien_id, date_creation > now() - interval"
            " '1 minute' AS fresh"
        ),
        {"e": w["equip1"]},
    ).one()
    assert (row.statut, row.client_id, row.technicien_id, row.fresh) == (
        "ouverte",
        w["client1"],
        None,
        True,
    )
    refused(
        conn,
        "INSERT INTO interventions (equipement_id, titre) VALUES (:e, 'x')",
        {"e": w["equip2"]},
    )


def test_a_client_edits_only_its_contact_fields(conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_client1"])
    p = {"c": w["client1"]}
    done = conn.execute(
        text(
            "UPDATE clients SET telephone = '0522000000', contact_principal = 'A. Idrissi'"
            " WHERE id = :c"
        ),
        p,
    )
    assert done.rowcount == 1
    refused(conn, "UPDATE clients SET niveau_service = 'platinum' WHERE id = :c", p)
    refused(conn, "UPDATE clients SET notes_commerciales = 'x' WHERE id = :c", p)
    refused(conn, "SELECT notes_commerciales FROM clients")
    refused(conn, "INSERT INTO clients (user_id, nom_entreprise) VALUES (1, 'x')")


def test_a_client_rates_a_closed_intervention_once(conn: Connection, w: dict[str, Any]) -> None:
    closed = make_intervention(conn, w["equip1"], technicien_id=w["tech1"], statut="cloturee")
    act_as(conn, w["actor_client1"])
    p = {"i": closed}
    conn.execute(text("UPDATE interventions SET satisfaction_client = 4 WHERE id = :i"), p)
    exc = sql_error(conn, "UPDATE interventions SET satisfaction_client = 5 WHERE id = :i", p)
    assert exc.orig.diag.constraint_name == "intervention_droits_role"


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM intervention_pieces WHERE intervention_id = :i",
        "UPDATE intervention_pieces SET quantite = 1 WHERE intervention_id = :i",
        "DELETE FROM conversations WHERE id = :conv",
        "DELETE FROM conversation_participants WHERE conversation_id = :conv",
        "DELETE FROM messages WHERE conversation_id = :conv",
        "DELETE FROM documents WHERE id = :doc",
        "UPDATE documents SET nom_fichier = 'x' WHERE id = :doc",
        "DELETE FROM taches WHERE id = :task",
        "UPDATE taches SET statut = 'terminee' WHERE id = :task",
        "DELETE FROM planning",
        "UPDATE equipements SET nom = 'x' WHERE id = :e",
        "DELETE FROM notifications",
    ],
)
def test_a_client_deletes_or_rewrites_nothing_around_its_interventions(
    conn: Connection, w: dict[str, Any], statement: str
) -> None:
    act_as(conn, w["actor_client1"])
    p = {
        "i": w["interv1"],
        "conv": w["conv1"],
        "doc": w["doc1"],
        "task": w["task1"],
        "e": w["equip1"],
    }
    touches_nothing(conn, statement, p)


def test_a_client_cannot_read_the_warehouse(conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_client1"])
    refused(conn, "SELECT stock_actuel FROM pieces_detachees")
    refused(conn, "SELECT * FROM mouvements_stock")
    assert conn.execute(text("SELECT count(nom) FROM pieces_detachees")).scalar_one() > 0


def test_nobody_reads_anything_without_a_user(conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, NOBODY)
    for table in ("pieces_detachees", "interventions", "equipements", "clients", "competences"):
        refused(conn, f"SELECT count(*) FROM {table}")


# --- technicians: read the whole history, write only their own --------------------------------


@pytest.mark.parametrize(
    "table",
    ["interventions", "taches", "intervention_pieces", "documents", "historiques_interventions"],
)
def test_a_technician_reads_every_machines_maintenance_history(
    conn: Connection, w: dict[str, Any], table: str
) -> None:
    total = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    act_as(conn, w["actor_tech2"])
    assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == total


def test_a_technician_never_reads_invoices_or_contract_money(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    refused(conn, "SELECT count(*) FROM factures")
    refused(conn, "SELECT montant FROM contrats")
    assert conn.execute(text("SELECT count(numero_contrat) FROM contrats")).scalar_one() >= 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE interventions SET diagnostic = 'x' WHERE id = :i2",
        "UPDATE taches SET statut = 'terminee' WHERE intervention_id = :i2",
        "DELETE FROM documents WHERE id = :manual2",
        "DELETE FROM documents WHERE id = :doc",
        "UPDATE planning SET confirme = true WHERE intervention_id = :i2",
        "DELETE FROM intervention_pieces WHERE intervention_id = :i2",
    ],
)
def test_a_technician_writes_only_their_own_interventions(
    conn: Connection, w: dict[str, Any], statement: str
) -> None:
    act_as(conn, w["actor_tech1"])
    touches_nothing(
        conn, statement, {"i2": w["interv2"], "manual2": w["manual2"], "doc": w["doc1"]}
    )


def test_a_technician_books_no_stock_movement_by_hand(conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_tech1"])
    refused(
        conn,
        "INSERT INTO mouvements_stock (piece_id, type_mouvement, quantite)"
        " VALUES (:p, 'sortie', 1)",
        {"p": w["piece"]},
    )


def test_a_technician_opens_a_diagnostic_only_on_a_machine_they_work_on(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    p = {"e1": w["equip1"], "e2": w["equip2"], "t1": w["tech1"], "t2": w["tech2"]}
    new = conn.execute(
        text(
            "INSERT INTO interventions (equipement_id, titre, technicien_id, type_intervention,"
            " statut) VALUES (:e1, 'Vibrations', :t1, 'diagnostic', 'affectee') RETURNING id"
        ),
        p,
    ).scalar_one()
    assert new
    for values in (
        "(:e2, 'x', :t1, 'diagnostic', 'affectee')",  # not a machine they work on
        "(:e1, 'x', :t2, 'diagnostic', 'affectee')",  # for someone else
        "(:e1, 'x', :t1, 'corrective', 'affectee')",  # not a diagnostic
        "(:e1, 'x', :t1, 'diagnostic', 'cloturee')",  # already closed
    ):
        refused(
            conn,
            "INSERT INTO interventions (equipement_id, titre, technicien_id, type_intervention,"
            f" statut) VALUES {values}",
            p,
        )


def test_a_forged_role_switch_opens_nothing(conn: Connection, w: dict[str, Any]) -> None:
    # A client user who switches to the admin role by hand sees nothing more.
    act_as(conn, w["actor_client1"])
    conn.execute(text("SET LOCAL ROLE mif_admin"))
    assert conn.execute(text("SELECT count(*) FROM equipements")).scalar_one() == 0
    assert conn.execute(text("SELECT count(*) FROM factures")).scalar_one() == 0
    touches_nothing(conn, "UPDATE users SET role = 'admin'")


def test_a_machine_of_another_client_is_never_moved_to_a_request(
    conn: Connection, w: dict[str, Any]
) -> None:
    other = make_equipement(conn, w["client2"])
    act_as(conn, w["actor_client1"])
    refused(conn, "INSERT INTO interventions (equipement_id, titre) VALUES (:e, 'x')", {"e": other})
