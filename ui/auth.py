"""Login gate: a login form checked by the database, lock-out, revocable sessions.

The app role never reads a password hash, nor any user on a logged-out run. Signing in goes
through the login steps of ``db.people.auth`` (the database's ``auth_login_salt`` /
``auth_login_check``: attempts on one account are serialised, five failures in a row lock it
for 15 minutes, every comparison is recorded in ``login_events``). One run of the app goes
through ``open_gate()`` first:

* a user already logged in is looked up again (``db.people.auth.session_user``): a
  deactivated user, or one whose sessions were revoked (logout), is logged out at once;
* the current user becomes ``st.session_state["actor"]`` (``db.session.Actor``) for the pages.

A submitted login is never lost. Any rerun request (a cookie component of the library answers
as soon as its page has loaded, which can be seconds late) stops the run under
way at its next Streamlit call, ``st.session_state`` reads and writes included, and with
Streamlit's fast reruns the next run starts at once, alongside the stopped one still busy in
the database: the button press, and anything the stopped run would have written, are gone. So
the submit button's ``on_click`` (run before the script) stores one ``LoginAttempt`` object in
the session; the first run that sees it checks it with the database and writes the outcome into
the object itself (plain attributes, which no rerun can interrupt), a run started meanwhile
waits for that outcome, and whichever run comes next applies it (signed in, or the reason why
not under the form) before removing the attempt.

The login form is ours; streamlit-authenticator only provides the login cookie (a signed token
of username + expiry, issued by its cookie controller, whose components are rendered only on the
runs that write the cookie) and clears its session keys at logout.
A signed-in session fills the library's keys (``authentication_status``, ``username``,
``name``, ``email``, ``roles``) as its own login would. The browser may keep the cookie after a
logout: logging out stamps ``users.sessions_revoked_at`` (``auth_end_sessions``, as the user
logging out), and a cookie issued before that instant is refused, so only the database decides
who is in.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy.exc import DBAPIError
from streamlit.delta_generator import DeltaGenerator

from db import config
from db.people import auth
from db.session import Actor, session_scope
from ui.context import ACTOR_KEY
from ui.i18n import t

COOKIE_NAME = "mif_session"
COOKIE_EXPIRY_DAYS = 1.0
MIN_COOKIE_KEY_LENGTH = 32
COOKIE_KEY_FILE = "cookie_key"
# Pause after a failed sign-in (slows password guessing from one browser; the lock-out is the
# real limit); MIF_LOGIN_DELAY overrides it (the tests use 0).
DEFAULT_LOGIN_DELAY = 0.7

USER_KEY = "session_user"  # db.people.auth.SessionUser of the logged-in user
AUTH_AT_KEY = "auth_at"  # when this login session (or its cookie) was opened
NOTICE_KEY = "auth_notice"  # message key shown on the login page until the next attempt
LOGOUT_KEY = "logout_requested"  # set by the sidebar's logout button
ISSUE_COOKIE_KEY = "issue_cookie"  # a form login happened: send the cookie until stored
COOKIE_SET_KEY = "set"  # key of extra-streamlit-components' cookie "set" component
LOGIN_FORM_KEY = "login_form"
USERNAME_FIELD = "login_username"  # widget keys of the form's two fields
PASSWORD_FIELD = "login_password"
PENDING_KEY = "login_pending"  # LoginAttempt submitted, its outcome not applied yet
# How long a run waits for the outcome of a login checked by a run that was stopped.
ATTEMPT_WAIT_SECONDS = 30.0
LOGIN_ERROR_KEY = "login_error"  # why the last attempt was refused, shown until the next one
# streamlit-authenticator's own session keys (its cookie and logout read them).
LIB_STATUS = "authentication_status"
LIB_USERNAME = "username"
LIB_NAME = "name"
LIB_EMAIL = "email"
LIB_ROLES = "roles"
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


def current_user() -> auth.SessionUser | None:
    """The logged-in user of this run (full name, role, company), None before login."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, auth.SessionUser) else None


def _remember(user: auth.SessionUser) -> None:
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

    authenticator: stauth.Authenticate | None  # only on runs that write the cookie
    key: str
    user: auth.SessionUser | None
    sidebar: DeltaGenerator | None = None  # where the sidebar's user block goes


