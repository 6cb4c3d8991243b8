"""Stock rules, checked with raw SQL.

``pieces_detachees.stock_actuel`` changes only through the append-only ``mouvements_stock``
ledger and never goes below zero; consuming parts on an intervention writes the matching
movements in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from db.session import Actor
from tests.conftest import act_as, assert_refused, sql_error
from tests.factories import (
    insert,
    make_client,
    make_equipement,
    make_intervention,
    make_piece,
    make_technicien,
)


def stock(conn: Connection, piece_id: int) -> int:
    return conn.execute(
        text("SELECT stock_actuel FROM pieces_detachees WHERE id = :p"), {"p": piece_id}
    ).scalar_one()


def ledger_sum(conn: Connection, piece_id: int) -> int:
    """Signed sum of a part's movements (a transfer moves the part, not the quantity)."""
    return conn.execute(
        text(
            "SELECT COALESCE(sum(CASE type_mouvement WHEN 'entree' THEN quantite"
            " WHEN 'sortie' THEN -quantite WHEN 'ajustement' THEN quantite ELSE 0 END), 0)"
            " FROM mouvements_stock WHERE piece_id = :p"
        ),
        {"p": piece_id},
    ).scalar_one()


def movements(conn: Connection, piece_id: int) -> list[tuple[str, int, int | None]]:
    return [
        (r.type_mouvement, r.quantite, r.intervention_id)
        for r in conn.execute(
            text(
                "SELECT type_mouvement::text, quantite, intervention_id FROM mouvements_stock"
                " WHERE piece_id = :p ORDER BY id"
            ),
            {"p": piece_id},
        )
    ]


def move(conn: Connection, piece_id: int, kind: str, quantite: int) -> None:
    insert(conn, "mouvements_stock", piece_id=piece_id, type_mouvement=kind, quantite=quantite)


def an_intervention(conn: Connection) -> int:
    client_id, _ = make_client(conn)
    return make_intervention(conn, make_equipement(conn, client_id))


def test_stock_cannot_be_updated_directly(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=10)
    exc = sql_error(
        conn, "UPDATE pieces_detachees SET stock_actuel = 50 WHERE id = :p", {"p": piece_id}
    )
    assert_refused(exc, "stock_par_mouvement")
    assert stock(conn, piece_id) == 10


def test_a_new_part_cannot_start_with_stock(conn: Connection) -> None:
    exc = sql_error(
        conn,
        "INSERT INTO pieces_detachees (reference, nom, stock_actuel)"
        " VALUES ('REF-STOCK-DIRECT', 'Filtre', 5)",
    )
    assert_refused(exc, "stock_par_mouvement")


def test_other_part_fields_are_editable(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=3)
    conn.execute(
        text("UPDATE pieces_detachees SET emplacement = 'B-12', prix_unitaire = 99 WHERE id = :p"),
        {"p": piece_id},
    )
    assert stock(conn, piece_id) == 3


def test_an_entree_raises_the_stock(conn: Connection) -> None:
    piece_id = make_piece(conn)
    move(conn, piece_id, "entree", 7)
    assert stock(conn, piece_id) == 7


def test_a_sortie_beyond_the_stock_is_refused(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=4)
    exc = sql_error(
        conn,
        "INSERT INTO mouvements_stock (piece_id, type_mouvement, quantite)"
        " VALUES (:p, 'sortie', 5)",
        {"p": piece_id},
    )
    assert_refused(exc, "stock_insuffisant")
    assert stock(conn, piece_id) == 4
    move(conn, piece_id, "sortie", 4)
    assert stock(conn, piece_id) == 0


def test_a_negative_adjustment_beyond_the_stock_is_refused(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=2)
    exc = sql_error(
        conn,
        "INSERT INTO mouvements_stock (piece_id, type_mouvement, quantite)"
        " VALUES (:p, 'ajustement', -3)",
        {"p": piece_id},
    )
    assert_refused(exc, "stock_insuffisant")
    move(conn, piece_id, "ajustement", -2)
    assert stock(conn, piece_id) == 0


def test_a_movement_cannot_be_updated(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=5)
    exc = sql_error(
        conn, "UPDATE mouvements_stock SET quantite = 500 WHERE piece_id = :p", {"p": piece_id}
    )
    assert_refused(exc, "mouvement_immuable")


def test_a_movement_cannot_be_deleted(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=5)
    exc = sql_error(conn, "DELETE FROM mouvements_stock WHERE piece_id = :p", {"p": piece_id})
    assert_refused(exc, "mouvement_immuable")
    assert stock(conn, piece_id) == 5


