"""User accounts service: creation rules, credentials, lock-out, session resolution.

Everything runs inside the test's rolled-back transaction (``session`` fixture).
"""

from __future__ import annotations

from datetime import timedelta

import bcrypt
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.people import service as people
from db.session import Actor
from tests.conftest import act_as
from tests.factories import make_client, make_technicien, make_user

PASSWORD = "Bon-MotDePasse1"


def _new(session: Session, username: str = "nouvel.agent", **extra: str) -> int:
    values = {
        "username": username,
        "full_name": "Nouvel Agent",
        "email": f"{username}@mif-maroc.ma",
        "password": PASSWORD,
        "role": "responsable",
    }
    values.update(extra)
    return people.create_user(session=session, **values)


def _row(session: Session, user_id: int) -> dict:
    return dict(
        session.execute(text("SELECT * FROM users WHERE id = :i"), {"i": user_id}).mappings().one()
    )


# --------------------------------------------------------------------------- create_user


def test_create_user_stores_a_bcrypt_hash_and_a_lower_case_username(session: Session) -> None:
    user_id = _new(session, username="  Agent.Casa  ", email="agent.casa@mif-maroc.ma")
    row = _row(session, user_id)
    assert row["username"] == "agent.casa"
    assert row["hashed_password"].startswith("$2b$")
    assert bcrypt.checkpw(PASSWORD.encode(), row["hashed_password"].encode())
    assert row["is_active"] is True
    assert row["failed_login_count"] == 0


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("court1!", "au moins 8 caractères"),
        ("x" * 73, "trop long"),
        ("é" * 37, "trop long"),  # 74 bytes in UTF-8, 37 characters
        ("🔧" * 19, "trop long"),  # 76 bytes
        (" EspaceDevant1", "espace"),
        ("EspaceDerriere1 ", "espace"),
    ],
)
def test_create_user_refuses_unusable_passwords_in_french(
    session: Session, password: str, fragment: str
) -> None:
    with pytest.raises(ServiceError) as err:
        _new(session, password=password)
    assert err.value.field == "password"
    assert fragment in err.value.message
    assert session.scalar(text("SELECT count(*) FROM users WHERE username = 'nouvel.agent'")) == 0


def test_a_72_byte_password_is_accepted(session: Session) -> None:
    user_id = _new(session, password="a" * 72)
    assert people.verify_password("a" * 72, _row(session, user_id)["hashed_password"])


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"username": "ab"}, "username"),
        ({"username": "nom avec espace"}, "username"),
        ({"username": "élodie"}, "username"),
        ({"username": "<script>"}, "username"),
        ({"full_name": "   "}, "full_name"),
        ({"full_name": "x" * 201}, "full_name"),
        ({"email": "pas-une-adresse"}, "email"),
        ({"role": "superviseur"}, "role"),
    ],
)
def test_create_user_refuses_bad_fields(session: Session, values: dict, field: str) -> None:
    with pytest.raises(ServiceError) as err:
        _new(session, **values)
    assert err.value.field == field
    assert err.value.message


def test_usernames_and_emails_are_unique_whatever_the_case(session: Session) -> None:
    _new(session, username="agent.rabat", email="agent.rabat@mif-maroc.ma")
    with pytest.raises(ServiceError) as err:
        _new(session, username="AGENT.RABAT", email="autre@mif-maroc.ma")
    assert err.value.field == "username"
    with pytest.raises(ServiceError) as err:
        _new(session, username="agent.fes", email="Agent.Rabat@MIF-maroc.ma")
    assert err.value.field == "email"


def test_set_password_checks_the_policy_and_voids_sessions(session: Session) -> None:
    user_id = _new(session)
    with pytest.raises(ServiceError):
        people.set_password(session=session, username="nouvel.agent", password="court")
    people.set_password(session=session, username="nouvel.agent", password="Nouveau-Secret9")
    row = _row(session, user_id)
    assert people.verify_password("Nouveau-Secret9", row["hashed_password"])
    assert row["sessions_revoked_at"] is not None


# --------------------------------------------------------------------------- credentials


def test_load_credentials_lists_active_users_in_the_library_format(session: Session) -> None:
    _new(session, username="actif.un")
    _new(session, username="inactif.un", is_active=False)
    creds = people.load_credentials(session=session)["usernames"]
    assert "inactif.un" not in creds
    entry = creds["actif.un"]
    assert entry["first_name"] == "Nouvel Agent"
    assert entry["roles"] == ["responsable"]
    assert entry["password"].startswith("$2b$")
    assert entry["failed_login_attempts"] == 0


def test_load_credentials_for_one_user(session: Session) -> None:
    _new(session, username="seul.lui")
    creds = people.load_credentials(session=session, username="Seul.Lui")["usernames"]
    assert list(creds) == ["seul.lui"]


# --------------------------------------------------------------------------- lock-out


