"""Sign-in through the database: the app role never reads a hash, attempts are serialised.

Three layers:

* raw SQL through the app role (``SET LOCAL ROLE mif_app``): what the four ``auth_*``
  functions give and refuse;
* the ``db.people.auth`` verbs inside the test's rolled-back transaction (lock-out, reset,
  unusable input, session resolution, logout);
* races with committed data: a throw-away account and one connection per thread of the app
  role, started together by a barrier; ``login_events`` tells how many passwords the database
  compared.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import bcrypt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from db import access
from db.people import auth
from db.people.service import create_user
from db.session import SYSTEM, Actor, apply_actor
from tests.conftest import act_as, sql_error, visible_rows
from tests.factories import make_client, make_technicien, make_user

PASSWORD = "Bon-MotDePasse1"
SALT_RE = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{21}[.Oeu]$")


def fast_hash(password: str = PASSWORD) -> str:
    """bcrypt hash at the lowest cost (the tests check logic, not bcrypt's strength)."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()


def new_account(conn: Connection, role: str = "responsable", **extra: object) -> tuple[int, str]:
    """(id, username) of a new account whose password is PASSWORD (rolled back afterwards)."""
    with owner_role(conn):
        user_id = make_user(conn, role, hashed_password=fast_hash(), **extra)
        username = conn.scalar(text("SELECT username FROM users WHERE id = :i"), {"i": user_id})
    return user_id, username


@contextmanager
def owner_role(bind: Connection | Session) -> Iterator[None]:
    """Act as the table owner inside the block, then go back to the app role if it was in use.

    Test data is written as the owner, and the journal (and, once the access rules are
    tightened, ``users``) is not the app role's to read.
    """
    role = bind.execute(text("SELECT current_user")).scalar_one()
    bind.execute(text("RESET ROLE"))
    try:
        yield
    finally:
        if role == "mif_app":
            bind.execute(text("SET LOCAL ROLE mif_app"))


def as_owner(bind: Connection | Session, statement: str, **params: object) -> list[dict]:
    """Rows of ``statement`` run as the table owner (see ``owner_role``)."""
    with owner_role(bind):
        result = bind.execute(text(statement), params)
        return [dict(r) for r in result.mappings()] if result.returns_rows else []


def user_row(bind: Connection | Session, user_id: int) -> dict:
    return as_owner(bind, "SELECT * FROM users WHERE id = :i", i=user_id)[0]


def events(bind: Connection | Session, *, user_id: int | None = None, username: str = "") -> list:
    """Event names of ``login_events`` for an account, oldest first."""
    column = "user_id" if user_id is not None else "username"
    rows = as_owner(
        bind,
        f"SELECT event FROM login_events WHERE {column} = :v ORDER BY id",
        v=user_id if user_id is not None else username,
    )
    return [r["event"] for r in rows]


def become(session: Session, actor: Actor) -> None:
    """Start acting as ``actor`` from the login role, as a new transaction of the app would
    (``apply_actor`` switches roles only from the login role)."""
    session.execute(text("SET LOCAL ROLE mif_app"))
    apply_actor(session, actor)


@pytest.fixture
def as_app(conn: Connection, session: Session) -> Session:
    """The ORM session, switched to the app role acting as nobody (a logged-out run)."""
    act_as(session, SYSTEM)
    return session


def login(session: Session, username: str, password: str = PASSWORD, **meta) -> auth.LoginResult:
    return auth.login(
        session=session,
        username=username,
        password=password,
        client_ip=meta.get("client_ip", "10.1.2.3"),
        user_agent=meta.get("user_agent", "Pytest"),
    )


# --------------------------------------------------------------------------- raw SQL, app role


def test_the_app_role_may_call_the_four_login_functions(conn: Connection) -> None:
    user_id, username = new_account(conn)
    hashed = user_row(conn, user_id)["hashed_password"]
    act_as(conn, SYSTEM)
    salt = conn.scalar(text("SELECT auth_login_salt(:u)"), {"u": username})
    candidate = bcrypt.hashpw(PASSWORD.encode(), salt.encode()).decode()
    row = conn.execute(
        text("SELECT * FROM auth_login_check(:u, :c, '10.0.0.1', 'UA')"),
        {"u": username, "c": candidate},
    ).one()
    assert row.outcome == "ok" and row.authenticated_at is not None
    found = conn.execute(
        text("SELECT * FROM auth_session_user(:u, :at)"),
        {"u": username, "at": row.authenticated_at},
    ).one()
    assert (found.user_id, found.role) == (user_id, "responsable")
    assert hashed not in [str(v) for v in found]  # never the hash
    apply_actor(conn, Actor(user_id=user_id))
    assert conn.scalar(text("SELECT auth_end_sessions(:u)"), {"u": username}) is True


def test_the_login_functions_are_definer_with_a_fixed_search_path_and_not_public(
    conn: Connection,
) -> None:
    rows = conn.execute(
        text(
            "SELECT p.proname, p.prosecdef, p.proconfig,"
            "       has_function_privilege('mif_app', p.oid, 'EXECUTE') AS app,"
            "       EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) AS public"
            "  FROM pg_proc p WHERE p.proname LIKE 'auth\\_%' ORDER BY 1"
        )
    ).all()
    assert [r.proname for r in rows] == [
        "auth_end_sessions",
        "auth_login_check",
        "auth_login_salt",
        "auth_session_user",
    ]
    for r in rows:
        assert r.prosecdef, r.proname
        assert r.proconfig == ["search_path=public, pg_temp"], r.proname
        assert not r.public, r.proname
    # Before login only the login role calls them; logging out runs as the user's own role.
    executable = {fn.split("(")[0]: roles for fn, roles in access.functions().items()}
    assert {r.proname for r in rows if r.app} == {
        name
        for name, roles in executable.items()
        if name.startswith("auth_") and "mif_app" in roles
    }
    assert executable["auth_end_sessions"] == access.DB_ROLES


def test_the_app_role_reads_neither_the_journal_nor_the_salt_key(conn: Connection) -> None:
    for table in ("login_events", "login_secret"):
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            assert not conn.scalar(
                text("SELECT has_table_privilege('mif_app', :t, :p)"),
                {"t": table, "p": privilege},
            ), (table, privilege)
    act_as(conn, SYSTEM)
    exc = sql_error(conn, "SELECT cle FROM login_secret")
    assert exc.orig.sqlstate == "42501"


def test_the_salt_is_the_29_character_prefix_of_the_hash_and_never_more(conn: Connection) -> None:
    user_id, username = new_account(conn)
    hashed = user_row(conn, user_id)["hashed_password"]
    make_user(conn, "responsable", username="hash.abime", hashed_password="pas-un-hash-bcrypt")
    act_as(conn, SYSTEM)
    assert conn.scalar(text("SELECT auth_login_salt(:u)"), {"u": username.upper()}) == hashed[:29]
    for name in (username, "  " + username + " ", "personne", "hash.abime", "", "x" * 5000, None):
        salt = conn.scalar(text("SELECT auth_login_salt(:u)"), {"u": name})
        assert salt is not None and len(salt) == 29, name
        assert SALT_RE.match(salt), salt


def test_an_unknown_or_inactive_account_gets_a_stable_fake_salt(conn: Connection) -> None:
    inactive_id, inactive = new_account(conn, is_active=False)
    act_as(conn, SYSTEM)

    def salt(name: str) -> str:
        return conn.scalar(text("SELECT auth_login_salt(:u)"), {"u": name})

    assert salt("personne.inconnue") == salt("Personne.Inconnue ") == salt("personne.inconnue")
    assert salt("personne.inconnue") != salt("autre.inconnu")
    assert salt(inactive) != user_row(conn, inactive_id)["hashed_password"][:29]
    for name in ("personne.inconnue", inactive):
        assert SALT_RE.match(salt(name))
        assert len(bcrypt.hashpw(b"essai", salt(name).encode())) == 60  # bcrypt takes it


def test_a_locked_account_gets_no_salt_and_no_comparison(conn: Connection) -> None:
    user_id, username = new_account(conn, failed_login_count=5)
    conn.execute(
        text("UPDATE users SET locked_until = now() + interval '10 minutes' WHERE id = :i"),
        {"i": user_id},
    )
    right = user_row(conn, user_id)["hashed_password"]
    act_as(conn, SYSTEM)
    assert conn.scalar(text("SELECT auth_login_salt(:u)"), {"u": username}) is None
    row = conn.execute(
        text("SELECT * FROM auth_login_check(:u, :c, NULL, NULL)"), {"u": username, "c": right}
    ).one()
    assert (row.outcome, row.attempts) == ("verrouille", 5)
    assert events(conn, user_id=user_id) == []


def test_an_ip_that_does_not_parse_is_stored_as_null(conn: Connection) -> None:
    user_id, username = new_account(conn)
    act_as(conn, SYSTEM)
    for ip in ("pas-une-ip", "999.1.1.1", "", None, "2001:db8::7"):
        conn.execute(
            text("SELECT * FROM auth_login_check(:u, 'faux', :ip, 'UA')"), {"u": username, "ip": ip}
        )
    rows = as_owner(
        conn,
        "SELECT host(adresse_ip) AS ip FROM login_events"
        " WHERE user_id = :i AND event = 'echec' ORDER BY id",
        i=user_id,
    )
    assert [r["ip"] for r in rows] == [None, None, None, None, "2001:db8::7"]


def test_the_login_needs_no_privilege_on_the_people_tables(conn: Connection) -> None:
    # The app reads users only through the functions: revoked here (rolled back with the test),
    # every step of a sign-in and a logout still works.
    client_id, user_id = make_client(conn, nom_entreprise="Huilerie de Meknès")
    conn.execute(
        text("UPDATE users SET hashed_password = :h WHERE id = :i"),
        {"h": fast_hash(), "i": user_id},
    )
    username = conn.scalar(text("SELECT username FROM users WHERE id = :i"), {"i": user_id})
    conn.execute(text("REVOKE ALL ON users, clients, techniciens FROM mif_app"))
    with Session(bind=conn, join_transaction_mode="create_savepoint") as s:
        act_as(s, SYSTEM)
        assert sql_error(conn, "SELECT hashed_password FROM users").orig.sqlstate == "42501"
        result = login(s, username)
        assert result.ok
        user = auth.session_user(
            session=s, username=username, authenticated_at=result.authenticated_at
        )
        assert user is not None and (user.client_id, user.client_name) == (
            client_id,
            "Huilerie de Meknès",
        )
        apply_actor(s, user.actor())
        assert auth.end_sessions(session=s, username=username)


# --------------------------------------------------------------------------- lock-out


def test_five_failures_lock_the_account_for_fifteen_minutes(conn, as_app: Session) -> None:
    user_id, username = new_account(conn)
    for attempt in range(1, auth.MAX_FAILED_LOGINS):
        result = login(as_app, username, "mauvais-essai")
        assert (result.outcome, result.attempts) == (auth.LoginOutcome.echec, attempt)
        assert not result.locked_now
    result = login(as_app, username.upper(), "mauvais-essai")
    assert result.locked_now
    now = as_app.scalar(text("SELECT clock_timestamp()"))
    assert auth.LOCKOUT - timedelta(minutes=1) < result.locked_until - now <= auth.LOCKOUT
    # Locked: even the right password is not compared.
    again = login(as_app, username)
    assert again.was_locked and not again.ok
    assert events(conn, user_id=user_id) == ["echec"] * 5 + ["verrouillage"]
    row = user_row(conn, user_id)
    assert (row["failed_login_count"], row["locked_until"]) == (5, result.locked_until)


def test_the_login_steps_sign_in_with_the_hash_computed_outside_the_database(
    conn, as_app: Session
) -> None:
    # The app reads the salt, lets its transaction go, hashes, then checks in a second one.
    user_id, username = new_account(conn)
    challenge = auth.login_challenge(session=as_app, username=f" {username.upper()}")
    assert challenge.decided is None and SALT_RE.match(challenge.salt)
    candidate = auth.login_candidate(challenge, PASSWORD)
    assert candidate == user_row(conn, user_id)["hashed_password"]
    result = auth.login_check(session=as_app, challenge=challenge, candidate=candidate)
    assert result.ok
    assert events(conn, user_id=user_id) == ["succes"]


def test_an_account_locked_between_the_salt_and_the_check_is_not_compared(
    conn, as_app: Session
) -> None:
    user_id, username = new_account(conn)
    challenge = auth.login_challenge(session=as_app, username=username)
    candidate = auth.login_candidate(challenge, PASSWORD)
    as_owner(
        conn,
        "UPDATE users SET failed_login_count = 5,"
        " locked_until = now() + interval '10 minutes' WHERE id = :i",
        i=user_id,
    )
    result = auth.login_check(session=as_app, challenge=challenge, candidate=candidate)
    assert result.was_locked and not result.ok
    assert events(conn, user_id=user_id) == []


@pytest.mark.parametrize("username", ["", "   ", "a\x00b", "x" * 500])
def test_an_unusable_name_is_refused_at_the_first_step_without_hashing(
    as_app: Session, username: str
) -> None:
    challenge = auth.login_challenge(session=as_app, username=username)
    assert challenge.decided is not None
    assert challenge.decided.outcome is auth.LoginOutcome.refuse
    assert auth.login_candidate(challenge, PASSWORD) == ""
    assert auth.login_check(session=as_app, challenge=challenge, candidate="x") is (
        challenge.decided
    )


def test_a_locked_account_is_answered_at_the_first_step(conn, as_app: Session) -> None:
    user_id, username = new_account(conn, failed_login_count=5)
    as_owner(
        conn,
        "UPDATE users SET locked_until = now() + interval '10 minutes' WHERE id = :i",
        i=user_id,
    )
    challenge = auth.login_challenge(session=as_app, username=username)
    assert challenge.decided is not None and challenge.decided.was_locked
    assert auth.login_candidate(challenge, PASSWORD) == ""
    assert events(conn, user_id=user_id) == []


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(username=hst.text(max_size=300), password=hst.text(max_size=100))
def test_the_login_steps_take_any_typed_text_without_an_error(
    as_app: Session, username: str, password: str
) -> None:
    # What a browser can send in the two fields: an answer, never an exception.
    challenge = auth.login_challenge(session=as_app, username=username)
    candidate = auth.login_candidate(challenge, password)
    result = auth.login_check(
        session=as_app, challenge=challenge, candidate=candidate, user_agent=username
    )
    assert not result.ok


def test_failures_while_locked_do_not_extend_the_lock(conn, as_app: Session) -> None:
    user_id, username = new_account(conn)
    for _ in range(auth.MAX_FAILED_LOGINS):
        login(as_app, username, "mauvais-essai")
    first = user_row(as_app, user_id)["locked_until"]
    assert login(as_app, username, "mauvais-essai").was_locked
    assert user_row(as_app, user_id)["locked_until"] == first


def test_an_expired_lock_starts_a_fresh_series(conn, as_app: Session) -> None:
    user_id, username = new_account(conn)
    for _ in range(auth.MAX_FAILED_LOGINS):
        login(as_app, username, "mauvais-essai")
    as_owner(
        conn, "UPDATE users SET locked_until = now() - interval '1 minute' WHERE id = :i", i=user_id
    )
    result = login(as_app, username, "mauvais-essai")
    assert (result.outcome, result.attempts, result.locked_until) == ("echec", 1, None)


def test_a_successful_login_resets_the_counter_and_stamps_the_login(conn, as_app) -> None:
    user_id, username = new_account(conn)
    for _ in range(3):
        login(as_app, username, "mauvais-essai")
    result = login(as_app, f"  {username.upper()} ", PASSWORD)
    assert result.ok
    row = user_row(as_app, user_id)
    assert row["failed_login_count"] == 0 and row["locked_until"] is None
    assert row["last_login_at"] == result.authenticated_at
    assert events(conn, user_id=user_id) == ["echec"] * 3 + ["succes"]


def test_unknown_and_deactivated_accounts_are_refused_and_recorded(conn, as_app) -> None:
    inactive_id, inactive = new_account(conn, is_active=False)
    unknown = f"inconnu.{uuid.uuid4().hex[:8]}"  # committed runs may have tried other names
    assert login(as_app, unknown).outcome is auth.LoginOutcome.refuse
    assert login(as_app, inactive, PASSWORD).outcome is auth.LoginOutcome.refuse
    assert events(conn, username=unknown) == ["echec"]
    assert events(conn, username=inactive) == ["echec"]
    rows = as_owner(conn, "SELECT user_id FROM login_events WHERE username = :u", u=inactive)
    assert rows == [{"user_id": None}]  # an inactive account is as good as unknown
    assert user_row(conn, inactive_id)["failed_login_count"] == 0


@pytest.mark.parametrize(
    "password",
    ["x" * 73, "é" * 37, "Bon-Mot\x00DePasse1", "\ud800Bon-MotDePasse1", "", "   ", None, 12],
    ids=["73-bytes", "74-utf8-bytes", "nul", "lone-surrogate", "empty", "blank", "none", "int"],
)
def test_an_unusable_password_is_a_plain_counted_failure(conn, as_app, password) -> None:
    user_id, username = new_account(conn)
    result = login(as_app, username, password)
    assert (result.outcome, result.attempts) == (auth.LoginOutcome.echec, 1)
    assert events(conn, user_id=user_id) == ["echec"]


@pytest.mark.parametrize(
    "username",
    ["", "   ", "ad\x00min", "\udcffadmin", "a" * 5000, None],
    ids=["empty", "blank", "nul", "lone-surrogate", "huge", "none"],
)
def test_an_unusable_username_is_refused_without_an_error(as_app, username) -> None:
    assert login(as_app, username).outcome is auth.LoginOutcome.refuse


def test_hostile_browser_details_never_break_a_login(conn, as_app) -> None:
    _, username = new_account(conn)
    result = login(
        as_app, username, client_ip="1.2.3.4\x00; DROP TABLE users", user_agent="\ud800\x00" * 900
    )
    assert result.ok
    result = login(as_app, username, client_ip="::ffff:10.0.0.1", user_agent="é" * 2000)
    assert result.ok


# --------------------------------------------------------------------------- session user


def test_session_user_gives_the_client_company_as_the_app_role(conn, as_app) -> None:
    with owner_role(conn):
        client_id, user_id = make_client(conn, nom_entreprise="Conserverie d'Agadir")
        username = conn.scalar(text("SELECT username FROM users WHERE id = :i"), {"i": user_id})
    user = auth.session_user(session=as_app, username=username.upper())
    assert user is not None
    assert (user.user_id, user.role, user.client_id) == (user_id, "client", client_id)
    assert user.client_name == "Conserverie d'Agadir"
    actor = user.actor("10.0.0.7", "Chromium")
    assert (actor.user_id, actor.client_id, actor.technicien_id) == (user_id, client_id, None)
    assert actor.client_ip == "10.0.0.7"
    # ... without the transaction acting as that user (nobody: no company visible).
    assert visible_rows(as_app.connection(), "SELECT count(*) FROM clients") == 0


def test_session_user_gives_the_technician_id(conn, as_app) -> None:
    with owner_role(conn):
        tech_id, user_id = make_technicien(conn)
        username = conn.scalar(text("SELECT username FROM users WHERE id = :i"), {"i": user_id})
    user = auth.session_user(session=as_app, username=username)
    assert user is not None
    assert (user.role, user.technicien_id, user.client_id) == ("technicien", tech_id, None)


def test_a_deactivated_or_unknown_user_resolves_to_nobody(conn, as_app) -> None:
    _, username = new_account(conn, "admin", is_active=False)
    assert auth.session_user(session=as_app, username=username) is None
    assert auth.session_user(session=as_app, username="personne") is None
    assert auth.session_user(session=as_app, username="ad\x00min") is None


def test_sessions_opened_before_a_logout_are_void(conn, as_app: Session) -> None:
    user_id, username = new_account(conn)
    opened = login(as_app, username).authenticated_at
    assert auth.session_user(session=as_app, username=username, authenticated_at=opened)
    become(as_app, Actor(user_id=user_id, client_ip="10.9.8.7", user_agent="Firefox"))
    assert auth.end_sessions(session=as_app, username=username)
    become(as_app, SYSTEM)
    assert auth.session_user(session=as_app, username=username, authenticated_at=opened) is None
    reopened = login(as_app, username).authenticated_at
    assert auth.session_user(session=as_app, username=username, authenticated_at=reopened)
    logout = as_owner(
        conn,
        "SELECT host(adresse_ip) AS ip, user_agent FROM login_events"
        " WHERE user_id = :i AND event = 'deconnexion'",
        i=user_id,
    )
    assert logout == [{"ip": "10.9.8.7", "user_agent": "Firefox"}]


def test_a_user_ends_only_their_own_sessions(conn, as_app: Session) -> None:
    victim_id, victim = new_account(conn)
    other_id, _ = new_account(conn)
    # Acting as nobody, the login role may not even call it.
    refused = sql_error(as_app.connection(), "SELECT auth_end_sessions(:u)", {"u": victim})
    assert refused.orig.sqlstate == "42501"
    become(as_app, Actor(user_id=other_id))
    assert not auth.end_sessions(session=as_app, username=victim)  # acting as someone else
    assert user_row(conn, victim_id)["sessions_revoked_at"] is None
    assert events(conn, user_id=victim_id) == []


# --------------------------------------------------------------------------- races


@pytest.fixture
def committed_account(owner_engine: Engine) -> Iterator[Callable[..., tuple[int, str]]]:
    """Factory of committed accounts (bcrypt at the policy's cost), deleted afterwards."""
    created: list[str] = []

    def make(failures: int = 0) -> tuple[int, str]:
        username = f"course.{uuid.uuid4().hex[:10]}"
        with Session(owner_engine) as s, s.begin():
            user_id = create_user(
                session=s,
                username=username,
                full_name="Compte Course",
                email=f"{username}@test.ma",
                password=PASSWORD,
                role="responsable",
            )
            s.execute(
                text("UPDATE users SET failed_login_count = :n WHERE id = :i"),
                {"n": failures, "i": user_id},
            )
        created.append(username)
        return user_id, username

    yield make
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM login_events WHERE username = ANY(:u)"), {"u": created})
        conn.execute(text("DELETE FROM users WHERE username = ANY(:u)"), {"u": created})


def race(engine: Engine, username: str, passwords: list[str]) -> list[auth.LoginResult]:
    """One sign-in per password, each on its own app-role connection, all started at once."""
    start = threading.Barrier(len(passwords))

    def attempt(password: str) -> auth.LoginResult:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))  # connected before the race starts
            conn.rollback()
            start.wait(timeout=30)
            with Session(bind=conn) as s, s.begin():
                apply_actor(s, SYSTEM)  # as session_scope() does
                return login(s, username, password, user_agent="course")

    with ThreadPoolExecutor(max_workers=len(passwords)) as pool:
        return list(pool.map(attempt, passwords))


