"""User accounts service: creation rules, passwords, activation.

Everything runs inside the test's rolled-back transaction (``session`` fixture).
"""

from __future__ import annotations

import bcrypt
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.people import auth
from db.people import service as people
from tests.factories import make_user

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


# --------------------------------------------------------------------------- activation
# Sign-in, lock-out and session resolution are tested in tests/people/test_login.py.


def test_a_deactivated_user_resolves_to_nobody(conn, session: Session) -> None:
    user_id = make_user(conn, "admin")
    username = conn.scalar(text("SELECT username FROM users WHERE id = :i"), {"i": user_id})
    assert auth.session_user(session=session, username=username) is not None
    people.set_active(session=session, username=username, active=False)
    assert auth.session_user(session=session, username=username) is None
