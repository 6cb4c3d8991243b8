"""Login gate: streamlit-authenticator over the ``users`` table, lock-out and session checks.

One run of the app goes through ``open_gate()`` first:

* the credentials dict is built from the database on every run (active users only; a locked
  account is marked so the library refuses it before checking the password);
* a user already logged in is looked up again (``db.people.service.resolve_user``): a
  deactivated user, or one whose sessions were revoked (logout), is logged out at once;
* the current user becomes ``st.session_state["actor"]`` (``db.session.Actor``) for the pages.

The login cookie of streamlit-authenticator is a signed token of username + expiry that the
browser may keep after a logout. Logging out stamps ``users.sessions_revoked_at``; a cookie
issued before that instant is refused (and deleted), so only the database decides who is in.

Failed logins are counted in the database (``record_failed_login``): five in a row lock the
account for 15 minutes, on every replica.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy.exc import DBAPIError
from streamlit.delta_generator import DeltaGenerator

from db import config
from db.people import service as people
from db.session import session_scope
from ui.context import ACTOR_KEY
from ui.i18n import t

COOKIE_NAME = "mif_session"
COOKIE_EXPIRY_DAYS = 1.0
MIN_COOKIE_KEY_LENGTH = 32
COOKIE_KEY_FILE = "cookie_key"
# streamlit-authenticator waits this long on every logged-out run (slows password guessing);
# MIF_LOGIN_DELAY overrides it (the tests use 0).
DEFAULT_LOGIN_DELAY = 0.7

USER_KEY = "session_user"  # db.people.service.SessionUser of the logged-in user
AUTH_AT_KEY = "auth_at"  # when this login session (or its cookie) was opened
NOTICE_KEY = "auth_notice"  # message key shown on the login page until the next attempt
LOGOUT_KEY = "logout_requested"  # set by the sidebar's logout button
ISSUE_COOKIE_KEY = "issue_cookie"  # a form login happened: send the cookie until stored
COOKIE_SET_KEY = "set"  # key of extra-streamlit-components' cookie "set" component
# streamlit-authenticator's own session keys.
LIB_STATUS = "authentication_status"
LIB_USERNAME = "username"
LIB_LOGOUT = "logout"


class CookieKeyError(RuntimeError):
    """No usable cookie key: the app must not start (message key of the French text)."""

    def __init__(self, message_key: str, **fields: object) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.fields = fields

    def message(self) -> str:
        """The French (or English) explanation for the operator."""
        return t(self.message_key, **self.fields)


# --------------------------------------------------------------------------- cookie key


def demo_cookie_key(folder: Path) -> str:
    """Random key generated once and kept in ``folder/cookie_key`` (demo / embedded mode).

    Written to a private temporary file then hard-linked into place, so two processes
    starting together end up with the same key.
    """
    path = folder / COOKIE_KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{COOKIE_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_COOKIE_KEY_LENGTH:
        raise CookieKeyError("auth.cookie_key_short", n=len(key))
    return key


def resolve_cookie_key(
    *, secret: str | None, env_value: str | None, embedded: bool, folder: Path
) -> str:
    """The cookie signing key: Streamlit secret, else environment, else (demo only) a file.

    With an external database and no configured key, ``CookieKeyError``: the app refuses to
    start rather than sign sessions with a guessable key.
    """
    for candidate in (secret, env_value):
        if candidate and str(candidate).strip():
            key = str(candidate).strip()
            if len(key) < MIN_COOKIE_KEY_LENGTH:
                raise CookieKeyError("auth.cookie_key_short", n=len(key))
            return key
    if not embedded:
        raise CookieKeyError("auth.cookie_key_missing")
    return demo_cookie_key(folder)


def _secret_cookie_key() -> str | None:
    try:
        value = st.secrets.get("cookie_key")
    except FileNotFoundError:  # no secrets.toml at all
        return None
    return str(value) if value else None


def cookie_key() -> str:
    """The configured cookie key (see ``resolve_cookie_key``)."""
    return resolve_cookie_key(
        secret=_secret_cookie_key(),
        env_value=os.environ.get("MIF_COOKIE_KEY"),
        embedded=config.uses_embedded(),
        folder=config.data_dir(),
    )


# --------------------------------------------------------------------------- helpers


def _login_delay() -> float:
    try:
        return max(0.0, float(os.environ.get("MIF_LOGIN_DELAY", DEFAULT_LOGIN_DELAY)))
    except ValueError:
        return DEFAULT_LOGIN_DELAY


def _client_meta() -> tuple[str | None, str | None]:
    """Browser IP and user agent for the audit trail (None when Streamlit has none)."""
    try:
        ip = st.context.ip_address
        agent = st.context.headers.get("User-Agent")
    except (AttributeError, KeyError, RuntimeError):
        return None, None
    return (ip if isinstance(ip, str) else None), (agent if isinstance(agent, str) else None)


def _cookie_session(key: str) -> tuple[str, datetime] | None:
    """(username, issue instant) of a valid login cookie sent by the browser, if any."""
    if st.session_state.get(LIB_LOGOUT):  # the library ignores the cookie after a logout
        return None
    try:
        raw = st.context.cookies.get(COOKIE_NAME)
    except (AttributeError, KeyError, RuntimeError):
        return None
    if not isinstance(raw, str) or not raw:
        return None
    try:
        payload = jwt.decode(raw, key, algorithms=["HS256"])
        username = str(payload["username"]).strip().lower()
        expires = float(payload["exp_date"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    if not username or expires <= time.time():
        return None
    issued = datetime.fromtimestamp(expires - COOKIE_EXPIRY_DAYS * 86400, tz=UTC)
    return username, issued


def current_user() -> people.SessionUser | None:
    """The logged-in user of this run (full name, role, company), None before login."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, people.SessionUser) else None


