"""``python -m db``: the operator's commands, run in-process against the test database."""

from __future__ import annotations

import bcrypt
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from db.__main__ import main


def test_seed_says_the_demo_data_is_already_there_and_adds_nothing(
    db_url: URL, capsys: pytest.CaptureFixture[str]
):
    assert main(["seed"]) == 0
    assert "déjà présentes : rien ajouté" in capsys.readouterr().out


def test_status_names_the_server_and_the_revision_without_passwords(
    db_url: URL, capsys: pytest.CaptureFixture[str]
):
    from db.reporting.service import head_revision

    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert f"Révision : {head_revision()}" in out
    assert "mif_app" in out


def test_refresh_views_and_archive_run(db_url: URL, capsys: pytest.CaptureFixture[str]):
    assert main(["refresh-views"]) == 0
    assert main(["archive"]) == 0
    out = capsys.readouterr().out
    assert "Vues matérialisées rafraîchies" in out
    assert "interventions archivées" in out


def test_create_user_asks_the_password_twice_and_stores_a_bcrypt_hash(
    db_url: URL, owner_engine, monkeypatch: pytest.MonkeyPatch
):
    answers = iter(["Sup3r-secret!", "Sup3r-secret!"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    args = [
        "create-user",
        "cli.tech",
        "--full-name",
        "Omar Cli",
        "--email",
        "omar@mif.ma",
        "--role",
        "technicien",
    ]
    try:
        assert main(args) == 0
        with owner_engine.connect() as conn:
            hashed, role = conn.execute(
                text("SELECT hashed_password, role FROM users WHERE username = 'cli.tech'")
            ).one()
        assert role == "technicien"
        assert bcrypt.checkpw(b"Sup3r-secret!", hashed.encode())
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM users WHERE username = 'cli.tech'"))


def test_create_user_refuses_mismatched_or_too_long_passwords_and_writes_nothing(
    db_url: URL,
    conn: Connection,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    args = ["create-user", "cli.bad", "--full-name", "X", "--email", "x@mif.ma", "--role", "admin"]
    answers = iter(["abcdefgh1!", "different1!", "é" * 40, "é" * 40])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    assert main(args) == 1
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "diffèrent" in err
    assert "Refusé" in err
    assert conn.scalar(text("SELECT count(*) FROM users WHERE username = 'cli.bad'")) == 0
