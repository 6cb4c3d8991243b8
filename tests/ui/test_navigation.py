"""The app shell under ``streamlit.testing.v1.AppTest``: login, lock-out, roles, navigation.

AppTest runs ``app.py`` in this process against the test database (``MIF_DB_NAME`` is set by
``tests/conftest.py``). Accounts that log in through the form are created and committed here
(each test its own, the lock-out state being persistent); role pages use the demo accounts of
the seed, logged in by presetting streamlit-authenticator's session keys.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.people import auth
from db.people import service as people
from db.seed import DEMO_ACCOUNTS
from db.session import Actor, session_scope
from ui import layout
from ui.auth import CookieKeyError, demo_cookie_key, resolve_cookie_key
from ui.i18n import catalogue

os.environ["MIF_LOGIN_DELAY"] = "0"  # streamlit-authenticator's pause on logged-out runs

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60

# DESIGN.md §4, for the pages that exist now.
EXPECTED_PAGES: dict[str, set[str]] = {
    "admin": {
        "pages/accueil.py",
        "pages/equipements.py",
        "pages/interventions.py",
        "pages/planning.py",
        "pages/etat_base.py",
    },
    "responsable": {
        "pages/accueil.py",
        "pages/equipements.py",
        "pages/interventions.py",
        "pages/planning.py",
    },
    "technicien": {
        "pages/accueil.py",
        "pages/equipements.py",
        "pages/interventions.py",
        "pages/planning.py",
    },
    "client": {"pages/accueil.py", "pages/equipements.py", "pages/interventions.py"},
}
DEMO = {"admin": "admin", "responsable": "responsable", "technicien": "technicien"}
DEMO["client"] = "client"


def fr(key: str, **fields: object) -> str:
    """French text of a catalogue key (what the tests expect on screen)."""
    text_ = catalogue()[key]["fr"]
    return text_.format(**fields) if fields else text_


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def logged_in(username: str) -> AppTest:
    """The app with ``username`` logged in (as after a valid login), first run done."""
    at = new_app()
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username
    at.run()
    assert not at.exception, at.exception
    return at


def registered_pages(at: AppTest) -> set[str]:
    """Script paths (relative to the project) of the navigation registered by the last run."""
    # AppTest keeps the st.navigation registry of the last run (used by switch_page).
    pages = at._registered_pages
    return {
        Path(str(info["script_path"])).resolve().relative_to(ROOT).as_posix()
        for info in pages.values()
        if info.get("script_path")
    }


def texts(at: AppTest) -> list[str]:
    """Every title, header, markdown, caption, error, info and warning text of the page."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "info", "warning"):
        out.extend(str(el.value) for el in getattr(at, kind))
    return out


def submit_login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


# --------------------------------------------------------------------------- accounts


@pytest.fixture
def account(owner_engine: Engine) -> Iterator[Callable[..., tuple[str, str]]]:
    """Factory of committed accounts (deleted afterwards): returns (username, password)."""
    created: list[str] = []

    def make(role: str = "responsable", *, active: bool = True) -> tuple[str, str]:
        username = f"ui.{role}.{uuid.uuid4().hex[:8]}"
        password = "Essai-Connexion7"
        with Session(owner_engine) as s, s.begin():
            people.create_user(
                session=s,
                username=username,
                full_name=f"Essai {role.title()}",
                email=f"{username}@test.ma",
                password=password,
                role=role,
                is_active=active,
            )
        created.append(username)
        return username, password

    yield make
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM users WHERE username = ANY(:u)"), {"u": created})


def user_row(owner_engine: Engine, username: str) -> dict:
    with owner_engine.connect() as conn:
        return dict(
            conn.execute(text("SELECT * FROM users WHERE username = :u"), {"u": username})
            .mappings()
            .one()
        )


# --------------------------------------------------------------------------- logged out


def test_logged_out_the_app_shows_only_the_login_form(db_url) -> None:
    at = new_app().run()
    assert not at.exception
    # Pages are registered (hidden, so a deep link survives the login) but none ran.
    assert registered_pages(at) == {spec.path for spec in layout.PAGES}
    assert [t.value for t in at.title] == [fr("app.title")]
    assert not at.metric and not at.dataframe
    assert [ti.label for ti in at.text_input] == [fr("auth.username"), fr("auth.password")]
    assert at.button[0].label == fr("auth.submit")
    assert len(at.sidebar) == 0
    assert "actor" not in at.session_state


def test_login_with_the_form_opens_the_home_page(account, owner_engine) -> None:
    username, password = account("responsable")
    at = submit_login(new_app().run(), username, password)
    if at.text_input:  # the login run reruns into the app
        at.run()
    assert fr("home.title") in [t.value for t in at.title]
    actor = at.session_state["actor"]
    assert isinstance(actor, Actor)
    assert actor.role == "responsable"
    assert actor.user_id == user_row(owner_engine, username)["id"]
    assert user_row(owner_engine, username)["last_login_at"] is not None
    assert registered_pages(at) == EXPECTED_PAGES["responsable"]