def committed_events(engine: Engine, user_id: int) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT event FROM login_events WHERE user_id = :i ORDER BY id"),
                {"i": user_id},
            ).scalars()
        )


def test_twenty_simultaneous_wrong_passwords_get_exactly_five_comparisons(
    owner_engine: Engine, app_engine_test: Engine, committed_account
) -> None:
    user_id, username = committed_account()
    results = race(app_engine_test, username, ["mauvais-essai"] * 20)

    recorded = Counter(committed_events(owner_engine, user_id))
    assert recorded == {"echec": 5, "verrouillage": 1}  # 5 comparisons, 1 lock
    outcomes = Counter(r.outcome for r in results)
    assert outcomes == {auth.LoginOutcome.echec: 5, auth.LoginOutcome.verrouille: 15}
    assert sorted(r.attempts for r in results if r.outcome == "echec") == [1, 2, 3, 4, 5]
    assert sum(r.locked_now for r in results) == 1
    with owner_engine.connect() as conn:
        row = user_row(conn, user_id)
    assert row["failed_login_count"] == 5 and row["locked_until"] is not None


def test_a_right_password_among_simultaneous_guesses_gets_in_only_if_checked_first(
    owner_engine: Engine, app_engine_test: Engine, committed_account
) -> None:
    # The attack of the issue: 4 failures already, 12 attempts at once, one of them right.
    user_id, username = committed_account(failures=4)
    passwords = ["mauvais-essai"] * 11 + [PASSWORD]
    results = race(app_engine_test, username, passwords)
    right = results[-1]

    recorded = committed_events(owner_engine, user_id)
    comparisons = [e for e in recorded if e in ("echec", "succes")]
    # Within the account's lock-out window only one password was compared.
    before_success = comparisons[: comparisons.index("succes")] if right.ok else comparisons
    assert len(before_success) <= 1, recorded
    if right.ok:
        # It won the row lock: it was the first comparison; the wrong guesses after it start
        # a fresh series, itself capped at 5.
        assert comparisons[0] == "succes"
        assert comparisons.count("echec") <= auth.MAX_FAILED_LOGINS
    else:
        assert right.was_locked
        assert comparisons == ["echec"] and recorded == ["echec", "verrouillage"]
        assert Counter(r.outcome for r in results) == {
            auth.LoginOutcome.echec: 1,
            auth.LoginOutcome.verrouille: 11,
        }
