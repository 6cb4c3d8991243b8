"""User accounts: creation, login credentials, lock-out and the current user of a session.

Everything here runs before a user is known (login) or to know who they are, on the ``users``
table, which has no row-level security: the system actor of ``session_scope()`` is enough.
Functions take the session as a keyword argument and never commit (the caller's
``session_scope`` does). Nothing here imports streamlit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import bcrypt
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.errors import ServiceError, describe
from db.people.models import Client, Technicien, User, UserRole
from db.session import Actor

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt's limit; bcrypt 5 raises beyond it
BCRYPT_ROUNDS = 12

_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,99}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --------------------------------------------------------------------------- passwords


def check_password_policy(password: str) -> None:
    """Refuse a password bcrypt or the login form could not handle, with a French message.

    The login library strips the typed password, so leading/trailing spaces could never match;
    bcrypt cannot hash more than 72 bytes.
    """
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


def _user_by_username(session: Session, username: str, *, for_update: bool = False) -> User | None:
    stmt = select(User).where(func.lower(User.username) == username.strip().lower())
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
    username = (username or "").strip().lower()
    full_name = (full_name or "").strip()
    email = (email or "").strip()
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
        role_value = UserRole(role)
    except ValueError:
        raise ServiceError(
            "Rôle inconnu : admin, responsable, technicien ou client.", field="role"
        ) from None
    hashed = hash_password(password)
    if _user_by_username(session, username) is not None:
        raise ServiceError("Ce nom d'utilisateur est déjà pris.", field="username")
    taken = session.scalar(select(User.id).where(func.lower(User.email) == email.lower()))
    if taken is not None:
        raise ServiceError("Cette adresse e-mail est déjà utilisée.", field="email")
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        hashed_password=hashed,
        role=role_value,
        is_active=is_active,
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except DBAPIError as exc:
        raise describe(exc) from exc
    return user.id


def set_password(*, session: Session, username: str, password: str) -> None:
    """Replace a user's password (policy checked) and void their open sessions."""
    user = _user_by_username(session, username, for_update=True)
    if user is None:
        raise ServiceError("Utilisateur inconnu.", field="username")
    user.hashed_password = hash_password(password)
    user.failed_login_count = 0
    user.locked_until = None
    user.sessions_revoked_at = _db_now(session)
    session.flush()


def set_active(*, session: Session, username: str, active: bool) -> None:
    """Activate or deactivate an account; deactivation also voids its open sessions."""
    user = _user_by_username(session, username, for_update=True)
    if user is None:
        raise ServiceError("Utilisateur inconnu.", field="username")
    user.is_active = active
    if not active:
        user.sessions_revoked_at = _db_now(session)
    session.flush()


# --------------------------------------------------------------------------- login


def _db_now(session: Session) -> datetime:
    # One clock for every replica: the database's.
    return session.execute(select(func.clock_timestamp())).scalar_one()


def _is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def load_credentials(*, session: Session, username: str | None = None) -> dict[str, Any]:
    """streamlit-authenticator's credentials dict, built from the active users.

    ``{"usernames": {username: {"email", "first_name", "last_name", "password", "roles",
    "failed_login_attempts"}}}``. A locked account gets ``failed_login_attempts`` =
    ``MAX_FAILED_LOGINS`` so the library refuses it before checking the password; the real
    counter and lock are in the database (``record_failed_login``). With ``username`` only that
    user is loaded (the logged-in runs need no one else).
    """
    now = _db_now(session)
    stmt = select(
        User.username,
        User.full_name,
        User.email,
        User.hashed_password,
        User.role,
        User.locked_until,
    ).where(User.is_active.is_(True))
    if username is not None:
        stmt = stmt.where(func.lower(User.username) == username.strip().lower())
    users: dict[str, dict[str, Any]] = {}
    for row in session.execute(stmt):
        locked = row.locked_until is not None and row.locked_until > now
        users[row.username.lower()] = {
            "email": row.email,
            "first_name": row.full_name,
            "last_name": "",
            "password": row.hashed_password,
            "roles": [str(row.role)],
            "failed_login_attempts": MAX_FAILED_LOGINS if locked else 0,
        }
    return {"usernames": users}


@dataclass(frozen=True)
class LoginFailure:
    """Outcome of one failed login: consecutive failures so far and the lock end, if locked."""

    attempts: int
    locked_until: datetime | None

    @property
    def locked(self) -> bool:
        """True when this failure locked the account."""
        return self.locked_until is not None


