"""A submitted login is never lost when the cookie manager's component loads late.

The cookie manager is a custom component (an iframe): once its page has loaded it sends the
browser's cookies back, and that value reruns the app. When it loads late, that rerun lands
while the login submitted a moment before is being processed; Streamlit drops a run it
interrupts, button press included. Here the component's ``index.html`` is held back by the
browser until after the click, then released at several instants of the login run: every
attempt must end on the home page or with a French message, never on a silent form.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlalchemy import text

from tests.browser.conftest import DEMO_PASSWORDS, StreamlitServer, shot, wait_idle

pytestmark = pytest.mark.browser

# The page of extra-streamlit-components' CookieManager, served by Streamlit's component route.
COMPONENT_PAGE = re.compile(r"/component/[^/]*cookie_manager[^/]*/index\.html")
# When the held component page is let through, after the click (seconds).
RELEASES = [0.0, 0.05, 0.15, 0.3, 0.6, 1.2]
OUTCOME_TIMEOUT = 15.0


class HeldComponent:
    """Holds the cookie manager's page until ``release()`` (a component that loads late)."""

    def __init__(self, page: Page) -> None:
        self.pending: list[Route] = []
        self.held = True
        page.route(COMPONENT_PAGE, self._handle)

    def _handle(self, route: Route) -> None:
        if self.held:
            self.pending.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        """Let the held requests (and any later one) through."""
        self.held = False
        while self.pending:
            self.pending.pop().continue_()


@pytest.fixture
def delayed_server(db_url) -> Iterator[StreamlitServer]:
    """A server with a real anti-guessing delay (the one the bug was reported with)."""
    import os

    previous = os.environ.get("MIF_LOGIN_DELAY")
    os.environ["MIF_LOGIN_DELAY"] = "0.7"
    try:
        instance = StreamlitServer("login-delay")
    finally:
        if previous is None:
            os.environ.pop("MIF_LOGIN_DELAY", None)
        else:
            os.environ["MIF_LOGIN_DELAY"] = previous
    yield instance
    instance.stop()


def outcome(page: Page) -> str:
    """'home', 'message' (a French error under the form) or 'lost' (form still, no word)."""
    home = page.get_by_role("heading", name="Tableau de bord", level=1)
    error = page.locator('[data-testid="stAlertContentError"]')
    deadline = time.monotonic() + OUTCOME_TIMEOUT
    while time.monotonic() < deadline:
        if home.count():
            return "home"
        if error.count():
            return "message"
        page.wait_for_timeout(100)
    return "lost"


def attempt(
    context: BrowserContext, url: str, username: str, password: str, release: float
) -> tuple[str, Page]:
    """Open the login page with the component held, submit at once, release it ``release``
    seconds later; the outcome once the app is quiet."""
    page = context.new_page()
    held = HeldComponent(page)
    page.goto(url + "/")
    page.get_by_role("textbox", name="Nom d'utilisateur").fill(username)
    page.get_by_role("textbox", name="Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if release:
        page.wait_for_timeout(release * 1000)
    held.release()
    result = outcome(page)
    wait_idle(page)
    # Quiet now: a login shown a moment ago must still be there.
    return outcome(page) if result != "lost" else result, page


def last_login(owner_engine, username: str):
    with owner_engine.connect() as conn:
        return conn.execute(
            text("SELECT last_login_at FROM users WHERE username = :u"), {"u": username}
        ).scalar_one()


@pytest.mark.parametrize("release", RELEASES)
def test_a_login_submitted_before_the_cookie_component_loads_gets_in(
    delayed_server: StreamlitServer, context: BrowserContext, owner_engine, release: float
) -> None:
    before = last_login(owner_engine, "technicien")
    result, page = attempt(
        context, delayed_server.url, "technicien", DEMO_PASSWORDS["technicien"], release
    )
    if result != "home":
        shot(page, f"login_delay_lost_{release}", full_page=False)
    assert result == "home"
    assert last_login(owner_engine, "technicien") != before
    # Logged in for good: the cookie component, loaded at last, did not undo it.
    page.wait_for_function("() => document.cookie.includes('mif_session=')")
    expect(page.get_by_role("textbox", name="Nom d'utilisateur")).to_have_count(0)


@pytest.mark.parametrize("release", RELEASES)
def test_a_wrong_password_submitted_before_the_cookie_component_loads_is_answered(
    delayed_server: StreamlitServer, context: BrowserContext, release: float
) -> None:
    result, page = attempt(
        context, delayed_server.url, "personne.inconnue", "pas-le-bon-1", release
    )
    if result != "message":
        shot(page, f"login_delay_silent_{release}", full_page=False)
    assert result == "message"
    expect(page.get_by_text("Nom d'utilisateur ou mot de passe incorrect.")).to_be_visible()
