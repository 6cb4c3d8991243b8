"""Row-level security through the app role, by hand-written SQL.

``act_as`` switches the test's transaction to ``mif_app`` (``SET LOCAL ROLE``) with a user in
the transaction settings, exactly as the app's connection runs: a client sees and writes only
its own company's rows, a technician the interventions assigned to them and their children,
admin/responsable everything; without a (valid, active) user nothing client-scoped is visible.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from db.errors import describe
from db.session import Actor
from tests.conftest import act_as, sql_error, touches_nothing, visible_rows
from tests.factories import insert, make_intervention, make_piece, world

# Client-scoped tables and views -> the rows of one company (params :c client, :u its user,
# :e its machines, :i its interventions, :conv its conversations).
SCOPED: dict[str, str] = {
    "clients": "id = :c",
    "equipements": "client_id = :c",
    "interventions": "client_id = :c",
    "intervention_techniciens": "intervention_id = ANY(:i)",
    "taches": "equipement_id = ANY(:e)",
    "documents": "intervention_id = ANY(:i) OR equipement_id = ANY(:e)",
    "historiques_interventions": "intervention_id = ANY(:i)",
    "planning": "intervention_id = ANY(:i)",
    "intervention_pieces": "intervention_id = ANY(:i)",
    "contrats": "client_id = :c",
    "contrat_equipements": "equipement_id = ANY(:e)",
    "factures": "client_id = :c",
    "notifications": "user_id = :u",
    "conversations": "id = ANY(:conv)",
    "conversation_participants": "conversation_id = ANY(:conv)",
    "messages": "conversation_id = ANY(:conv)",
    "v_historique_maintenance": "client_id = :c",
    "v_client_equipment_summary": "client_id = :c",
}
# What the owner counts for a view that filters by the current user itself.
OWNER_SOURCE = {"v_client_equipment_summary": "mv_client_equipment_summary"}
# Notifications are a personal inbox: staff send them to anyone but read only their own.
STAFF_WIDE = [t for t in SCOPED if t != "notifications"]
# Children of an intervention -> the rows of the interventions in :i.
CHILDREN: dict[str, str] = {
    "intervention_techniciens": "intervention_id = ANY(:i)",
    "taches": "intervention_id = ANY(:i)",
    "documents": "intervention_id = ANY(:i)",
    "historiques_interventions": "intervention_id = ANY(:i)",
    "planning": "intervention_id = ANY(:i)",
    "intervention_pieces": "intervention_id = ANY(:i)",
    "conversations": "intervention_id = ANY(:i)",
    "v_historique_maintenance": "intervention_id = ANY(:i)",
}


def attach_children(conn: Connection, intervention_id: int, piece_id: int, n: int) -> None:
    """A task, a document, a slot, a part used and a conversation on ``intervention_id``."""
    insert(conn, "taches", intervention_id=intervention_id, description=f"Contrôle {n}")
    insert(
        conn,
        "documents",
        intervention_id=intervention_id,
        nom_fichier=f"rapport_{n}.pdf",
        chemin=f"uploads/rapport_{n}.pdf",
        type_document="rapport",
    )
    insert(
        conn,
        "planning",
        intervention_id=intervention_id,
        date_debut="2030-01-07T08:00:00+00",
        date_fin="2030-01-07T12:00:00+00",
    )
    conn.execute(
        text(
            "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
            " VALUES (:i, :p, 1, 120)"
        ),
        {"i": intervention_id, "p": piece_id},
    )


def company(conn: Connection, w: dict[str, Any], k: int, piece_id: int) -> dict[str, Any]:
    """Every client-scoped row for client ``k`` of ``world``; returns the SCOPED params."""
    c, e, i, t = w[f"client{k}"], w[f"equip{k}"], w[f"interv{k}"], w[f"tech{k}"]
    u = w[f"actor_client{k}"].user_id
    closed = make_intervention(conn, e, technicien_id=t, statut="cloturee")
    attach_children(conn, i, piece_id, k)
    insert(conn, "taches", equipement_id=e, description="Graissage mensuel")
    insert(
        conn,
        "documents",
        equipement_id=e,
        nom_fichier=f"manuel_{k}.pdf",
        chemin=f"uploads/manuel_{k}.pdf",
        type_document="manuel",
    )
    contrat = insert(
        conn,
        "contrats",
        client_id=c,
        numero_contrat=f"CTR-RLS-{c}",
        type_contrat="maintenance",
        date_debut="2025-01-01",
        date_fin="2027-12-31",
    )
    conn.execute(
        text("INSERT INTO contrat_equipements (contrat_id, equipement_id) VALUES (:k, :e)"),
        {"k": contrat, "e": e},
    )
    insert(
        conn,
        "factures",
        client_id=c,
        contrat_id=contrat,
        numero_facture=f"FAC-2099-{c:05d}",
        date_emission="2025-03-01",
        date_echeance="2025-03-31",
        montant_ht=1000,
        taux_tva=20,
        montant_ttc=1200,
    )
    insert(conn, "notifications", user_id=u, titre="Intervention planifiée", intervention_id=i)
    linked = insert(conn, "conversations", titre=f"Suivi {k}", intervention_id=i)
    private = insert(conn, "conversations", titre=f"Commercial {k}")
    for conv in (linked, private):
        conn.execute(
            text(
                "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (:v, :u)"
            ),
            {"v": conv, "u": u},
        )
        insert(conn, "messages", conversation_id=conv, user_id=u, contenu="Bonjour")
    return {"c": c, "u": u, "e": [e], "i": [i, closed], "conv": [linked, private]}


@pytest.fixture
def cast(conn: Connection) -> dict[str, Any]:
    """``world`` plus every client-scoped row for both companies (all as the owner)."""
    w = world(conn)
    piece_id = make_piece(conn, stock=50)
    w["rows1"] = company(conn, w, 1, piece_id)
    w["rows2"] = company(conn, w, 2, piece_id)
    w["piece"] = piece_id
    conn.execute(text("REFRESH MATERIALIZED VIEW mv_client_equipment_summary"))
    return w


def count(conn: Connection, table: str, where: str = "true", params: Any = None) -> int:
    """Rows of ``table`` matching ``where`` that the current role and user can see (0 when the
    role may not read the table at all)."""
    return visible_rows(conn, f"SELECT count(*) FROM {table} WHERE {where}", params)


def owner_count(conn: Connection, table: str, where: str = "true", params: Any = None) -> int:
    """``count`` as the owner, reading a user-filtered view's source instead of the view."""
    return count(conn, OWNER_SOURCE.get(table, table), where, params)