def _cookie_to_issue() -> bool:
    """True while the login cookie must be sent: after a form login, until the browser
    confirms it has stored it.

    The login run goes on to the user's page (or reruns), and the library's cookie component
    is often removed or cancelled before the browser has run it. So the first logged-in runs
    send it again (its component keeps one identity, ``key="set"``), until the component
    reports success: its value, under that key, becomes True.
    """
    if not st.session_state.get(ISSUE_COOKIE_KEY):
        return False
    if st.session_state.get(COOKIE_SET_KEY) is True:
        st.session_state.pop(ISSUE_COOKIE_KEY, None)
        return False
    return True


def _authenticator(key: str) -> stauth.Authenticate:
    """streamlit-authenticator's object, which renders its cookie components where it is made.

    No credentials: the library never checks a password here, it only carries the cookie and
    the logout.
    """
    return stauth.Authenticate(
        {"usernames": {}}, COOKIE_NAME, key, COOKIE_EXPIRY_DAYS, auto_hash=False
    )


@st.fragment
def _send_cookie(key: str) -> None:
    """The login cookie's components, in a fragment of their own.

    The browser answers each component once it has run it ("stored"), and an answer reruns
    the fragment it came from: this function only, not the user's whole page (a full rerun of
    the home page per login before). The fragment run that sees the confirmation renders
    nothing more.
    """
    if _cookie_to_issue():
        _authenticator(key).cookie_controller.set_cookie()


def _unavailable() -> None:
    st.error(t("auth.unavailable"), icon=":material/cloud_off:")


def _end_own_sessions() -> None:
    """Revoke, in the database, every session of the user logging out.

    Runs as that user (their actor of the previous run): the database ends only the acting
    user's own sessions. If the database cannot be reached the user stays logged in and is
    told so (a logout that did not revoke the cookie would be a false promise).
    """
    actor = st.session_state.get(ACTOR_KEY)
    username = st.session_state.get(LIB_USERNAME)
    if not isinstance(actor, Actor) or actor.user_id is None or not username:
        return
    try:
        with session_scope(actor) as s:
            auth.end_sessions(session=s, username=str(username))
    except DBAPIError:
        _unavailable()
        st.stop()


def _end_session(authenticator: stauth.Authenticate, *, revoke: bool, notice: str | None) -> None:
    if revoke:
        _end_own_sessions()
    if st.session_state.get(LIB_STATUS):
        # Clears the library's state, marks the session logged out and deletes the cookie.
        authenticator.logout(location="unrendered")
    st.session_state[LIB_LOGOUT] = True
    _forget()
    if notice:
        st.session_state[NOTICE_KEY] = notice


def open_gate() -> Gate:
    """Check who is logged in, against the database, before anything else of the run.

    A logged-out run reads nothing from the database (the login form does, when submitted).
    Stops the run with a clear message when the cookie key is missing or the database is
    unreachable.
    """
    try:
        key = cookie_key()
    except CookieKeyError as exc:
        st.error(exc.message(), icon=":material/key_off:")
        st.stop()

    user: auth.SessionUser | None = _settle_pending_login()
    logout_requested = bool(st.session_state.pop(LOGOUT_KEY, False))
    authenticated = st.session_state.get(LIB_STATUS) is True
    username = st.session_state.get(LIB_USERNAME) if authenticated else None
    if user is None and authenticated and username and not logout_requested:
        try:
            with session_scope() as s:
                user = auth.session_user(
                    session=s,
                    username=str(username),
                    authenticated_at=st.session_state.get(AUTH_AT_KEY),
                )
        except DBAPIError:
            _unavailable()
            st.stop()

    # The library's cookie components (invisible iframes) are rendered only on the runs that
    # write the cookie: issuing it after a login, deleting it at a logout. The app reads the
    # cookie from the request (``st.context.cookies``), never from the library's "getAll"
    # component, whose every first load in a browser made the server run the whole page again
    # for nothing (the login form at each visit, the home page after each login), and whose
    # late load on the login form was what stopped a login under way (see the module
    # docstring). Where rendered: once logged in, at the bottom of the sidebar (``sidebar`` is
    # the slot above them for the user's block), so pages start at the top; logged out, in one
    # container at the top of the page, so the login form keeps its place.
    issue_cookie = user is not None and _cookie_to_issue()
    ending = logout_requested or (authenticated and user is None)
    authenticator: stauth.Authenticate | None = None
    sidebar = None
    with st.sidebar if user is not None else st.container():
        if user is not None:
            sidebar = st.container()
        if ending:
            authenticator = _authenticator(key)
            if logout_requested:
                _end_session(authenticator, revoke=True, notice="auth.logged_out")
            else:
                # Deactivated, deleted, or logged out from another window: no more access.
                _end_session(authenticator, revoke=False, notice="auth.session_ended")
        elif issue_cookie:
            _send_cookie(key)
    if user is not None:
        _remember(user)
    else:
        _forget()
    return Gate(authenticator=authenticator, key=key, user=user, sidebar=sidebar)