def test_the_stock_equals_the_signed_sum_of_its_movements(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=20)
    move(conn, piece_id, "sortie", 6)
    move(conn, piece_id, "ajustement", -1)
    move(conn, piece_id, "entree", 4)
    move(conn, piece_id, "transfert", 3)
    move(conn, piece_id, "ajustement", 2)
    intervention_id = an_intervention(conn)
    conn.execute(
        text(
            "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
            " VALUES (:i, :p, 5, 120)"
        ),
        {"i": intervention_id, "p": piece_id},
    )
    assert stock(conn, piece_id) == 20 - 6 - 1 + 4 + 2 - 5 == 14
    assert ledger_sum(conn, piece_id) == stock(conn, piece_id)


def test_consuming_a_part_writes_a_sortie_movement(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=10)
    intervention_id = an_intervention(conn)
    conn.execute(
        text(
            "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
            " VALUES (:i, :p, 3, 120)"
        ),
        {"i": intervention_id, "p": piece_id},
    )
    assert movements(conn, piece_id)[-1] == ("sortie", 3, intervention_id)
    assert stock(conn, piece_id) == 7


def test_consuming_more_parts_than_in_stock_is_refused_and_writes_nothing(
    conn: Connection,
) -> None:
    piece_id = make_piece(conn, stock=2)
    intervention_id = an_intervention(conn)
    exc = sql_error(
        conn,
        "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
        " VALUES (:i, :p, 3, 120)",
        {"i": intervention_id, "p": piece_id},
    )
    assert_refused(exc, "stock_insuffisant")
    assert stock(conn, piece_id) == 2
    assert (
        conn.execute(
            text("SELECT count(*) FROM intervention_pieces WHERE piece_id = :p"), {"p": piece_id}
        ).scalar_one()
        == 0
    )


def test_changing_a_consumed_quantity_moves_the_difference(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=10)
    intervention_id = an_intervention(conn)
    params = {"i": intervention_id, "p": piece_id}
    conn.execute(
        text(
            "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
            " VALUES (:i, :p, 3, 120)"
        ),
        params,
    )
    conn.execute(
        text(
            "UPDATE intervention_pieces SET quantite = 5"
            " WHERE intervention_id = :i AND piece_id = :p"
        ),
        params,
    )
    assert movements(conn, piece_id)[-1] == ("sortie", 2, intervention_id)
    assert stock(conn, piece_id) == 5
    conn.execute(
        text(
            "UPDATE intervention_pieces SET quantite = 1"
            " WHERE intervention_id = :i AND piece_id = :p"
        ),
        params,
    )
    assert movements(conn, piece_id)[-1] == ("entree", 4, intervention_id)
    assert stock(conn, piece_id) == 9


def test_removing_a_consumed_part_gives_it_back(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=10)
    intervention_id = an_intervention(conn)
    params = {"i": intervention_id, "p": piece_id}
    conn.execute(
        text(
            "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
            " VALUES (:i, :p, 4, 120)"
        ),
        params,
    )
    conn.execute(
        text("DELETE FROM intervention_pieces WHERE intervention_id = :i AND piece_id = :p"),
        params,
    )
    assert movements(conn, piece_id)[-1] == ("entree", 4, intervention_id)
    assert stock(conn, piece_id) == 10
    assert ledger_sum(conn, piece_id) == 10


def test_a_movement_quantity_is_positive(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=5)
    for kind, quantite in (("entree", 0), ("sortie", -1), ("transfert", 0), ("ajustement", 0)):
        exc = sql_error(
            conn,
            "INSERT INTO mouvements_stock (piece_id, type_mouvement, quantite) VALUES (:p, :k, :q)",
            {"p": piece_id, "k": kind, "q": quantite},
        )
        assert_refused(exc, "ck_mouvements_stock_quantite_valide")


def test_a_consumed_quantity_is_positive(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=5)
    intervention_id = an_intervention(conn)
    exc = sql_error(
        conn,
        "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
        " VALUES (:i, :p, 0, 120)",
        {"i": intervention_id, "p": piece_id},
    )
    assert_refused(exc, "ck_intervention_pieces_quantite_positive")


