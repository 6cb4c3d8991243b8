"""The app shell in a real headless Chromium: cold start, login per role, logout, cookies.

Screenshots land in ``artifacts/screenshots/`` (``shell_*.png``).
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.people.service import create_user
from tests.browser.conftest import (
    DEMO_PASSWORDS,
    StreamlitServer,
    login,
    nav_links,
    shot,
    wait_idle,
)

pytestmark = pytest.mark.browser

EXPECTED_NAV = {
    "admin": ["Accueil", "Parc équipements", "Interventions", "Planning", "État de la base"],
    "responsable": ["Accueil", "Parc équipements", "Interventions", "Planning"],
    "technicien": ["Accueil", "Parc équipements", "Interventions", "Planning"],
    "client": ["Accueil", "Parc équipements", "Interventions"],
}
EXPECTED_ROLE_LABEL = {
    "admin": "Administrateur",
    "responsable": "Responsable maintenance",
    "technicien": "Technicien",
    "client": "Client · Atlas Agro-Industries",
}

# Records, from the very first paint, whether Streamlit ever put a page list or a sidebar in
# the page: a list that flashes for a few milliseconds is still caught.
WATCH_NAVIGATION = """
window.__navSeen = [];
new MutationObserver(() => {
    for (const id of ["stSidebarNav", "stSidebar", "stSidebarNavItems"]) {
        if (document.querySelector(`[data-testid="${id}"]`) && !window.__navSeen.includes(id)) {
            window.__navSeen.push(id);
        }
    }
}).observe(document, {childList: true, subtree: true});
"""


def test_cold_start_first_login_works_and_no_page_list_shows_before_it(
    cold_server: StreamlitServer, context: BrowserContext
) -> None:
    context.add_init_script(WATCH_NAVIGATION)
    page = context.new_page()
    page.goto(cold_server.url + "/")
    page.get_by_role("textbox", name="Nom d'utilisateur").wait_for()
    wait_idle(page)
    time.sleep(1.5)  # let any late navigation message arrive
    assert page.evaluate("window.__navSeen") == []
    assert page.locator("a[href*='equipements'], a[href*='accueil'], a[href*='etat']").count() == 0
    shot(page, "shell_login", full_page=False)

    page.get_by_role("textbox", name="Nom d'utilisateur").fill("admin")
    page.get_by_role("textbox", name="Mot de passe").fill(DEMO_PASSWORDS["admin"])
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Tableau de bord", level=1).wait_for()
    wait_idle(page)
    assert nav_links(page) == EXPECTED_NAV["admin"]
    # Still logged in a moment later (the cold-start session used to lose its login).
    time.sleep(1.5)
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    expect(page.get_by_role("textbox", name="Nom d'utilisateur")).to_have_count(0)


@pytest.mark.parametrize("role", ["admin", "responsable", "technicien", "client"])
def test_each_demo_role_logs_in_and_opens_the_registry(
    server: StreamlitServer, context: BrowserContext, role: str
) -> None:
    page = context.new_page()
    login(page, server.url, role, DEMO_PASSWORDS[role])
    assert nav_links(page) == EXPECTED_NAV[role]
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text(EXPECTED_ROLE_LABEL[role])
    expect(sidebar.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    shot(page, f"shell_home_{role}")

    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Parc équipements"
    ).click()
    page.get_by_role("heading", name="Parc équipements", level=1).wait_for()
    wait_idle(page)
    assert "/parc-equipements" in page.url
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_text("Cette page n'est pas accessible")).to_have_count(0)
    shot(page, f"shell_registry_{role}")


def test_the_broken_down_figure_opens_the_filtered_registry(
    server: StreamlitServer, context: BrowserContext
) -> None:
    page = context.new_page()
    login(page, server.url, "responsable", DEMO_PASSWORDS["responsable"])
    page.get_by_role("link", name="Ouvrir dans le parc").first.click()
    page.get_by_role("heading", name="Parc équipements", level=1).wait_for()
    wait_idle(page)
    assert "/parc-equipements" in page.url
    assert "statut=panne" in page.url
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    shot(page, "shell_registry_panne")


def test_the_session_survives_a_reload_through_its_cookie(
    server: StreamlitServer, context: BrowserContext
) -> None:
    page = context.new_page()
    login(page, server.url, "technicien", DEMO_PASSWORDS["technicien"])
    page.wait_for_function("() => document.cookie.includes('mif_session=')")
    page.reload()
    page.get_by_role("heading", name="Tableau de bord", level=1).wait_for()
    expect(page.get_by_role("textbox", name="Nom d'utilisateur")).to_have_count(0)


def test_logout_ends_the_session_and_its_old_cookie_opens_nothing(
    server: StreamlitServer, context: BrowserContext
) -> None:
    page = context.new_page()
    login(page, server.url, "responsable", DEMO_PASSWORDS["responsable"])
    page.wait_for_function("() => document.cookie.includes('mif_session=')")
    stolen = [c for c in context.cookies() if c["name"] == "mif_session"]
    assert stolen

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("textbox", name="Nom d'utilisateur").wait_for()
    wait_idle(page)
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    shot(page, "shell_logged_out", full_page=False)

    # Reload: no way back in without the password.
    page.reload()
    page.get_by_role("textbox", name="Nom d'utilisateur").wait_for()
    wait_idle(page)

    # The cookie copied before the logout, replayed in another browser: refused too.
    other = context.browser.new_context()
    try:
        other.add_cookies(stolen)
        replay = other.new_page()
        replay.goto(server.url + "/")
        replay.get_by_role("textbox", name="Nom d'utilisateur").wait_for()
        wait_idle(replay)
        time.sleep(1.0)
        expect(replay.get_by_role("heading", name="Tableau de bord")).to_have_count(0)
        expect(replay.get_by_role("textbox", name="Nom d'utilisateur")).to_be_visible()
    finally:
        other.close()


def test_admin_lists_under_the_figures_and_the_database_status(
    server: StreamlitServer, context: BrowserContext
) -> None:
    page = context.new_page()
    login(page, server.url, "admin", DEMO_PASSWORDS["admin"])
    page.get_by_text("Interventions en retard (").click()
    grid = page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]').first
    grid.wait_for()
    wait_idle(page)
    shot(page, "shell_home_admin_late_list", full_page=False)

    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="État de la base").click()
    page.get_by_role("heading", name="État de la base de données", level=1).wait_for()
    wait_idle(page)
    assert "/etat-de-la-base" in page.url
    expect(page.get_by_text("à jour")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    shot(page, "shell_db_status")


def test_five_failed_logins_lock_the_account_with_a_french_message(
    server: StreamlitServer, context: BrowserContext, owner_engine
) -> None:
    username = f"verrou.{int(time.time() * 1000) % 10**8}"
    with Session(owner_engine) as s, s.begin():
        create_user(
            session=s,
            username=username,
            full_name="Compte Verrou",
            email=f"{username}@test.ma",
            password="Bonne-Cle2026",
            role="responsable",
        )
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        for _ in range(5):
            page.get_by_role("textbox", name="Nom d'utilisateur").fill(username)
            page.get_by_role("textbox", name="Mot de passe").fill("mauvaise-cle")
            page.get_by_role("button", name="Se connecter").click()
            wait_idle(page)
        expect(page.get_by_text("le compte est verrouillé pendant 15 minutes")).to_be_visible()
        page.get_by_role("textbox", name="Nom d'utilisateur").fill(username)
        page.get_by_role("textbox", name="Mot de passe").fill("Bonne-Cle2026")
        page.get_by_role("button", name="Se connecter").click()
        wait_idle(page)
        expect(page.get_by_text("Ce compte est verrouillé après 5 tentatives")).to_be_visible()
        expect(page.get_by_role("heading", name="Tableau de bord")).to_have_count(0)
        shot(page, "shell_locked", full_page=False)
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM users WHERE username = :u"), {"u": username})


def test_a_deep_link_with_a_cookie_opens_its_page_and_never_skips_the_gate(
    server: StreamlitServer, cold_server: StreamlitServer, context: BrowserContext
) -> None:
    page = context.new_page()
    login(page, server.url, "responsable", DEMO_PASSWORDS["responsable"])
    page.wait_for_function("() => document.cookie.includes('mif_session=')")
    cookies = [c for c in context.cookies() if c["name"] == "mif_session"]
    other = context.browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        other.add_cookies(cookies)
        # A new browser session on a running server: straight to the filtered registry.
        tab = other.new_page()
        tab.goto(server.url + "/parc-equipements?statut=panne")
        tab.get_by_role("heading", name="Parc équipements", level=1).wait_for()
        wait_idle(tab)
        assert "statut=panne" in tab.url
        assert nav_links(tab) == EXPECTED_NAV["responsable"]
        # The first request a fresh server process gets runs in Streamlit's legacy pages/
        # mode, which does not know the page's URL: the app must still go through app.py
        # (logged in by the cookie, role navigation), never run a page file on its own.
        tab = other.new_page()
        tab.goto(cold_server.url + "/parc-equipements?statut=panne")
        tab.get_by_role("heading", level=1).first.wait_for()
        wait_idle(tab)
        assert nav_links(tab) == EXPECTED_NAV["responsable"]
        expect(tab.get_by_text("Cette page n'est pas accessible")).to_have_count(0)
        expect(tab.locator('[data-testid="stException"]')).to_have_count(0)
    finally:
        other.close()