def assert_rls_refusal(exc: BaseException) -> None:
    """Refused by a policy or a missing privilege (42501), said in French by ``describe``."""
    orig = getattr(exc, "orig", exc)
    assert orig.sqlstate == "42501", orig
    err = describe(exc)
    assert err.message in (
        "Action non autorisée sur cet enregistrement.",
        "Action non autorisée pour votre profil.",
    )


# --- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize("table", list(SCOPED))
def test_a_client_never_reads_another_clients_rows(
    conn: Connection, cast: dict[str, Any], table: str
) -> None:
    where = f"({SCOPED[table]})"
    assert owner_count(conn, table, where, cast["rows2"]) > 0  # the rows exist
    assert owner_count(conn, table, where, cast["rows1"]) > 0
    act_as(conn, cast["actor_client1"])
    assert count(conn, table, where, cast["rows2"]) == 0
    assert count(conn, table, where, cast["rows1"]) > 0  # and its own are visible


def test_a_client_never_reads_another_clients_equipment(
    conn: Connection, cast: dict[str, Any]
) -> None:
    act_as(conn, cast["actor_client1"])
    visible = set(conn.execute(text("SELECT client_id FROM equipements")).scalars())
    assert visible == {cast["client1"]}
    assert (
        conn.execute(
            text("SELECT count(*) FROM equipements WHERE id = :e"), {"e": cast["equip2"]}
        ).scalar_one()
        == 0
    )


def test_a_client_reads_only_its_own_company_in_every_scoped_table(
    conn: Connection, cast: dict[str, Any]
) -> None:
    own = {t: owner_count(conn, t, f"({w})", cast["rows1"]) for t, w in SCOPED.items()}
    act_as(conn, cast["actor_client1"])
    # Everything it sees is its own (other companies of the seed included), and all of it.
    assert {t: count(conn, t) for t in SCOPED} == own


# --- writing -------------------------------------------------------------------------------

FOREIGN_INSERTS: dict[str, str] = {
    "equipements": "INSERT INTO equipements (client_id, nom, numero_serie)"
    " VALUES (:c2, 'Intrus', 'SN-RLS-INTRUS')",
    "interventions": "INSERT INTO interventions (equipement_id, titre) VALUES (:e2, 'Intrus')",
    "taches": "INSERT INTO taches (equipement_id, description) VALUES (:e2, 'Intrus')",
    "taches_intervention": "INSERT INTO taches (intervention_id, description) VALUES (:i2, 'x')",
    "documents": "INSERT INTO documents (intervention_id, nom_fichier, chemin, type_document)"
    " VALUES (:i2, 'x.pdf', 'uploads/x.pdf', 'rapport')",
    "conversations": "INSERT INTO conversations (titre, intervention_id) VALUES ('Intrus', :i2)",
    "messages": "INSERT INTO messages (conversation_id, user_id, contenu)"
    " VALUES (:conv2, :u1, 'Intrus')",
    "conversation_participants": "INSERT INTO conversation_participants"
    " (conversation_id, user_id) VALUES (:conv2, :u1)",
    "notifications": "INSERT INTO notifications (user_id, titre) VALUES (:u2, 'Intrus')",
    "contrats": "INSERT INTO contrats (client_id, numero_contrat, type_contrat, date_debut,"
    " date_fin) VALUES (:c2, 'CTR-INTRUS', 'support', '2025-01-01', '2025-12-31')",
    "factures": "INSERT INTO factures (client_id, numero_facture, date_emission, date_echeance,"
    " montant_ht, taux_tva, montant_ttc)"
    " VALUES (:c2, 'FAC-2099-99999', '2025-01-01', '2025-01-31', 0, 20, 0)",
    "planning": "INSERT INTO planning (intervention_id, date_debut, date_fin)"
    " VALUES (:i2, '2030-02-01 08:00+00', '2030-02-01 09:00+00')",
    "intervention_pieces": "INSERT INTO intervention_pieces"
    " (intervention_id, piece_id, quantite, prix_unitaire) VALUES (:i2, :p, 1, 1)",
}