def test_a_wrong_password_is_refused_and_counted(account, owner_engine) -> None:
    username, _ = account("responsable")
    at = submit_login(new_app().run(), username, "pas-le-bon-1")
    assert fr("auth.bad_credentials") in [e.value for e in at.error]
    assert "actor" not in at.session_state
    assert user_row(owner_engine, username)["failed_login_count"] == 1


def test_unknown_and_inactive_users_cannot_log_in(account) -> None:
    inactive, password = account("responsable", active=False)
    at = submit_login(new_app().run(), inactive, password)
    assert fr("auth.bad_credentials") in [e.value for e in at.error]
    at = submit_login(new_app().run(), "personne.inconnue", password)
    assert fr("auth.bad_credentials") in [e.value for e in at.error]
    assert "actor" not in at.session_state


def test_five_failures_lock_the_account_even_for_the_right_password(account, owner_engine) -> None:
    username, password = account("responsable")
    at = new_app().run()
    for _ in range(auth.MAX_FAILED_LOGINS - 1):
        submit_login(at, username, "mauvais-essai-1")
        assert fr("auth.bad_credentials") in [e.value for e in at.error]
    submit_login(at, username, "mauvais-essai-1")
    minutes = int(auth.LOCKOUT.total_seconds() // 60)
    assert fr("auth.locked_now", minutes=minutes) in [e.value for e in at.error]
    row = user_row(owner_engine, username)
    assert row["failed_login_count"] == auth.MAX_FAILED_LOGINS
    assert row["locked_until"] is not None

    # A fresh browser session with the right password: still locked (state in the database).
    at = submit_login(new_app().run(), username, password)
    locked = fr("auth.locked", n=auth.MAX_FAILED_LOGINS, minutes=minutes)
    assert locked in [e.value for e in at.error]
    assert "actor" not in at.session_state

    # Once the lock has expired, the right password works again.
    with owner_engine.begin() as conn:
        conn.execute(
            text("UPDATE users SET locked_until = now() - interval '1 second' WHERE username = :u"),
            {"u": username},
        )
    at = submit_login(new_app().run(), username, password)
    if at.text_input:
        at.run()
    assert at.session_state["actor"].role == "responsable"
    assert user_row(owner_engine, username)["failed_login_count"] == 0


@pytest.mark.parametrize("role", sorted(EXPECTED_PAGES))
def test_each_demo_account_logs_in_with_the_form(db_url, role: str) -> None:
    password, demo_role, full_name = DEMO_ACCOUNTS[DEMO[role]]
    at = submit_login(new_app().run(), DEMO[role], password)
    if at.text_input:
        at.run()
    assert not at.exception, at.exception
    assert at.session_state["actor"].role == demo_role == role
    assert at.session_state["name"] == full_name  # the library's keys, as its login set them
    assert at.session_state["roles"] == [role]
    assert registered_pages(at) == EXPECTED_PAGES[role]


@pytest.fixture
def sql_seen() -> Iterator[list[str]]:
    """Every SQL statement any engine of this process sends while the test runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def test_logged_out_runs_read_no_user_and_a_login_only_calls_the_auth_functions(
    account, sql_seen: list[str]
) -> None:
    username, _ = account("responsable")
    sql_seen.clear()  # creating the account is not the app's doing
    at = new_app().run()
    at.run()
    assert sql_seen == []  # the login page itself asks the database nothing
    submit_login(at, username, "pas-le-bon-1")
    assert fr("auth.bad_credentials") in [e.value for e in at.error]
    sent = " ".join(sql_seen)
    assert "auth_login_salt" in sent and "auth_login_check" in sent
    assert not re.search(r"\b(from|join|update)\s+users\b", sent, re.IGNORECASE), sql_seen
    assert "hashed_password" not in sent


@pytest.mark.parametrize(
    ("username", "password"),
    [("{user}\x00", "{password}"), ("{user}", "x" * 80), ("{user}" * 500, "{password}"), ("", "")],
    ids=["nul-in-name", "long-password", "huge-name", "empty"],
)
def test_unusable_login_input_gets_the_plain_refusal(account, username, password) -> None:
    # (Lone surrogates cannot even cross Streamlit's protocol: tested on the service.)
    user, right = account("responsable")
    typed = username.format(user=user), password.format(password=right)
    at = submit_login(new_app().run(), *typed)
    assert [e.value for e in at.error] == [fr("auth.bad_credentials")]
    assert "actor" not in at.session_state


# --------------------------------------------------------------------------- session end


def test_a_user_deactivated_during_the_session_is_logged_out(account, owner_engine) -> None:
    username, password = account("responsable")
    at = submit_login(new_app().run(), username, password)
    if at.text_input:
        at.run()
    assert "actor" in at.session_state
    with Session(owner_engine) as s, s.begin():
        people.set_active(session=s, username=username, active=False)
    at.run()
    assert not at.exception
    assert "actor" not in at.session_state
    assert fr("auth.session_ended") in texts(at)
    assert [t.value for t in at.title] == [fr("app.title")]
    assert at.text_input  # the login form again


def test_logout_ends_the_session_and_revokes_it_in_the_database(account, owner_engine) -> None:
    username, password = account("responsable")
    at = submit_login(new_app().run(), username, password)
    if at.text_input:
        at.run()
    opened = at.session_state["auth_at"]
    at.button(key="logout_button").click().run()
    assert not at.exception
    assert "actor" not in at.session_state
    assert fr("auth.logged_out") in texts(at)
    assert at.text_input
    revoked = user_row(owner_engine, username)["sessions_revoked_at"]
    assert revoked is not None and revoked > opened
    # Any other session opened before the logout is void as well.
    with Session(owner_engine) as s:
        assert auth.session_user(session=s, username=username, authenticated_at=opened) is None


def test_a_session_revoked_elsewhere_ends_at_the_next_run(account, owner_engine) -> None:
    username, password = account("responsable")
    at = submit_login(new_app().run(), username, password)
    if at.text_input:
        at.run()
    # Logged out from another window: the same user ends their sessions.
    with session_scope(Actor(user_id=user_row(owner_engine, username)["id"])) as s:
        assert auth.end_sessions(session=s, username=username)
    at.run()
    assert "actor" not in at.session_state
    assert fr("auth.session_ended") in texts(at)


# --------------------------------------------------------------------------- roles & pages


@pytest.mark.parametrize("role", sorted(EXPECTED_PAGES))
def test_each_role_gets_exactly_its_pages(db_url, role: str) -> None:
    assert {spec.path for spec in layout.pages_for(role)} == EXPECTED_PAGES[role]
    at = logged_in(DEMO[role])
    assert at.session_state["actor"].role == role
    assert registered_pages(at) == EXPECTED_PAGES[role]
    assert fr("home.title") in [t.value for t in at.title]


def test_page_urls_never_match_a_file_name() -> None:
    # Streamlit's legacy pages/ mode registers each file under its name: a URL equal to a file
    # name would let that mode run the page file without app.py (no login gate).
    stems = {path.stem for path in (ROOT / "pages").glob("*.py")} | {"app"}
    for spec in layout.PAGES:
        assert spec.url_path not in stems, spec
        assert layout.page_url_path(spec.path) == spec.url_path
    with pytest.raises(KeyError):
        layout.page_url_path("pages/inexistante.py")


PAGE_CASES = [(role, spec) for role in sorted(EXPECTED_PAGES) for spec in layout.pages_for(role)]


@pytest.mark.parametrize(
    ("role", "spec"), PAGE_CASES, ids=[f"{r}-{s.url_path}" for r, s in PAGE_CASES]
)
def test_every_page_runs_for_every_role(db_url, role: str, spec: layout.PageSpec) -> None:
    if not (ROOT / spec.path).exists():
        pytest.skip(f"{spec.path} is not written yet")
    at = logged_in(DEMO[role])
    at.switch_page(spec.path).run()
    assert not at.exception, at.exception
    assert fr("common.forbidden") not in [e.value for e in at.error]
    assert at.title, f"{spec.path} shows no title for {role}"


FORBIDDEN = [
    (role, spec)
    for role in sorted(EXPECTED_PAGES)
    for spec in layout.PAGES
    if spec.path not in EXPECTED_PAGES[role]
]


@pytest.mark.parametrize(
    ("role", "spec"), FORBIDDEN, ids=[f"{r}-{s.url_path}" for r, s in FORBIDDEN]
)
def test_a_forbidden_page_refuses_the_role(db_url, role: str, spec: layout.PageSpec) -> None:
    # Reached anyway (the script run on its own, as a stale link would): the page refuses.
    at = AppTest.from_file(str(ROOT / spec.path), default_timeout=TIMEOUT)
    at.session_state["actor"] = Actor(user_id=1, role=role)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [fr("common.forbidden")]
    assert not at.title and not at.metric and not at.dataframe


def test_switching_to_a_page_of_another_role_shows_the_home_page(db_url) -> None:
    at = logged_in("admin")
    at.switch_page("pages/etat_base.py").run()
    assert fr("dbstatus.title") in [t.value for t in at.title]
    # Same browser session, now a technician (e.g. role changed): the page is not served.
    at.session_state["username"] = "technicien"
    at.run()
    assert not at.exception
    titles = [t.value for t in at.title]
    assert fr("dbstatus.title") not in titles
    assert fr("home.title") in titles
    assert "pages/etat_base.py" not in registered_pages(at)
    with pytest.raises(ValueError):
        at.switch_page("pages/etat_base.py")


def test_the_sidebar_shows_the_user_and_switches_language(db_url) -> None:
    at = logged_in("client")
    sidebar = " ".join(str(m.value) for m in at.sidebar.markdown)
    assert "Salma Bennani" in sidebar
    assert "Client" in sidebar
    assert at.session_state["session_user"].client_name in sidebar
    at.segmented_control(key="lang_choice").set_value("en").run()
    assert not at.exception
    assert "Dashboard" in [t.value for t in at.title]
    names = {info.get("page_name") for info in at._registered_pages.values()}
    assert {"Home", "Equipment"} <= names
    at.segmented_control(key="lang_choice").set_value("fr").run()
    assert fr("home.title") in [t.value for t in at.title]


def test_home_figures_per_role(db_url) -> None:
    manager = logged_in("responsable")
    labels = [m.label for m in manager.metric]
    for key in ("home.open_interventions", "home.late_interventions", "home.equipment_down"):
        assert fr(key) in labels
    technician = logged_in("technicien")
    assert fr("home.tech_today") in [m.label for m in technician.metric]
    client = logged_in("client")
    client_labels = [m.label for m in client.metric]
    assert fr("home.client_open_requests") in client_labels
    assert fr("home.equipment_down") not in client_labels
    for at in (manager, technician, client):
        assert all(m.value.replace("\u202f", "").replace(" ", "").isdigit() for m in at.metric)


def test_database_status_page_for_admin(db_url) -> None:
    at = logged_in("admin")
    at.switch_page("pages/etat_base.py").run()
    assert not at.exception
    page_text = " ".join(texts(at))
    assert fr("dbstatus.embedded") in page_text or fr("dbstatus.external") in page_text
    assert fr("dbstatus.up_to_date") in page_text
    table = at.dataframe[0].value
    assert "users" in list(table[fr("dbstatus.col_table")])


# --------------------------------------------------------------------------- cookie key


def test_cookie_key_comes_from_secrets_then_environment(tmp_path: Path) -> None:
    secret, env = "s" * 40, "e" * 40
    assert resolve_cookie_key(secret=secret, env_value=env, embedded=False, folder=tmp_path) == (
        secret
    )
    assert resolve_cookie_key(secret=None, env_value=env, embedded=False, folder=tmp_path) == env
    with pytest.raises(CookieKeyError) as err:
        resolve_cookie_key(secret="court", env_value=None, embedded=True, folder=tmp_path)
    assert err.value.message_key == "auth.cookie_key_short"


def test_without_a_key_an_external_database_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(CookieKeyError) as err:
        resolve_cookie_key(secret=None, env_value=None, embedded=False, folder=tmp_path)
    assert err.value.message_key == "auth.cookie_key_missing"
    assert not (tmp_path / "cookie_key").exists()


def test_demo_mode_generates_one_random_key_kept_in_the_data_folder(tmp_path: Path) -> None:
    first = resolve_cookie_key(secret=None, env_value=None, embedded=True, folder=tmp_path)
    assert len(first) >= 32
    assert (tmp_path / "cookie_key").stat().st_mode & 0o077 == 0
    assert demo_cookie_key(tmp_path) == first
    other = tmp_path / "other"
    assert demo_cookie_key(other) != first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_app_stops_with_a_french_message_when_no_key_is_configured(db_url, monkeypatch) -> None:
    monkeypatch.delenv("MIF_COOKIE_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url.render_as_string(hide_password=False))
    at = new_app().run()
    assert not at.exception
    assert [e.value for e in at.error] == [fr("auth.cookie_key_missing")]
    assert not at.text_input


def test_a_page_of_another_role_says_it_is_not_open_above_the_home_page(db_url) -> None:
    at = logged_in("admin")
    at.switch_page("pages/etat_base.py").run()
    assert fr("nav.page_unavailable") not in [w.value for w in at.warning]
    at.session_state["username"] = "technicien"  # same session, a role without that page
    at.run()
    assert not at.exception
    assert fr("home.title") in [t.value for t in at.title]
    assert fr("nav.page_unavailable") in [w.value for w in at.warning]


def test_the_database_size_speaks_english_in_english(db_url) -> None:
    at = logged_in("admin")
    at.segmented_control(key="lang_choice").set_value("en").run()
    at.switch_page("pages/etat_base.py").run()
    assert not at.exception
    page_text = " ".join(texts(at))
    assert re.search(r"\(\d[\d\s\u202f,.]* (B|KB|MB|GB)\)", page_text), page_text
    assert not re.search(r"\b(Ko|Mo|Go)\b", page_text)
