"""Equipment registry in a real browser: a manager creates a machine and finds it by search;
a client sees only their own company's machines, even by typing another machine's address."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import Engine, text

from tests.browser.conftest import DEMO_PASSWORDS, StreamlitServer, login, shot, wait_idle

pytestmark = pytest.mark.browser


def open_registry(page: Page, base_url: str, query: str = "") -> None:
    """Open the registry page (optionally with query parameters) and wait for it."""
    page.goto(f"{base_url}/parc-equipements{query}")
    page.get_by_role("heading", name="Parc équipements", level=1).wait_for()
    wait_idle(page)


@pytest.fixture
def new_serial(owner_engine: Engine) -> Iterator[str]:
    """A unique serial number; the machine created with it is removed afterwards."""
    serial = f"SN-NAV-{uuid.uuid4().hex[:8].upper()}"
    yield serial
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM equipements WHERE numero_serie = :s"), {"s": serial})


def test_a_manager_creates_a_machine_and_finds_it_by_search(
    server: StreamlitServer, context: BrowserContext, new_serial: str, owner_engine: Engine
) -> None:
    page = context.new_page()
    login(page, server.url, "responsable", DEMO_PASSWORDS["responsable"])
    open_registry(page, server.url)
    page.get_by_role("tab", name="Nouvel équipement").click()
    client = page.get_by_role("combobox", name=re.compile("^Client"))
    client.click()
    page.get_by_role("option", name="Atlas Agro-Industries").click()
    page.get_by_role("textbox", name="Nom *").fill("Presse à balles d'essai")
    page.get_by_role("textbox", name=re.compile("^N° de série")).fill(new_serial)
    page.get_by_role("button", name="Créer l'équipement").click()
    wait_idle(page)
    expect(page.get_by_text("Équipement « Presse à balles d'essai » créé.")).to_be_visible()
    shot(page, "equip_created_by_manager")
    with owner_engine.connect() as conn:
        owner = conn.execute(
            text(
                "SELECT c.nom_entreprise FROM equipements e JOIN clients c ON c.id = e.client_id"
                " WHERE e.numero_serie = :s"
            ),
            {"s": new_serial},
        ).scalar_one()
    assert owner == "Atlas Agro-Industries"

    open_registry(page, server.url)
    search = page.get_by_placeholder("Nom, modèle, fabricant, n° de série, localisation ou client")
    search.fill(new_serial.lower())
    search.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("1–1 sur 1")).to_be_visible()
    assert f"q={new_serial.lower()}" in page.url.lower()
    shot(page, "equip_found_by_search")


def test_a_client_sees_only_their_own_machines(
    server: StreamlitServer, context: BrowserContext, owner_engine: Engine
) -> None:
    with owner_engine.connect() as conn:
        own = conn.execute(
            text(
                "SELECT count(*) FROM equipements e JOIN clients c ON c.id = e.client_id"
                " JOIN users u ON u.id = c.user_id WHERE u.username = 'client'"
            )
        ).scalar_one()
        other_id, other_serial = conn.execute(
            text(
                "SELECT e.id, e.numero_serie FROM equipements e JOIN clients c"
                " ON c.id = e.client_id JOIN users u ON u.id = c.user_id"
                " WHERE u.username <> 'client' ORDER BY e.id LIMIT 1"
            )
        ).one()
    page = context.new_page()
    login(page, server.url, "client", DEMO_PASSWORDS["client"])
    open_registry(page, server.url)
    expect(page.get_by_text(f"1–{own} sur {own}")).to_be_visible()
    # no client filter for a client user: there is only one company to see
    expect(page.get_by_role("combobox", name=re.compile("^Client"))).to_have_count(0)

    open_registry(page, server.url, f"?q={other_serial}")
    expect(page.get_by_text("Aucun résultat pour ces critères.")).to_be_visible()
    expect(page.get_by_text("0–0 sur 0")).to_be_visible()
    expect(page.get_by_text(other_serial)).to_have_count(0)

    open_registry(page, server.url, f"?id={other_id}")
    expect(page.get_by_text("Équipement introuvable.")).to_be_visible()
    shot(page, "equip_client_other_machine")