FOREIGN_UPDATES: dict[str, str] = {
    "clients": "UPDATE clients SET notes_commerciales = 'x' WHERE id = :c2",
    "equipements": "UPDATE equipements SET localisation = 'x' WHERE client_id = :c2",
    "interventions": "UPDATE interventions SET description = 'x' WHERE client_id = :c2",
    "taches": "UPDATE taches SET description = 'x' WHERE equipement_id = :e2",
    "documents": "UPDATE documents SET description = 'x' WHERE intervention_id = :i2",
    "contrats": "UPDATE contrats SET conditions = 'x' WHERE client_id = :c2",
    "factures": "UPDATE factures SET description = 'x' WHERE client_id = :c2",
    "notifications": "UPDATE notifications SET lu = true WHERE user_id = :u2",
    "conversations": "UPDATE conversations SET titre = 'x' WHERE id = :conv2",
    "messages": "UPDATE messages SET contenu = 'x' WHERE conversation_id = :conv2",
    "planning": "UPDATE planning SET notes_planning = 'x' WHERE intervention_id = :i2",
    "intervention_pieces": "UPDATE intervention_pieces SET notes = 'x' WHERE intervention_id = :i2",
}


def foreign_params(cast: dict[str, Any]) -> dict[str, Any]:
    return {
        "c2": cast["client2"],
        "e2": cast["equip2"],
        "i2": cast["interv2"],
        "conv2": cast["rows2"]["conv"][0],
        "u1": cast["actor_client1"].user_id,
        "u2": cast["actor_client2"].user_id,
        "p": cast["piece"],
    }


@pytest.mark.parametrize("target", list(FOREIGN_INSERTS))
def test_a_client_cannot_insert_rows_for_another_client(
    conn: Connection, cast: dict[str, Any], target: str
) -> None:
    act_as(conn, cast["actor_client1"])
    exc = sql_error(conn, FOREIGN_INSERTS[target], foreign_params(cast))
    assert_rls_refusal(exc)


@pytest.mark.parametrize("target", list(FOREIGN_UPDATES))
def test_a_client_cannot_update_rows_of_another_client(
    conn: Connection, cast: dict[str, Any], target: str
) -> None:
    act_as(conn, cast["actor_client1"])
    touches_nothing(conn, FOREIGN_UPDATES[target], foreign_params(cast))


def test_a_client_cannot_hand_its_rows_over_to_another_client(
    conn: Connection, cast: dict[str, Any]
) -> None:
    spare = insert(
        conn, "equipements", client_id=cast["client1"], nom="Groupe froid", numero_serie="SN-RLS-1"
    )
    act_as(conn, cast["actor_client1"])
    touches_nothing(
        conn,
        "UPDATE equipements SET client_id = :c2 WHERE id = :e1",
        {"c2": cast["client2"], "e1": spare},
    )
    owner = conn.execute(text("SELECT client_id FROM equipements WHERE id = :e"), {"e": spare})
    assert owner.scalar_one() == cast["client1"]


def test_a_client_opens_requests_on_its_machines_but_never_edits_a_machine(
    conn: Connection, cast: dict[str, Any]
) -> None:
    act_as(conn, cast["actor_client1"])
    conn.execute(
        text("INSERT INTO interventions (equipement_id, titre) VALUES (:e, 'Demande client')"),
        {"e": cast["equip1"]},
    )
    # Its own machine, but only admin/responsable edit machines.
    touches_nothing(
        conn, "UPDATE equipements SET statut = 'panne' WHERE id = :e", {"e": cast["equip1"]}
    )
    exc = sql_error(
        conn,
        "INSERT INTO equipements (client_id, nom, numero_serie) VALUES (:c, 'X', 'SN-CLI-1')",
        {"c": cast["client1"]},
    )
    assert_rls_refusal(exc)