def record_failed_login(*, session: Session, username: str) -> LoginFailure:
    """Count a failed login; the ``MAX_FAILED_LOGINS``-th in a row locks the account.

    The row is locked (``FOR UPDATE``) so concurrent attempts on several replicas all count.
    An expired lock starts a fresh series. An unknown username changes nothing.
    """
    user = _user_by_username(session, username, for_update=True)
    if user is None:
        return LoginFailure(attempts=0, locked_until=None)
    now = _db_now(session)
    if _is_locked(user, now):
        return LoginFailure(attempts=user.failed_login_count, locked_until=user.locked_until)
    if user.locked_until is not None:  # the previous lock has expired
        user.failed_login_count = 0
        user.locked_until = None
    user.failed_login_count += 1
    if user.failed_login_count >= MAX_FAILED_LOGINS:
        user.locked_until = now + LOCKOUT
    session.flush()
    return LoginFailure(attempts=user.failed_login_count, locked_until=user.locked_until)


def locked_until(*, session: Session, username: str) -> datetime | None:
    """End of the account's current lock, or None when it may log in."""
    user = _user_by_username(session, username)
    if user is None:
        return None
    return user.locked_until if _is_locked(user, _db_now(session)) else None


def is_locked(*, session: Session, username: str) -> bool:
    """True while the account is locked after too many failed logins."""
    return locked_until(session=session, username=username) is not None


def record_successful_login(*, session: Session, username: str) -> datetime:
    """Reset the failure counter, stamp ``last_login_at`` and return that instant."""
    user = _user_by_username(session, username, for_update=True)
    now = _db_now(session)
    if user is not None:
        user.failed_login_count = 0
        user.locked_until = None
        user.last_login_at = now
        session.flush()
    return now


def revoke_sessions(*, session: Session, username: str) -> None:
    """Void every login session of the user opened before now (logout).

    The login cookie is a token of username + expiry that the browser may keep; sessions and
    cookies issued before ``sessions_revoked_at`` are refused by ``resolve_user``.
    """
    user = _user_by_username(session, username, for_update=True)
    if user is not None:
        user.sessions_revoked_at = _db_now(session)
        session.flush()


@dataclass(frozen=True)
class SessionUser:
    """The logged-in user as the app shows and uses them (resolved once per page run)."""

    user_id: int
    username: str
    full_name: str
    email: str
    role: str
    client_id: int | None = None
    client_name: str | None = None
    technicien_id: int | None = None

    def actor(self, client_ip: str | None = None, user_agent: str | None = None) -> Actor:
        """The ``Actor`` that services put into the transaction settings."""
        return Actor(
            user_id=self.user_id,
            role=self.role,
            client_id=self.client_id,
            technicien_id=self.technicien_id,
            client_ip=client_ip,
            user_agent=user_agent,
        )


def resolve_user(
    *, session: Session, username: str, authenticated_at: datetime | None = None
) -> SessionUser | None:
    """The active user ``username`` with their client / technician ids, or None.

    None when the account does not exist, is deactivated, or — when ``authenticated_at`` (the
    instant this login session or cookie was opened) is given — had its sessions revoked since.
    """
    row = session.execute(
        select(
            User.id,
            User.username,
            User.full_name,
            User.email,
            User.role,
            User.sessions_revoked_at,
            Technicien.id.label("technicien_id"),
        )
        .outerjoin(Technicien, Technicien.user_id == User.id)
        .where(func.lower(User.username) == username.strip().lower(), User.is_active.is_(True))
    ).one_or_none()
    if row is None:
        return None
    revoked = row.sessions_revoked_at
    if revoked is not None and authenticated_at is not None and authenticated_at < revoked:
        return None
    client = _own_client(session, row.id) if str(row.role) == "client" else None
    return SessionUser(
        user_id=row.id,
        username=row.username,
        full_name=row.full_name,
        email=row.email,
        role=str(row.role),
        client_id=client[0] if client else None,
        client_name=client[1] if client else None,
        technicien_id=row.technicien_id,
    )


def _own_client(session: Session, user_id: int) -> tuple[int, str] | None:
    """The client company of ``user_id``, read as that user.

    ``clients`` is under row-level security: a client user sees only its own company, so the
    look-up runs with the transaction's acting user set to ``user_id``, then restored.
    """
    previous = session.execute(
        text("SELECT current_setting('app.current_user_id', true)")
    ).scalar_one()
    session.execute(
        text("SELECT set_config('app.current_user_id', :uid, true)"), {"uid": str(user_id)}
    )
    try:
        found = session.execute(
            select(Client.id, Client.nom_entreprise).where(Client.user_id == user_id)
        ).one_or_none()
    finally:
        session.execute(
            text("SELECT set_config('app.current_user_id', :uid, true)"), {"uid": previous or ""}
        )
    return None if found is None else (found.id, found.nom_entreprise)


def resolve_actor(
    *,
    session: Session,
    username: str,
    authenticated_at: datetime | None = None,
    client_ip: str | None = None,
    user_agent: str | None = None,
) -> Actor | None:
    """``resolve_user`` as an ``Actor`` (None when the user may not act)."""
    user = resolve_user(session=session, username=username, authenticated_at=authenticated_at)
    return None if user is None else user.actor(client_ip, user_agent)
