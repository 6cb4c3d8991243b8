"""User accounts: creation, passwords, activation.

Sign-in, lock-out and the user of a login session are in ``db.people.auth`` (through the
database's ``auth_*`` functions: the app role never reads a password hash).
Functions take the session as a keyword argument and never commit (the caller's
``session_scope`` does). Nothing here imports streamlit.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import bcrypt
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.errors import ServiceError, describe
from db.people.models import User, UserRole
from db.validation import clean_bool, clean_text, is_encodable

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt's limit; bcrypt 5 raises beyond it
BCRYPT_ROUNDS = 12

_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,99}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --------------------------------------------------------------------------- passwords


def check_password_policy(password: str) -> None:
    """Refuse a password bcrypt or the login form could not handle, with a French message.

    The login library strips the typed password, so leading/trailing spaces could never match;
    bcrypt cannot hash more than 72 bytes; nobody can type control characters in the form.
    """
    if not isinstance(password, str):
        raise ServiceError("Le mot de passe est obligatoire.", field="password")
    if not is_encodable(password) or any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise ServiceError(
            "Le mot de passe contient des caractères non autorisés (caractères de contrôle"
            " ou texte mal encodé).",
            field="password",
        )
    if password != password.strip():
        raise ServiceError(
            "Le mot de passe ne doit pas commencer ni finir par une espace.", field="password"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères.",
            field="password",
        )
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise ServiceError(
            f"Le mot de passe est trop long ({MAX_PASSWORD_BYTES} octets au plus ; "
            "les lettres accentuées et les emoji comptent pour plusieurs octets).",
            field="password",
        )


def hash_password(password: str) -> str:
    """bcrypt hash of ``password`` after the policy check."""
    check_password_policy(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    """True when ``password`` matches the bcrypt ``hashed`` (False for any unusable input)."""
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except (ValueError, TypeError):
        return False


# --------------------------------------------------------------------------- accounts


def _user_id(session: Session, username: str, *, for_update: bool = False) -> int | None:
    # Only the id: the app roles may not read password hashes (db/access/columns.csv), so
    # accounts are never loaded as whole ORM objects.
    stmt = select(User.id).where(func.lower(User.username) == username.strip().lower())
    if for_update:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def create_user(
    *,
    session: Session,
    username: str,
    full_name: str,
    email: str,
    password: str,
    role: str,
    is_active: bool = True,
) -> int:
    """Create an account (bcrypt hash) and return its id.

    The username is stored lower-case (the login form lower-cases what is typed). Bad input is
    refused with a French ``ServiceError`` naming the field; nothing is written then.
    """
    # Type, NUL bytes, control characters and lone surrogates refused with a field message.
    username = (clean_text(username, field="username", label="Nom d'utilisateur") or "").lower()
    full_name = clean_text(full_name, field="full_name", label="Nom complet") or ""
    email = clean_text(email, field="email", label="Adresse e-mail") or ""
    is_active = clean_bool(is_active, field="is_active", label="Compte actif")
    if not _USERNAME_RE.match(username):
        raise ServiceError(
            "Nom d'utilisateur invalide : 3 à 100 caractères, lettres minuscules sans accent, "
            "chiffres, point, tiret ou tiret bas.",
            field="username",
        )
    if not full_name:
        raise ServiceError("Le nom complet est obligatoire.", field="full_name")
    if len(full_name) > 200:
        raise ServiceError("Le nom complet dépasse 200 caractères.", field="full_name")
    if not _EMAIL_RE.match(email) or len(email) > 255:
        raise ServiceError("Adresse e-mail invalide.", field="email")
    try:
        role_value = UserRole(role if isinstance(role, str) else "")
    except ValueError:
        raise ServiceError(
            "Rôle inconnu : admin, responsable, technicien ou client.", field="role"
        ) from None
    hashed = hash_password(password)
    if _user_id(session, username) is not None:
        raise ServiceError("Ce nom d'utilisateur est déjà pris.", field="username")
    taken = session.scalar(select(User.id).where(func.lower(User.email) == email.lower()))
    if taken is not None:
        raise ServiceError("Cette adresse e-mail est déjà utilisée.", field="email")
    try:
        with session.begin_nested():
            return session.execute(
                insert(User)
                .values(
                    username=username,
                    full_name=full_name,
                    email=email,
                    hashed_password=hashed,
                    role=role_value,
                    is_active=is_active,
                )
                .returning(User.id)
            ).scalar_one()
    except DBAPIError as exc:
        raise describe(exc) from exc


def set_password(*, session: Session, username: str, password: str) -> None:
    """Replace a user's password (policy checked) and void their open sessions."""
    username = clean_text(username, field="username", label="Nom d'utilisateur") or ""
    user_id = _user_id(session, username, for_update=True) if username else None
    if user_id is None:
        raise ServiceError("Utilisateur inconnu.", field="username")
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            hashed_password=hash_password(password),
            failed_login_count=0,
            locked_until=None,
            sessions_revoked_at=_db_now(session),
        )
    )


def set_active(*, session: Session, username: str, active: bool) -> None:
    """Activate or deactivate an account; deactivation also voids its open sessions."""
    username = clean_text(username, field="username", label="Nom d'utilisateur") or ""
    active = clean_bool(active, field="active", label="Compte actif")
    user_id = _user_id(session, username, for_update=True) if username else None
    if user_id is None:
        raise ServiceError("Utilisateur inconnu.", field="username")
    values: dict[str, Any] = {"is_active": active}
    if not active:
        values["sessions_revoked_at"] = _db_now(session)
    session.execute(update(User).where(User.id == user_id).values(**values))


# --------------------------------------------------------------------------- clock


def _db_now(session: Session) -> datetime:
    # One clock for every replica: the database's.
    return session.execute(select(func.clock_timestamp())).scalar_one()