def test_five_failures_lock_the_account_for_fifteen_minutes(session: Session) -> None:
    _new(session, username="cible")
    for attempt in range(1, people.MAX_FAILED_LOGINS):
        failure = people.record_failed_login(session=session, username="cible")
        assert failure.attempts == attempt
        assert not failure.locked
        assert not people.is_locked(session=session, username="cible")
    failure = people.record_failed_login(session=session, username="CIBLE")
    assert failure.locked
    assert people.is_locked(session=session, username="cible")
    until = people.locked_until(session=session, username="cible")
    now = session.scalar(text("SELECT clock_timestamp()"))
    assert timedelta(minutes=14) < until - now <= timedelta(minutes=15)
    # The library is told to refuse the account before it checks the password.
    creds = people.load_credentials(session=session)["usernames"]
    assert creds["cible"]["failed_login_attempts"] >= people.MAX_FAILED_LOGINS


def test_failures_while_locked_do_not_extend_the_lock(session: Session) -> None:
    _new(session, username="cible")
    for _ in range(people.MAX_FAILED_LOGINS):
        people.record_failed_login(session=session, username="cible")
    first = people.locked_until(session=session, username="cible")
    again = people.record_failed_login(session=session, username="cible")
    assert again.locked_until == first


def test_an_expired_lock_starts_a_fresh_series(session: Session) -> None:
    user_id = _new(session, username="cible")
    for _ in range(people.MAX_FAILED_LOGINS):
        people.record_failed_login(session=session, username="cible")
    session.execute(
        text("UPDATE users SET locked_until = now() - interval '1 minute' WHERE id = :i"),
        {"i": user_id},
    )
    session.expire_all()
    assert not people.is_locked(session=session, username="cible")
    failure = people.record_failed_login(session=session, username="cible")
    assert failure.attempts == 1
    assert not failure.locked


def test_a_successful_login_resets_the_counter(session: Session) -> None:
    user_id = _new(session, username="cible")
    for _ in range(3):
        people.record_failed_login(session=session, username="cible")
    at = people.record_successful_login(session=session, username="cible")
    row = _row(session, user_id)
    assert row["failed_login_count"] == 0
    assert row["last_login_at"] == at


def test_unknown_usernames_change_nothing(session: Session) -> None:
    failure = people.record_failed_login(session=session, username="personne")
    assert failure.attempts == 0
    assert not people.is_locked(session=session, username="personne")


# --------------------------------------------------------------------------- session user


def test_resolve_user_gives_the_client_company(conn, session: Session) -> None:
    client_id, user_id = make_client(conn, nom_entreprise="Atlas Textile")
    username = conn.scalar(text("SELECT username FROM users WHERE id = :i"), {"i": user_id})
    user = people.resolve_user(session=session, username=username.upper())
    assert user is not None
    assert (user.user_id, user.role, user.client_id) == (user_id, "client", client_id)
    assert user.client_name == "Atlas Textile"
    actor = user.actor("10.0.0.7", "Chromium")
    assert (actor.user_id, actor.client_id, actor.technicien_id) == (user_id, client_id, None)
    assert actor.client_ip == "10.0.0.7"


def test_resolve_user_finds_the_company_through_row_level_security(conn, session) -> None:
    # The app resolves users as the system actor of the unprivileged role: the clients table
    # is under row-level security, and the look-up must still find the user's own company.
    client_id, user_id = make_client(conn, nom_entreprise="Conserverie d'Agadir")
    username = conn.scalar(text("SELECT username FROM users WHERE id = :i"), {"i": user_id})
    act_as(session, Actor())
    user = people.resolve_user(session=session, username=username)
    assert user is not None
    assert (user.client_id, user.client_name) == (client_id, "Conserverie d'Agadir")
    # ... without leaving the transaction acting as that user.
    assert session.scalar(text("SELECT count(*) FROM clients")) == 0


def test_resolve_actor_gives_the_technician_id(conn, session: Session) -> None:
    tech_id, user_id = make_technicien(conn)
    username = conn.scalar(text("SELECT username FROM users WHERE id = :i"), {"i": user_id})
    actor = people.resolve_actor(session=session, username=username)
    assert actor is not None
    assert (actor.role, actor.technicien_id, actor.client_id) == ("technicien", tech_id, None)


def test_a_deactivated_user_resolves_to_nobody(conn, session: Session) -> None:
    user_id = make_user(conn, "admin")
    username = conn.scalar(text("SELECT username FROM users WHERE id = :i"), {"i": user_id})
    assert people.resolve_user(session=session, username=username) is not None
    people.set_active(session=session, username=username, active=False)
    assert people.resolve_user(session=session, username=username) is None


def test_sessions_opened_before_a_logout_are_void(session: Session) -> None:
    _new(session, username="cible")
    opened = people.record_successful_login(session=session, username="cible")
    assert people.resolve_user(session=session, username="cible", authenticated_at=opened)
    people.revoke_sessions(session=session, username="cible")
    assert people.resolve_user(session=session, username="cible", authenticated_at=opened) is None
    reopened = people.record_successful_login(session=session, username="cible")
    assert people.resolve_user(session=session, username="cible", authenticated_at=reopened)