def _remember(user: people.SessionUser) -> None:
    ip, agent = _client_meta()
    st.session_state[USER_KEY] = user
    st.session_state[ACTOR_KEY] = user.actor(ip, agent)


def _forget() -> None:
    for key in (USER_KEY, ACTOR_KEY, AUTH_AT_KEY):
        st.session_state.pop(key, None)


def request_logout() -> None:
    """``on_click`` of the logout button: the next run ends the session (see ``open_gate``)."""
    st.session_state[LOGOUT_KEY] = True


def first_run_of_session() -> bool:
    """True once per browser session, on its very first run.

    ``app.py`` renders nothing on that run but a navigation call and reruns. The first run of
    each server process runs in Streamlit's legacy ``pages/`` mode, where widget ids differ
    from later runs (a login typed there would be lost); rerunning before any widget exists
    makes every session start on a normal run.
    """
    if st.session_state.get("_shell_booted"):
        return False
    st.session_state["_shell_booted"] = True
    return True


# --------------------------------------------------------------------------- gate


@dataclass
class Gate:
    """Outcome of the gate for this run."""

    authenticator: stauth.Authenticate
    credentials: dict[str, Any]
    key: str
    user: people.SessionUser | None
    sidebar: DeltaGenerator | None = None  # where the sidebar's user block goes


def _issue_cookie(authenticator: stauth.Authenticate) -> None:
    """Send the login cookie until the browser confirms it has stored it.

    The login run reruns at once, and the library's cookie component is often removed before
    the browser has run it. So the first logged-in runs send it again (its component keeps one
    identity, ``key="set"``), until the component reports success: its value, under that key,
    becomes True.
    """
    if st.session_state.get(COOKIE_SET_KEY) is True:
        st.session_state.pop(ISSUE_COOKIE_KEY, None)
        return
    authenticator.cookie_controller.set_cookie()


def _end_session(authenticator: stauth.Authenticate, *, revoke: bool, notice: str | None) -> None:
    username = st.session_state.get(LIB_USERNAME)
    if revoke and username:
        with session_scope() as s:
            people.revoke_sessions(session=s, username=username)
    if st.session_state.get(LIB_STATUS):
        # Clears the library's state, marks the session logged out and deletes the cookie.
        authenticator.logout(location="unrendered")
    st.session_state[LIB_LOGOUT] = True
    _forget()
    if notice:
        st.session_state[NOTICE_KEY] = notice


