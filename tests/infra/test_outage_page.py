"""A page run with the database unreachable shows "base de données indisponible".

The app's own URL (``APP_DATABASE_URL``) points at a loopback port nothing listens on: the
whole app, then the pieces a page is made of (``run_action`` / ``run_read``, exports) inside
``ui.outage.guard``, as ``app.py`` runs every page. Nothing shows a traceback or the generic
"erreur inattendue"; other errors keep their own message.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import URL
from streamlit.testing.v1 import AppTest

from tests.infra.test_health import closed_port
from ui.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
UNAVAILABLE = {catalogue()["outage.unavailable"]["fr"], catalogue()["auth.unavailable"]["fr"]}


def fr(key: str) -> str:
    return catalogue()[key]["fr"]


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's connections go to a closed port (the owner URL, for the tests, does not)."""
    monkeypatch.setenv(
        "APP_DATABASE_URL", f"postgresql+psycopg://mif_app:x@127.0.0.1:{closed_port()}/mif"
    )
    monkeypatch.setenv("MIF_LOGIN_DELAY", "0")


def test_a_logged_in_page_with_the_database_down_says_so_then_comes_back(
    db_url: URL, database_down: None, monkeypatch: pytest.MonkeyPatch
):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "admin"
    at.session_state["name"] = "admin"
    at.run()
    assert not at.exception, at.exception
    errors = [el.value for el in at.error]
    assert errors, "a French message must say the database is unavailable"
    assert set(errors) <= UNAVAILABLE
    assert all("base de données" in e.lower() for e in errors)
    assert fr("common.error") not in errors

    monkeypatch.delenv("APP_DATABASE_URL")  # the database is back: same session, next run
    at.run()
    assert not at.exception, at.exception
    assert not at.error
    assert fr("home.title") in [el.value for el in at.title]


def _read_inside_the_guard() -> None:
    import streamlit as st
    from sqlalchemy import text

    from db.session import Actor
    from ui import outage
    from ui.forms import run_read

    with outage.guard():
        st.title("avant")
        run_read(Actor(), lambda *, session: session.execute(text("SELECT 1")).scalar())
        st.title("jamais affiché")


def test_run_action_lets_an_outage_through_to_the_guard_instead_of_a_generic_message(
    database_down: None,
):
    at = AppTest.from_function(_read_inside_the_guard, default_timeout=30).run()
    assert not at.exception, at.exception
    assert [el.value for el in at.error] == [fr("outage.unavailable")]
    assert [el.value for el in at.title] == ["avant"]
    assert at.button(key="outage.retry").label == fr("outage.retry")


def _export_inside_the_guard() -> None:
    from sqlalchemy import text

    from db.session import Actor
    from ui import outage
    from ui.export import export_buttons
    from ui.table import Column

    def iter_rows(*, session, filters, sort, chunk_size):
        yield from session.execute(text("SELECT 1 AS id")).mappings()

    with outage.guard():
        export_buttons(
            key="essai",
            actor=Actor(),
            iter_rows=iter_rows,
            filters=None,
            sort=None,
            total=1,
            columns=[Column("id", "id")],
            file_stem="essai",
        )


def test_an_export_with_the_database_down_says_unavailable_not_export_failed(
    database_down: None,
):
    at = AppTest.from_function(_export_inside_the_guard, default_timeout=30).run()
    at.button(key="essai.csv").click().run()
    assert not at.exception, at.exception
    assert [el.value for el in at.error] == [fr("outage.unavailable")]


def _refusal_inside_the_guard() -> None:
    from sqlalchemy import text

    from db.session import Actor
    from ui import outage
    from ui.forms import run_read

    with outage.guard():
        run_read(Actor(), lambda *, session: session.execute(text("SELECT 1 / 0")).scalar())


def test_an_error_of_a_statement_keeps_its_own_message(db_url: URL):
    assert "APP_DATABASE_URL" not in os.environ
    at = AppTest.from_function(_refusal_inside_the_guard, default_timeout=30).run()
    assert not at.exception, at.exception
    errors = [el.value for el in at.error]
    assert len(errors) == 1
    assert errors[0] != fr("outage.unavailable")
    assert "indisponible" not in errors[0]
