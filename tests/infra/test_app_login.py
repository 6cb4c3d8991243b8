"""``python -m db migrate`` gives the app role the password of ``MIF_APP_DB_PASSWORD`` verbatim.

The password used to go through the identifier quoter: a lower-case one came out unquoted
(``syntax error at or near "apppw"``) and a quote broke the statement (or injected SQL). It is
now a string literal. The stored SCRAM verifier is checked where the owner may read it
(superuser), and a real password login where the server asks for one (external server).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, pool, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from db import config, migrate

PASSWORDS = [
    "apppw",  # lower case: read as an identifier before, unquoted
    "it's a \"quoted\" pass\\word'; DROP ROLE mif_app; --",
    "deux points :pw et 100 % é",  # bind-parameter and format markers, non-ASCII
]


def scram_matches(verifier: str, password: str) -> bool:
    """True when ``verifier`` (``SCRAM-SHA-256$iter:salt$stored:server``) is for ``password``."""
    method, params, keys = verifier.split("$")
    assert method == "SCRAM-SHA-256"
    iterations, salt = params.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac(
        "sha256",
        unicodedata.normalize("NFKC", password).encode(),
        base64.b64decode(salt),
        int(iterations),
    )
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key


@pytest.fixture
def restore_app_password(owner_engine: Engine) -> Iterator[None]:
    """Put the app role's password back as the environment says once the test is over."""
    original = os.environ.get("MIF_APP_DB_PASSWORD")
    yield
    if original:
        os.environ["MIF_APP_DB_PASSWORD"] = original
    else:
        os.environ.pop("MIF_APP_DB_PASSWORD", None)
    with owner_engine.begin() as conn:
        conn.execute(text(f"ALTER ROLE {config.APP_ROLE} PASSWORD NULL"))
    if original:
        migrate.enable_app_login(config.owner_url())


@pytest.mark.parametrize("password", PASSWORDS)
def test_migrate_gives_the_app_role_its_password_exactly_as_typed(
    password: str,
    db_url: URL,
    owner_engine: Engine,
    restore_app_password: None,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("MIF_APP_DB_PASSWORD", password)
    migrate.enable_app_login(db_url)

    with owner_engine.connect() as conn:
        superuser = conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        can_login = conn.scalar(
            text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": config.APP_ROLE}
        )
        verifier = (
            conn.scalar(
                text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"),
                {"r": config.APP_ROLE},
            )
            if superuser
            else None
        )
    assert can_login
    assert superuser or not config.uses_embedded()
    if verifier is not None:
        assert scram_matches(verifier, password)
    if not config.uses_embedded():
        # The external server checks passwords: the exact one logs in, a near miss does not.
        for attempt, expected in ((password, True), (password + "x", False)):
            engine = create_engine(
                config.app_url(db_url.database).set(password=attempt), poolclass=pool.NullPool
            )
            try:
                with engine.connect() as conn:
                    assert conn.scalar(text("SELECT current_user")) == config.APP_ROLE
                logged_in = True
            except OperationalError:
                logged_in = False
            finally:
                engine.dispose()
            assert logged_in is expected


def test_the_alter_role_statement_quotes_the_password_as_a_literal():
    assert migrate.alter_app_role_sql(None) == 'ALTER ROLE "mif_app" LOGIN'
    assert migrate.alter_app_role_sql("apppw") == "ALTER ROLE \"mif_app\" LOGIN PASSWORD 'apppw'"
    assert "'it''s'" in migrate.alter_app_role_sql("it's")