def test_stock_levels_are_consistent(conn: Connection) -> None:
    piece_id = make_piece(conn)
    for assignments in ("stock_minimum = -1", "stock_minimum = 10, stock_maximum = 9"):
        exc = sql_error(
            conn, f"UPDATE pieces_detachees SET {assignments} WHERE id = :p", {"p": piece_id}
        )
        assert_refused(exc, "chk_stock_levels")
    conn.execute(
        text("UPDATE pieces_detachees SET stock_minimum = 9, stock_maximum = 9 WHERE id = :p"),
        {"p": piece_id},
    )


def test_switching_a_consumed_line_to_another_part_moves_both_stocks(conn: Connection) -> None:
    first = make_piece(conn, stock=10)
    second = make_piece(conn, stock=10)
    intervention_id = an_intervention(conn)
    conn.execute(
        text(
            "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
            " VALUES (:i, :p, 3, 120)"
        ),
        {"i": intervention_id, "p": first},
    )
    conn.execute(
        text(
            "UPDATE intervention_pieces SET piece_id = :q, quantite = 4"
            " WHERE intervention_id = :i AND piece_id = :p"
        ),
        {"i": intervention_id, "p": first, "q": second},
    )
    assert (stock(conn, first), stock(conn, second)) == (10, 6)
    assert ledger_sum(conn, first) == 10
    assert ledger_sum(conn, second) == 6


def test_moving_a_consumed_line_to_another_intervention_keeps_the_ledger_right(
    conn: Connection,
) -> None:
    piece_id = make_piece(conn, stock=10)
    first = an_intervention(conn)
    second = an_intervention(conn)
    conn.execute(
        text(
            "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
            " VALUES (:i, :p, 3, 120)"
        ),
        {"i": first, "p": piece_id},
    )
    conn.execute(
        text(
            "UPDATE intervention_pieces SET intervention_id = :j"
            " WHERE intervention_id = :i AND piece_id = :p"
        ),
        {"i": first, "j": second, "p": piece_id},
    )
    assert stock(conn, piece_id) == 7
    by_intervention = dict(
        conn.execute(
            text(
                "SELECT intervention_id, sum(CASE type_mouvement WHEN 'sortie' THEN quantite"
                " ELSE -quantite END) FROM mouvements_stock"
                " WHERE piece_id = :p AND intervention_id IS NOT NULL GROUP BY intervention_id"
            ),
            {"p": piece_id},
        ).all()
    )
    assert by_intervention == {first: 0, second: 3}


def test_every_parts_stock_equals_its_ledger(conn: Connection) -> None:
    make_piece(conn, stock=8)
    drifted = conn.execute(
        text(
            "SELECT p.reference FROM pieces_detachees p"
            " LEFT JOIN mouvements_stock m ON m.piece_id = p.id"
            " GROUP BY p.id, p.reference, p.stock_actuel"
            " HAVING p.stock_actuel <> COALESCE(sum(CASE m.type_mouvement"
            "   WHEN 'entree' THEN m.quantite WHEN 'sortie' THEN -m.quantite"
            "   WHEN 'ajustement' THEN m.quantite ELSE 0 END), 0)"
        )
    ).scalars()
    assert list(drifted) == []


def test_a_technician_consumes_and_returns_parts_through_the_app_role(conn: Connection) -> None:
    piece_id = make_piece(conn, stock=6)
    client_id, _ = make_client(conn)
    tech_id, user_id = make_technicien(conn)
    intervention_id = make_intervention(
        conn, make_equipement(conn, client_id), technicien_id=tech_id, statut="en_cours"
    )
    act_as(conn, Actor(user_id=user_id, role="technicien", technicien_id=tech_id))
    params = {"i": intervention_id, "p": piece_id}
    conn.execute(
        text(
            "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
            " VALUES (:i, :p, 4, 120)"
        ),
        params,
    )
    assert stock(conn, piece_id) == 2
    exc = sql_error(
        conn,
        "UPDATE intervention_pieces SET quantite = 7 WHERE intervention_id = :i AND piece_id = :p",
        params,
    )
    assert_refused(exc, "stock_insuffisant")
    conn.execute(
        text("DELETE FROM intervention_pieces WHERE intervention_id = :i AND piece_id = :p"),
        params,
    )
    assert stock(conn, piece_id) == 6
    users = set(
        conn.execute(
            text("SELECT user_id FROM mouvements_stock WHERE intervention_id = :i"), params
        ).scalars()
    )
    assert users == {user_id}
    # The ledger stays append-only for the app role too.
    exc = sql_error(conn, "DELETE FROM mouvements_stock WHERE piece_id = :p", params)
    assert exc.orig.sqlstate == "42501"