def open_gate() -> Gate:
    """Check who is logged in, against the database, before anything else of the run.

    Stops the run with a clear message when the cookie key is missing or the database is
    unreachable.
    """
    try:
        key = cookie_key()
    except CookieKeyError as exc:
        st.error(exc.message(), icon=":material/key_off:")
        st.stop()

    logout_requested = bool(st.session_state.pop(LOGOUT_KEY, False))
    authenticated = st.session_state.get(LIB_STATUS) is True
    username = st.session_state.get(LIB_USERNAME) if authenticated else None
    user: people.SessionUser | None = None
    try:
        with session_scope() as s:
            if authenticated and username:
                # Logged in: the library needs no credentials (only the login form does).
                credentials: dict[str, Any] = {"usernames": {}}
                if not logout_requested:
                    user = people.resolve_user(
                        session=s,
                        username=username,
                        authenticated_at=st.session_state.get(AUTH_AT_KEY),
                    )
            else:
                credentials = people.load_credentials(session=s)
    except DBAPIError:
        st.error(t("auth.unavailable"), icon=":material/cloud_off:")
        st.stop()

    # The library renders its (invisible) cookie components where it is called: once logged
    # in, at the bottom of the sidebar (``sidebar`` is the slot above them for the user's
    # block), so pages start at the top; logged out, in one container at the top of the page,
    # so the login form keeps its place from one run to the next.
    sidebar = None
    with st.sidebar if user is not None else st.container():
        if user is not None:
            sidebar = st.container()
        authenticator = stauth.Authenticate(
            credentials,
            COOKIE_NAME,
            key,
            COOKIE_EXPIRY_DAYS,
            auto_hash=False,
            login_sleep_time=_login_delay(),
        )
        if logout_requested:
            _end_session(authenticator, revoke=True, notice="auth.logged_out")
        elif authenticated and user is None:
            # Deactivated, deleted, or logged out from another window: no more access.
            _end_session(authenticator, revoke=False, notice="auth.session_ended")
        elif user is not None and st.session_state.get(ISSUE_COOKIE_KEY):
            _issue_cookie(authenticator)
    if user is not None:
        _remember(user)
    else:
        _forget()
    return Gate(
        authenticator=authenticator, credentials=credentials, key=key, user=user, sidebar=sidebar
    )


def _form_fields() -> dict[str, str]:
    return {
        "Form name": t("auth.form_title"),
        "Username": t("auth.username"),
        "Password": t("auth.password"),
        "Login": t("auth.submit"),
    }


def _attempt_counters(credentials: Mapping[str, Any]) -> dict[str, int]:
    return {
        name: int(entry.get("failed_login_attempts", 0))
        for name, entry in credentials["usernames"].items()
    }


def _failed_usernames(credentials: Mapping[str, Any], before: Mapping[str, int]) -> list[str]:
    # The library counts a wrong password in the entry of the user it checked (the dicts we
    # passed in); the database keeps the real counter.
    return [
        name
        for name, entry in credentials["usernames"].items()
        if int(entry.get("failed_login_attempts", 0)) > before.get(name, 0)
    ]


def login_form(gate: Gate) -> bool:
    """Render the login form (or accept a valid cookie). True once a user is logged in.

    On success the caller reruns the app so the navigation of the user's role is built.
    """
    cookie = _cookie_session(gate.key)
    if cookie is not None:
        with session_scope() as s:
            cookie_user = people.resolve_user(
                session=s, username=cookie[0], authenticated_at=cookie[1]
            )
        if cookie_user is None:
            # Revoked (logout), deactivated or unknown: the library must not use this cookie.
            st.session_state[LIB_LOGOUT] = True
            cookie = None

    before = _attempt_counters(gate.credentials)
    locked = False
    try:
        gate.authenticator.login(
            location="main",
            key="login_form",
            fields=_form_fields(),
            max_login_attempts=people.MAX_FAILED_LOGINS,
        )
    except stauth.LoginError:
        # With our settings the only refusal is "too many attempts": a locked account.
        locked = True

    status = st.session_state.get(LIB_STATUS)
    if locked or status is not None:  # an attempt was made: the previous notice is stale
        st.session_state.pop(NOTICE_KEY, None)
    if status is True:
        username = str(st.session_state.get(LIB_USERNAME) or "")
        with session_scope() as s:
            if cookie is not None and cookie[0] == username:
                authenticated_at = cookie[1]
            else:
                authenticated_at = people.record_successful_login(session=s, username=username)
                st.session_state[ISSUE_COOKIE_KEY] = True
            user = people.resolve_user(
                session=s, username=username, authenticated_at=authenticated_at
            )
        if user is None:
            _end_session(gate.authenticator, revoke=False, notice=None)
            st.error(t("auth.bad_credentials"), icon=":material/error:")
            return False
        st.session_state[AUTH_AT_KEY] = authenticated_at
        _remember(user)
        return True

    minutes = int(people.LOCKOUT.total_seconds() // 60)
    if locked:
        st.error(
            t("auth.locked", n=people.MAX_FAILED_LOGINS, minutes=minutes), icon=":material/lock:"
        )
    elif status is False:
        failure = None
        for username in _failed_usernames(gate.credentials, before):
            with session_scope() as s:
                failure = people.record_failed_login(session=s, username=username)
        if failure is not None and failure.locked:
            st.error(t("auth.locked_now", minutes=minutes), icon=":material/lock:")
        else:
            st.error(t("auth.bad_credentials"), icon=":material/error:")
    return False
