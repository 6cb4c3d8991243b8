"""The app works offline: no request ever leaves the server it is served from.

Every request the browser makes while logging in and opening each page (the navigation, a
machine's detail, a search) is recorded; the only host allowed is the app's own. The page icon
used to be a Material Symbols name, which Streamlit's front end draws from a web font CDN.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Request

from tests.browser.conftest import DEMO_PASSWORDS, StreamlitServer, login, nav_links, wait_idle

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def outside_requests(requests: list[str]) -> list[str]:
    """The recorded URLs whose host is not this machine (data: and blob: URLs have none)."""
    return [
        url
        for url in requests
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
        and urlsplit(url).hostname not in LOCAL_HOSTS
    ]


@pytest.mark.parametrize("role", ["admin", "client"])
def test_logging_in_and_opening_every_page_requests_nothing_outside_the_server(
    server: StreamlitServer, context: BrowserContext, role: str
) -> None:
    seen: list[str] = []

    def record(request: Request) -> None:
        seen.append(request.url)

    context.on("request", record)
    page = context.new_page()
    login(page, server.url, role, DEMO_PASSWORDS[role])
    for label in nav_links(page):
        page.locator('[data-testid="stSidebarNav"] a', has_text=label).first.click()
        wait_idle(page)
    page.goto(server.url + "/parc-equipements?q=pompe")
    wait_idle(page)
    page.goto(server.url + "/parc-equipements?statut=panne")
    wait_idle(page)
    assert outside_requests(seen) == []
    # The page icon is there, served by the app (Streamlit's media endpoint).
    icon = page.evaluate("() => document.querySelector('link[rel~=\"icon\"]')?.href || ''")
    assert urlsplit(icon).hostname in LOCAL_HOSTS and icon.endswith(".png"), icon
