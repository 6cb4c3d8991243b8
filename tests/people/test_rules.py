"""Database rules of the people domain (users, techniciens, clients), checked with raw SQL.

Seed 004's ``CHECK (user_id IN (SELECT ...))`` is invalid PostgreSQL: triggers enforce that a
``techniciens`` row belongs to a ``technicien`` user and a ``clients`` row to a ``client`` user,
and that a user with such a row keeps its role.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from tests.conftest import assert_refused, sql_error
from tests.factories import make_client, make_technicien, make_user


def test_a_technicien_row_needs_a_user_whose_role_is_technicien(conn: Connection) -> None:
    user_id = make_user(conn, "client")
    exc = sql_error(conn, "INSERT INTO techniciens (user_id) VALUES (:u)", {"u": user_id})
    assert_refused(exc, "chk_user_role_technicien")


def test_a_technicien_row_is_accepted_for_a_technicien_user(conn: Connection) -> None:
    user_id = make_user(conn, "technicien")
    conn.execute(text("INSERT INTO techniciens (user_id) VALUES (:u)"), {"u": user_id})


def test_a_client_row_needs_a_user_whose_role_is_client(conn: Connection) -> None:
    user_id = make_user(conn, "technicien")
    exc = sql_error(
        conn,
        "INSERT INTO clients (user_id, nom_entreprise) VALUES (:u, 'Société X')",
        {"u": user_id},
    )
    assert_refused(exc, "chk_user_role_client")


def test_a_client_row_is_refused_for_an_admin_user(conn: Connection) -> None:
    user_id = make_user(conn, "admin")
    exc = sql_error(
        conn,
        "INSERT INTO clients (user_id, nom_entreprise) VALUES (:u, 'Société X')",
        {"u": user_id},
    )
    assert_refused(exc, "chk_user_role_client")


def test_a_technicien_row_cannot_be_moved_to_a_user_of_another_role(conn: Connection) -> None:
    tech_id, _ = make_technicien(conn)
    other = make_user(conn, "responsable")
    exc = sql_error(
        conn, "UPDATE techniciens SET user_id = :u WHERE id = :t", {"u": other, "t": tech_id}
    )
    assert_refused(exc, "chk_user_role_technicien")


def test_a_client_row_cannot_be_moved_to_a_user_of_another_role(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    other = make_user(conn, "technicien")
    exc = sql_error(
        conn, "UPDATE clients SET user_id = :u WHERE id = :c", {"u": other, "c": client_id}
    )
    assert_refused(exc, "chk_user_role_client")


def test_a_client_row_may_move_to_another_client_user(conn: Connection) -> None:
    client_id, _ = make_client(conn)
    other = make_user(conn, "client")
    conn.execute(
        text("UPDATE clients SET user_id = :u WHERE id = :c"), {"u": other, "c": client_id}
    )


def test_a_user_with_a_technicien_row_cannot_change_role(conn: Connection) -> None:
    _, user_id = make_technicien(conn)
    exc = sql_error(conn, "UPDATE users SET role = 'admin' WHERE id = :u", {"u": user_id})
    assert_refused(exc, "chk_user_role_change")


def test_a_user_with_a_client_row_cannot_change_role(conn: Connection) -> None:
    _, user_id = make_client(conn)
    exc = sql_error(conn, "UPDATE users SET role = 'technicien' WHERE id = :u", {"u": user_id})
    assert_refused(exc, "chk_user_role_change")


def test_a_user_without_a_specialised_row_may_change_role(conn: Connection) -> None:
    user_id = make_user(conn, "technicien")
    conn.execute(text("UPDATE users SET role = 'responsable' WHERE id = :u"), {"u": user_id})
    role = conn.execute(text("SELECT role FROM users WHERE id = :u"), {"u": user_id}).scalar_one()
    assert role == "responsable"


def test_two_users_never_share_a_username(conn: Connection) -> None:
    make_user(conn, "admin", username="doublon", email="doublon1@test.ma")
    exc = sql_error(
        conn,
        "INSERT INTO users (username, full_name, email, hashed_password, role)"
        " VALUES ('doublon', 'Autre', 'doublon2@test.ma', 'x', 'admin')",
    )
    assert_refused(exc, "uq_users_username", "23505")


def test_two_users_never_share_an_email(conn: Connection) -> None:
    make_user(conn, "admin", username="mail_a", email="meme@test.ma")
    exc = sql_error(
        conn,
        "INSERT INTO users (username, full_name, email, hashed_password, role)"
        " VALUES ('mail_b', 'Autre', 'meme@test.ma', 'x', 'admin')",
    )
    assert_refused(exc, "uq_users_email", "23505")


def test_a_user_has_at_most_one_technicien_row(conn: Connection) -> None:
    _, user_id = make_technicien(conn)
    exc = sql_error(conn, "INSERT INTO techniciens (user_id) VALUES (:u)", {"u": user_id})
    assert_refused(exc, "uq_techniciens_user_id", "23505")