# --- technicians ------------------------------------------------------------------------


def test_a_technician_reads_every_intervention_and_its_children(
    conn: Connection, cast: dict[str, Any]
) -> None:
    # They diagnose from the whole maintenance history; writing stays limited to their own
    # interventions (tests/security/test_attacks.py).
    others = cast["rows2"]["i"]  # client 2's, with tech2 as principal
    act_as(conn, cast["actor_tech1"])
    for table, where in CHILDREN.items():
        if table in ("conversations", "planning"):  # threads and agendas stay their own
            assert count(conn, table, f"({where})", {"i": others}) == 0, table
        else:
            assert count(conn, table, f"({where})", {"i": others}) > 0, table


def test_a_technician_reads_the_threads_of_interventions_assigned_to_them(
    conn: Connection, cast: dict[str, Any]
) -> None:
    assisted = make_intervention(
        conn, cast["equip2"], technicien_id=cast["tech2"], statut="affectee"
    )
    conn.execute(
        text(
            "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
            " VALUES (:i, :t, 'assistant')"
        ),
        {"i": assisted, "t": cast["tech1"]},
    )
    thread = insert(conn, "conversations", titre="Assistance", intervention_id=assisted)
    act_as(conn, cast["actor_tech1"])
    assert count(conn, "conversations", "id = :v", {"v": thread}) == 1


def test_a_technician_never_reads_invoices(conn: Connection, cast: dict[str, Any]) -> None:
    act_as(conn, cast["actor_tech1"])
    assert count(conn, "factures") == 0


@pytest.mark.parametrize("actor", ["actor_admin", "actor_resp"])
def test_admin_and_responsable_see_every_row(
    conn: Connection, cast: dict[str, Any], actor: str
) -> None:
    expected = {t: owner_count(conn, t) for t in STAFF_WIDE}
    act_as(conn, cast[actor])
    assert {t: count(conn, t) for t in STAFF_WIDE} == expected


def test_without_a_user_no_client_scoped_row_is_visible(
    conn: Connection, cast: dict[str, Any]
) -> None:
    act_as(conn, Actor())
    assert {t: count(conn, t) for t in SCOPED} == dict.fromkeys(SCOPED, 0)


def test_an_unknown_user_id_resolves_to_nothing(conn: Connection, cast: dict[str, Any]) -> None:
    act_as(conn, Actor(user_id=2_000_000_000))
    assert {t: count(conn, t) for t in SCOPED} == dict.fromkeys(SCOPED, 0)


@pytest.mark.parametrize("actor", ["actor_client1", "actor_tech1", "actor_admin"])
def test_an_inactive_user_resolves_to_nothing(
    conn: Connection, cast: dict[str, Any], actor: str
) -> None:
    conn.execute(
        text("UPDATE users SET is_active = false WHERE id = :u"), {"u": cast[actor].user_id}
    )
    act_as(conn, cast[actor])
    assert {t: count(conn, t) for t in SCOPED} == dict.fromkeys(SCOPED, 0)


# --- the app role itself -------------------------------------------------------------------


def test_the_app_role_is_neither_superuser_nor_table_owner(app_engine_test: Engine) -> None:
    with app_engine_test.connect() as app:
        me, superuser, bypass = app.execute(
            text(
                "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
        ).one()
        assert me == "mif_app"
        assert superuser is False
        assert bypass is False
        owned = app.execute(
            text(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')"
            )
        ).scalar_one()
        assert owned == 0
        # And without a user, the app connection may read no table at all.
        with pytest.raises(Exception, match="permission denied"):
            app.execute(text("SELECT count(*) FROM interventions"))


@pytest.mark.parametrize("view", ["mv_technician_stats", "mv_client_equipment_summary"])
def test_the_app_role_cannot_read_materialized_views_directly(
    conn: Connection, cast: dict[str, Any], view: str
) -> None:
    act_as(conn, cast["actor_admin"])
    exc = sql_error(conn, f"SELECT * FROM {view}")
    assert_rls_refusal(exc)


def test_the_app_role_cannot_delete_interventions(conn: Connection, cast: dict[str, Any]) -> None:
    act_as(conn, cast["actor_admin"])
    exc = sql_error(conn, "DELETE FROM interventions WHERE id = :i", {"i": cast["interv1"]})
    assert_rls_refusal(exc)


def test_the_app_role_cannot_write_the_audit_trail(conn: Connection, cast: dict[str, Any]) -> None:
    act_as(conn, cast["actor_admin"])
    for statement in (
        "UPDATE historiques_interventions SET description = 'x'",
        "DELETE FROM historiques_interventions",
        "INSERT INTO historiques_interventions (intervention_id, action) VALUES (:i, 'creation')",
    ):
        assert_rls_refusal(sql_error(conn, statement, {"i": cast["interv1"]}))
