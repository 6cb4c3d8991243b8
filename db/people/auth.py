"""Sign-in, lock-out and the user of a login session, through the database's ``auth_*`` functions.

The app role never reads a password hash (nor the ``users`` table at all here). A sign-in is:

1. ``auth_login_salt(username)``: the bcrypt salt prefix of the account (a stable fake one for
   an unknown account, NULL while it is locked);
2. the typed password hashed here with that salt (bcrypt's cost is paid by the app, outside
   any database lock, and in the app outside any transaction: no pooled connection waits on
   it);
3. ``auth_login_check(...)``: the database locks the account's row, compares the hashes,
   counts failures (the 5th in a row locks the account for 15 minutes) and records the attempt
   in ``login_events``. Attempts on one account are serialised, so no more than 5 passwords are
   ever compared per lock-out window, however many replicas or threads try at once.

``session_user`` resolves who a login session (or cookie) belongs to on every run, and
``end_sessions`` (logout) voids every session of the acting user. Functions take the session
as a keyword argument and never commit (the caller's ``session_scope`` does). Nothing here
imports streamlit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.session import Actor

# Kept by auth_login_check() in the database (db/people/sql/fn_auth_login_check.sql); these
# copies are for the messages shown to users (a test checks that both agree).
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MAX_PASSWORD_BYTES = 72  # bcrypt's limit; bcrypt 5 raises beyond it
# What a NULL-free text column, an inet cast and a header can hold: longer input is cut.
MAX_USERNAME_CHARS = 200
MAX_USER_AGENT_CHARS = 500
MAX_IP_CHARS = 100
# Hashed in place of an unusable password, so that refusing it costs the same time.
_PLACEHOLDER = b"mot-de-passe-inutilisable"


class LoginOutcome(enum.StrEnum):
    """What ``auth_login_check`` decided (the database's words)."""

    ok = "ok"  # the password matched
    echec = "echec"  # wrong password (counted; the 5th in a row locks the account)
    verrouille = "verrouille"  # the account is locked: nothing was compared
    refuse = "refuse"  # unknown or inactive account


@dataclass(frozen=True)
class LoginResult:
    """Outcome of one sign-in attempt.

    ``attempts`` is the number of consecutive failures so far, ``locked_until`` the end of
    the lock when the account is locked (by this attempt or before), ``authenticated_at`` the
    database instant of a successful sign-in (the login session's opening time).
    """

    outcome: LoginOutcome
    attempts: int = 0
    locked_until: datetime | None = None
    authenticated_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the user is signed in."""
        return self.outcome is LoginOutcome.ok

    @property
    def was_locked(self) -> bool:
        """True when the account was already locked (the password was not checked)."""
        return self.outcome is LoginOutcome.verrouille

    @property
    def locked_now(self) -> bool:
        """True when this failed attempt is the one that locked the account."""
        return self.outcome is LoginOutcome.echec and self.locked_until is not None


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


# --------------------------------------------------------------------------- input hygiene


def _db_text(value: object, limit: int) -> str | None:
    """``value`` as text PostgreSQL accepts (no NUL, valid UTF-8), cut to ``limit``; else None."""
    if not isinstance(value, str) or "\x00" in value:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return None
    return value[:limit]


def normalize_username(username: object) -> str | None:
    """The name as accounts store it (trimmed, lower-case), or None when it cannot be one."""
    cleaned = _db_text(username, MAX_USERNAME_CHARS * 2)
    if cleaned is None:
        return None
    cleaned = cleaned.strip().lower()
    if not cleaned or len(cleaned) > MAX_USERNAME_CHARS:
        return None
    return cleaned


def _password_bytes(password: object) -> bytes | None:
    """The typed password as bcrypt takes it, or None when no account can have it.

    Stripped like the login form always did (the password policy forbids outer spaces); over
    72 bytes, a NUL or a lone surrogate can never match a stored hash.
    """
    if not isinstance(password, str) or "\x00" in password:
        return None
    try:
        raw = password.strip().encode("utf-8")
    except UnicodeEncodeError:
        return None
    if not raw or len(raw) > MAX_PASSWORD_BYTES:
        return None
    return raw


def _candidate(password: object, salt: str) -> str:
    """bcrypt hash of ``password`` with ``salt``; '' (matches nothing) for an unusable one."""
    raw = _password_bytes(password)
    try:
        hashed = bcrypt.hashpw(raw or _PLACEHOLDER, salt.encode("ascii"))
    except (ValueError, UnicodeEncodeError):  # a salt bcrypt refuses: no comparison can match
        return ""
    return hashed.decode("ascii") if raw is not None else ""


# --------------------------------------------------------------------------- verbs


@dataclass(frozen=True)
class LoginChallenge:
    """First step of a sign-in: the account's name and bcrypt salt, read in a short transaction.

    ``decided`` is the outcome when no password needs hashing (an unusable name, an account
    locked right now); otherwise ``login_candidate`` hashes the typed password with ``salt``.
    """

    username: str = ""
    salt: str = ""
    decided: LoginResult | None = None


def login_challenge(*, session: Session, username: str) -> LoginChallenge:
    """Step 1 of a sign-in: ``auth_login_salt`` for the typed name (a plain read, no lock).

    The caller may end the transaction right after it: the bcrypt hash that follows takes
    ~0.25 CPU-s and needs no database connection, so no pooled connection waits on it.
    """
    name = normalize_username(username)
    if name is None:
        return LoginChallenge(decided=LoginResult(LoginOutcome.refuse))
    salt = session.execute(text("SELECT auth_login_salt(:u)"), {"u": name}).scalar_one()
    if salt is None:
        return LoginChallenge(username=name, decided=LoginResult(LoginOutcome.verrouille))
    return LoginChallenge(username=name, salt=str(salt))


def login_candidate(challenge: LoginChallenge, password: object) -> str:
    """Step 2 of a sign-in: the typed password hashed with the account's salt (bcrypt's cost).

    Pure computation, no session: bcrypt releases the GIL, so several sign-ins of one process
    hash in parallel on as many cores as the process may use. '' (matches nothing) for an
    unusable password or a challenge already decided.
    """
    if challenge.decided is not None:
        return ""
    return _candidate(password, challenge.salt)


def login_check(
    *,
    session: Session,
    challenge: LoginChallenge,
    candidate: str,
    client_ip: str | None = None,
    user_agent: str | None = None,
) -> LoginResult:
    """Step 3 of a sign-in: ``auth_login_check`` locks the account, compares and counts.

    The lock-out is decided here, under the row lock, whatever step 1 saw: an account locked
    between the two steps is answered "locked" without any comparison. The caller commits.
    """
    if challenge.decided is not None:
        return challenge.decided
    row = session.execute(
        text(
            "SELECT outcome, attempts, locked_until, authenticated_at"
            " FROM auth_login_check(:u, :candidate, :ip, :agent)"
        ),
        {
            "u": challenge.username,
            "candidate": candidate,
            "ip": _db_text(client_ip, MAX_IP_CHARS),
            "agent": _db_text(user_agent, MAX_USER_AGENT_CHARS),
        },
    ).one()
    return LoginResult(
        outcome=LoginOutcome(row.outcome),
        attempts=row.attempts,
        locked_until=row.locked_until,
        authenticated_at=row.authenticated_at,
    )


def login(
    *,
    session: Session,
    username: str,
    password: str,
    client_ip: str | None = None,
    user_agent: str | None = None,
) -> LoginResult:
    """One sign-in attempt, checked and counted by the database (see the module docstring).

    The three steps (``login_challenge``, ``login_candidate``, ``login_check``) in one
    transaction. The app runs them in two transactions instead, so that no connection is held
    while bcrypt hashes (``ui.auth``). Never raises for bad input: an empty or unusable name is
    refused, an unusable password (empty, over 72 bytes, NUL, lone surrogate) is a wrong
    password like any other (counted). Database errors propagate (``DBAPIError``). The caller
    commits: the attempt counts only once its transaction is committed, and the account stays
    locked meanwhile for the others.
    """
    challenge = login_challenge(session=session, username=username)
    return login_check(
        session=session,
        challenge=challenge,
        candidate=login_candidate(challenge, password),
        client_ip=client_ip,
        user_agent=user_agent,
    )


def session_user(
    *, session: Session, username: str, authenticated_at: datetime | None = None
) -> SessionUser | None:
    """The active user ``username`` with their client / technician ids, or None.

    None when the account does not exist, is deactivated, or — when ``authenticated_at`` (the
    instant this login session or cookie was opened) is given — had its sessions revoked since.
    """
    name = normalize_username(username)
    if name is None:
        return None
    row = session.execute(
        text(
            "SELECT user_id, username, full_name, email, role, client_id, client_name,"
            " technicien_id FROM auth_session_user(:u, :at)"
        ),
        {"u": name, "at": authenticated_at},
    ).one_or_none()
    if row is None:
        return None
    return SessionUser(
        user_id=row.user_id,
        username=row.username,
        full_name=row.full_name,
        email=row.email,
        role=row.role,
        client_id=row.client_id,
        client_name=row.client_name,
        technicien_id=row.technicien_id,
    )


def end_sessions(*, session: Session, username: str) -> bool:
    """Void every login session of ``username`` opened before now (logout).

    Runs in a transaction whose actor is that same user (``session_scope(actor)``): the
    database ends only the acting user's own sessions and records the logout. True when done.
    The login cookie is a token of username + expiry that the browser may keep; sessions and
    cookies issued before the logout are refused by ``session_user`` from then on.
    """
    name = normalize_username(username)
    if name is None:
        return False
    return bool(session.execute(text("SELECT auth_end_sessions(:u)"), {"u": name}).scalar_one())
