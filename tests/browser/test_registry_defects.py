"""Registry defects a new user found, checked in a real browser at a laptop's 1440 px width:
the list shows its whole page and every column, says rows open on a click, a second failed
save stays on the edit tab with its message beside the field, date fields read day / month /
year with no English help label, and a page the role may not open says so instead of showing
the home page silently."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine, text

from tests.browser.conftest import DEMO_PASSWORDS, StreamlitServer, login, shot, wait_idle

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1440, "height": 900}
ROW_HEIGHT = 35  # ui.table.ROW_HEIGHT


@pytest.fixture
def laptop(browser: Browser) -> Iterator[BrowserContext]:
    """A browser window 1440 px wide, in French."""
    ctx = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    yield ctx
    ctx.close()


def open_registry(page: Page, base_url: str, query: str = "") -> None:
    """Open the registry page and wait for it."""
    page.goto(f"{base_url}/parc-equipements{query}")
    page.get_by_role("heading", name="Parc équipements", level=1).wait_for()
    wait_idle(page)


def test_the_list_shows_its_whole_page_and_every_column_at_1440_px(
    server: StreamlitServer, laptop: BrowserContext
) -> None:
    page = laptop.new_page()
    login(page, server.url, "responsable", DEMO_PASSWORDS["responsable"])
    open_registry(page, server.url)
    # More than one page of machines: the hint is there all the same.
    expect(page.get_by_text(re.compile(r"^1–25 sur "))).to_be_visible()
    expect(page.get_by_text("Cliquez sur une ligne pour ouvrir sa fiche")).to_be_visible()
    shot(page, "registry_list_1440", full_page=True)
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    assert box is not None
    assert box["height"] >= 26 * ROW_HEIGHT, "the grid must show its 25 rows and the header"
    main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    assert main is not None
    assert box["x"] + box["width"] <= main["x"] + main["width"] + 1, "grid wider than the page"
    # Every column fits: the grid has nothing hidden to its right.
    scroller = grid.locator(".dvn-scroller").first
    widths = scroller.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"columns cut off: {widths}"


def test_date_fields_read_day_month_year_and_no_help_icon_speaks_english(
    server: StreamlitServer, laptop: BrowserContext
) -> None:
    page = laptop.new_page()
    login(page, server.url, "responsable", DEMO_PASSWORDS["responsable"])
    open_registry(page, server.url)
    page.get_by_role("tab", name="Nouvel équipement").click()
    wait_idle(page)
    fields = page.locator('[data-testid="stDateInput"]')
    assert fields.count() >= 5  # two filters, three in the form
    for i in range(fields.count()):
        kinds = (
            fields.nth(i)
            .locator('[role="spinbutton"]')
            .evaluate_all("els => els.map(e => e.dataset.type)")
        )
        assert kinds == ["day", "month", "year"], kinds
    # Streamlit names a help icon "Help for <label>": the form gives its hints as captions.
    assert page.locator('[aria-label^="Help for"]').count() == 0
    expect(page.get_by_text("L'entreprise propriétaire de la machine.")).to_be_visible()


def test_a_second_failed_save_stays_on_the_edit_tab_with_its_message(
    server: StreamlitServer, laptop: BrowserContext, owner_engine: Engine
) -> None:
    with owner_engine.connect() as conn:
        machine = conn.execute(
            text("SELECT id FROM equipements WHERE statut <> 'retire' ORDER BY id LIMIT 1")
        ).scalar_one()
    page = laptop.new_page()
    login(page, server.url, "responsable", DEMO_PASSWORDS["responsable"])
    open_registry(page, server.url, f"?id={machine}")
    page.get_by_role("tab", name="Modifier").click()
    wait_idle(page)
    cost = page.get_by_role("textbox", name=re.compile("^Coût d'acquisition"))
    cost.fill("12 345,00")
    page.get_by_role("button", name="Enregistrer").click()
    wait_idle(page)
    expect(page.get_by_text("Modifications enregistrées.")).to_be_visible()
    expect(page.get_by_role("tab", name="Modifier")).to_have_attribute("aria-selected", "true")

    cost = page.get_by_role("textbox", name=re.compile("^Coût d'acquisition"))
    cost.fill("-1")
    page.get_by_role("button", name="Enregistrer").click()
    wait_idle(page)
    expect(page.get_by_role("tab", name="Modifier")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text(re.compile("Coût d'acquisition : .*négatif"))).to_be_visible()
    shot(page, "registry_second_save_refused")


def test_a_page_the_role_may_not_open_says_so(
    server: StreamlitServer, laptop: BrowserContext
) -> None:
    page = laptop.new_page()
    login(page, server.url, "technicien", DEMO_PASSWORDS["technicien"])
    page.wait_for_function("() => document.cookie.includes('mif_session=')")
    for path in ("etat-de-la-base", "page-inconnue"):
        page.goto(f"{server.url}/{path}")
        page.get_by_role("heading", name="Tableau de bord", level=1).wait_for()
        wait_idle(page)
        expect(
            page.get_by_text("Cette page n'existe pas ou ne vous est pas ouverte")
        ).to_be_visible()
    shot(page, "page_not_open_to_role")
    page.goto(f"{server.url}/parc-equipements")
    page.get_by_role("heading", name="Parc équipements", level=1).wait_for()
    wait_idle(page)
    expect(page.get_by_text("Cette page n'existe pas ou ne vous est pas ouverte")).to_have_count(0)