# --------------------------------------------------------------------------- login


def _sign_in(user: auth.SessionUser, authenticated_at: datetime | None) -> None:
    """Mark this browser session logged in, as streamlit-authenticator's own login does.

    The library's keys are what its cookie (``username``) and logout read.
    """
    st.session_state[LIB_STATUS] = True
    st.session_state[LIB_USERNAME] = user.username
    st.session_state[LIB_NAME] = user.full_name
    st.session_state[LIB_EMAIL] = user.email
    st.session_state[LIB_ROLES] = [user.role]
    st.session_state[AUTH_AT_KEY] = authenticated_at
    _remember(user)


def _cookie_login(key: str) -> bool:
    """Log in from a valid login cookie whose sessions were not revoked. True when done."""
    cookie = _cookie_session(key)
    if cookie is None:
        return False
    username, issued = cookie
    try:
        with session_scope() as s:
            user = auth.session_user(session=s, username=username, authenticated_at=issued)
    except DBAPIError:
        _unavailable()
        return False
    if user is None:
        # Revoked (logout), deactivated or unknown: this cookie is ignored from now on.
        st.session_state[LIB_LOGOUT] = True
        return False
    _sign_in(user, issued)
    return True


def _refusal(result: auth.LoginResult) -> tuple[str, dict[str, object], str]:
    """(message key, its fields, icon) saying why a login was refused."""
    minutes = int(auth.LOCKOUT.total_seconds() // 60)
    if result.was_locked:
        return "auth.locked", {"n": auth.MAX_FAILED_LOGINS, "minutes": minutes}, ":material/lock:"
    if result.locked_now:
        return "auth.locked_now", {"minutes": minutes}, ":material/lock:"
    # Wrong password, unknown or inactive account: the same words (no account probing).
    return "auth.bad_credentials", {}, ":material/error:"


@dataclass(eq=False)
class LoginAttempt:
    """One submitted login: checked once with the database, its outcome kept on the object.

    Several runs of one browser session may hold it at the same time (a stopped run still in
    the database, the run that replaced it): ``settle`` lets the first one check and the others
    wait. The outcome lives in plain attributes, never in ``st.session_state``, whose accesses
    can stop a run.
    """

    username: str
    password: str
    client_ip: str | None = None
    user_agent: str | None = None
    user: auth.SessionUser | None = None
    authenticated_at: datetime | None = None
    refusal: tuple[str, dict[str, object], str] | None = None  # key, fields, icon
    _claim: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    def settle(self, wait: float = ATTEMPT_WAIT_SECONDS) -> bool:
        """Check the login, or wait for the run checking it; True once the outcome is known."""
        if self._claim.acquire(blocking=False):
            try:
                self._check()
            finally:
                self.password = ""  # not kept in the session longer than needed
                self._done.set()
            return True
        return self._done.wait(wait)

    def _check(self) -> None:
        result: auth.LoginResult | None = None
        try:
            # Two short transactions around the hash: bcrypt (~0.25 CPU-s at cost 12, more
            # when many users sign in at once) holds no pooled connection. Held inside one
            # transaction, 20 sign-ins at once took every connection of the pool (5 + 10),
            # and the pages of users already in waited for one.
            with session_scope() as s:
                challenge = auth.login_challenge(session=s, username=self.username)
            candidate = auth.login_candidate(challenge, self.password)
            with session_scope() as s:
                result = auth.login_check(
                    session=s,
                    challenge=challenge,
                    candidate=candidate,
                    client_ip=self.client_ip,
                    user_agent=self.user_agent,
                )
                if result.ok:
                    self.user = auth.session_user(
                        session=s,
                        username=self.username,
                        authenticated_at=result.authenticated_at,
                    )
        except DBAPIError:
            self.user = None
            self.refusal = ("auth.unavailable", {}, ":material/cloud_off:")
            return
        if self.user is None:
            time.sleep(_login_delay())
            if result.ok:  # deactivated in between: refused like any other
                result = auth.LoginResult(auth.LoginOutcome.refuse)
            self.refusal = _refusal(result)
            return
        self.authenticated_at = result.authenticated_at


def _on_submit() -> None:
    """``on_click`` of the login button: the typed credentials become a ``LoginAttempt``.

    Streamlit runs it before the script, with the form's values: a rerun requested later can
    no longer lose the press (see the module docstring).
    """
    ip, agent = _client_meta()
    st.session_state[PENDING_KEY] = LoginAttempt(
        username=str(st.session_state.get(USERNAME_FIELD) or ""),
        password=str(st.session_state.get(PASSWORD_FIELD) or ""),
        client_ip=ip,
        user_agent=agent,
    )
    # An attempt was made: the previous notice and refusal are stale.
    st.session_state.pop(NOTICE_KEY, None)
    st.session_state.pop(LOGIN_ERROR_KEY, None)


def _settle_pending_login() -> auth.SessionUser | None:
    """Check (or wait for) the submitted login, if any, and apply its outcome to the session.

    Signed in (``_sign_in``, the cookie to be issued by the next runs) or refused
    (``LOGIN_ERROR_KEY``, shown under the form). The attempt leaves the session only once its
    outcome is applied: if this run is stopped first, the next run applies it (applying twice
    is harmless). Returns the signed-in user, None otherwise.
    """
    attempt = st.session_state.get(PENDING_KEY)
    if not isinstance(attempt, LoginAttempt):
        return None
    if not attempt.settle():
        # The run checking it never finished (the database hung): say so, do not wait forever.
        st.session_state[LOGIN_ERROR_KEY] = ("auth.unavailable", {}, ":material/cloud_off:")
    elif attempt.user is not None and attempt.authenticated_at is not None:
        _sign_in(attempt.user, attempt.authenticated_at)
        # Sent by the next runs until the browser reports it stored (``_cookie_to_issue``).
        st.session_state[ISSUE_COOKIE_KEY] = True
    else:
        # No refusal recorded: the check failed unexpectedly (its run shows the error).
        st.session_state[LOGIN_ERROR_KEY] = attempt.refusal or (
            "auth.unavailable",
            {},
            ":material/cloud_off:",
        )
    st.session_state.pop(PENDING_KEY, None)
    return attempt.user if st.session_state.get(LIB_STATUS) is True else None


def login_form(gate: Gate) -> bool:
    """Render the login form (or accept a valid cookie). True once a user is logged in.

    True only for a cookie login (the caller reruns the app so the navigation of the user's
    role is built). A submitted form is checked by ``open_gate`` at the start of the next run
    (``_on_submit``): it always ends in a login or in a message, shown here, saying why not.
    """
    if _cookie_login(gate.key):
        return True
    with st.form(key=LOGIN_FORM_KEY):
        st.subheader(t("auth.form_title"), anchor=False)
        st.text_input(t("auth.username"), key=USERNAME_FIELD, autocomplete="username")
        st.text_input(
            t("auth.password"),
            key=PASSWORD_FIELD,
            type="password",
            autocomplete="current-password",
        )
        st.form_submit_button(t("auth.submit"), on_click=_on_submit)
    refusal = st.session_state.get(LOGIN_ERROR_KEY)
    if isinstance(refusal, tuple):
        message_key, fields, icon = refusal
        st.error(t(message_key, **fields), icon=icon)
    return False
