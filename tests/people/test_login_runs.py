"""What the login gate renders, run by run (``streamlit.testing.v1.AppTest``): the cookie
library's components only on the runs that write the cookie, the cookie's confirmation a rerun
of its fragment only.

Each component a browser loads answers once, and an answer reruns what holds it: a component
on every run (the library's "getAll", never read by the app) cost a rerun of the login form at
each visit and of the home page after each login.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.people import service as people
from ui.auth import COOKIE_SET_KEY, ISSUE_COOKIE_KEY

os.environ["MIF_LOGIN_DELAY"] = "0"  # no pause after a refused login in these tests

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 60


def components(at: AppTest) -> list[str]:
    """The methods of the cookie manager's components rendered by the last run."""
    found = []
    for element in at.get("component_instance"):
        proto = element.proto
        if proto.component_name.endswith("cookie_manager"):
            found.append(str(json.loads(proto.json_args or "{}").get("method")))
    return found


@pytest.fixture
def account(owner_engine: Engine) -> Iterator[Callable[[], tuple[str, str]]]:
    """Factory of committed accounts (deleted afterwards): returns (username, password)."""
    created: list[str] = []

    def make() -> tuple[str, str]:
        username = f"gate.{uuid.uuid4().hex[:8]}"
        password = "Essai-Connexion7"
        with Session(owner_engine) as s, s.begin():
            people.create_user(
                session=s,
                username=username,
                full_name="Essai Porte",
                email=f"{username}@test.ma",
                password=password,
                role="responsable",
                is_active=True,
            )
        created.append(username)
        return username, password

    yield make
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM login_events WHERE username = ANY(:u)"), {"u": created})
        conn.execute(text("DELETE FROM users WHERE username = ANY(:u)"), {"u": created})


def test_the_login_form_renders_no_cookie_component() -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert len(at.text_input) == 2  # the form is there
    assert components(at) == []
    at.run()  # a second visit's run: still nothing that would make the browser rerun it
    assert components(at) == []


def test_a_login_sends_the_cookie_until_confirmed_then_renders_no_component(
    account: Callable[[], tuple[str, str]],
) -> None:
    username, password = account()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state["authentication_status"] is True
    # The cookie is being issued: the library's components, and nothing else of it.
    assert sorted(components(at)) == ["getAll", "set"]
    assert at.session_state[ISSUE_COOKIE_KEY] is True
    at.run()  # not confirmed yet: sent again
    assert "set" in components(at)

    at.session_state[COOKIE_SET_KEY] = True  # the browser's answer: stored
    at.run()
    assert not at.exception, at.exception
    assert components(at) == []
    assert ISSUE_COOKIE_KEY not in at.session_state
    assert at.session_state["authentication_status"] is True
