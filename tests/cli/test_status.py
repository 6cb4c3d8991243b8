"""``python -m db status`` names the real problem: server unreachable, database missing,
schema not migrated, or up to date (exit codes 2, 1, 1, 0)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL

from db import config, migrate
from db.__main__ import main
from tests.infra.test_health import closed_port


def status(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["status"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_status_of_the_migrated_test_database_is_up_to_date(
    db_url: URL, capsys: pytest.CaptureFixture[str]
):
    code, out = status(capsys)
    assert code == 0
    head = migrate.head_revision()
    assert f"Révision : {head} (à jour)" in out
    assert f"État : Schéma à jour (révision {head})." in out


def test_status_of_an_unreachable_server_says_so_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    port = closed_port()
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://proprio:secret@127.0.0.1:{port}/mif")
    code, out = status(capsys)
    assert code == 2
    assert "État : Serveur injoignable" in out
    assert "refused" in out.lower()
    assert "migrate" not in out  # migrating would not help
    assert "secret" not in out


def test_a_command_on_an_unreachable_server_says_unreachable_not_run_migrate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://p:s@127.0.0.1:{closed_port()}/mif")
    for command in (["seed"], ["refresh-views"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.startswith("Serveur injoignable")
        assert "migrate" not in err


@pytest.fixture
def scratch_database(db_url: URL, monkeypatch: pytest.MonkeyPatch):
    """An empty database on the test server, selected as the CLI's database."""
    url = db_url.set(database=f"{db_url.database}_vide")
    migrate.drop_database(url)
    monkeypatch.setenv("MIF_DB_NAME", url.database)
    yield url
    migrate.drop_database(url)


def test_status_of_a_missing_database_says_to_migrate(
    scratch_database: URL, capsys: pytest.CaptureFixture[str]
):
    code, out = status(capsys)
    assert code == 1
    assert f"État : La base « {scratch_database.database} » n'existe pas" in out
    assert "python -m db migrate" in out


def test_status_of_an_empty_database_says_not_migrated(
    scratch_database: URL, capsys: pytest.CaptureFixture[str]
):
    migrate.ensure_database(scratch_database)
    code, out = status(capsys)
    assert code == 1
    assert "État : Schéma non migré (aucune révision" in out
    assert "python -m db migrate" in out


def test_status_of_a_database_behind_or_ahead_of_the_code_says_which(
    scratch_database: URL, capsys: pytest.CaptureFixture[str]
):
    from sqlalchemy import create_engine, pool

    migrate.ensure_database(scratch_database)
    engine = create_engine(scratch_database, poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
        code, out = status(capsys)
        assert code == 1
        assert "Schéma pas à jour (révision 0001" in out

        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        code, out = status(capsys)
        assert code == 1
        assert "Révision 9999 inconnue de ce code" in out
    finally:
        engine.dispose()
    assert config.owner_url().database == scratch_database.database
