"""One intervention from request to rating, in a real browser, with the demo accounts.

The client files a request with a photo → the manager finds it on the board and assigns the
top-ranked technician → that technician starts it, ticks a task, uses a part and closes it →
the client rates it. Screenshots of each step go to ``artifacts/screenshots/flow_*.png``.

The top-ranked technician is whoever the ranking puts first, usually not the demo
``technicien`` account, whose password is the only one published: for the length of the test
that technician's account gets a known password (its own hash is put back afterwards).
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from typing import Any

import bcrypt
import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import Engine, text

from tests.browser.conftest import DEMO_PASSWORDS, StreamlitServer, login, shot, wait_idle

pytestmark = pytest.mark.browser

PAGE = "/tableau-interventions"
FLOW_PASSWORD = "Flow2026!test"


def _photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 90, 160)).save(buf, format="JPEG")
    return buf.getvalue()


def _scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar()


@pytest.fixture
def technician_passwords(owner_engine: Engine) -> Iterator[dict[int, str]]:
    """Hashes changed by the test (user id → original hash), restored afterwards."""
    saved: dict[int, str] = {}
    yield saved
    with owner_engine.begin() as c:
        for user_id, hashed in saved.items():
            c.execute(
                text(
                    "UPDATE users SET hashed_password = :h, failed_login_count = 0,"
                    " locked_until = NULL WHERE id = :u"
                ),
                {"h": hashed, "u": user_id},
            )


def open_file(page: Page, base_url: str, intervention_id: int) -> None:
    page.goto(f"{base_url}{PAGE}?id={intervention_id}")
    page.get_by_role("heading", name=re.compile(f"^#{intervention_id} ")).wait_for(timeout=60_000)
    wait_idle(page)


def click_and_wait(page: Page, name: str | re.Pattern[str]) -> None:
    page.get_by_role("button", name=name).click()
    wait_idle(page)


def test_a_request_goes_from_the_client_to_the_rating(
    server: StreamlitServer,
    context: BrowserContext,
    owner_engine: Engine,
    technician_passwords: dict[int, str],
) -> None:
    title = f"Fuite vérin presse {uuid.uuid4().hex[:6].upper()}"
    machine_id = _scalar(
        owner_engine,
        "SELECT e.id FROM equipements e JOIN clients c ON c.id = e.client_id"
        " JOIN users u ON u.id = c.user_id WHERE u.username = 'client'"
        " AND e.statut <> 'retire' ORDER BY e.id LIMIT 1",
    )

    # 1. The client files the request with a photo.
    client = context.new_page()
    login(client, server.url, "client", DEMO_PASSWORDS["client"])
    client.goto(f"{server.url}{PAGE}?nouvelle=1&machine={machine_id}")
    wait_idle(client)
    client.get_by_role("textbox", name=re.compile("^Titre")).fill(title)
    client.get_by_role("textbox", name=re.compile("^Description")).fill(
        "Le vérin principal perd de l'huile depuis ce matin."
    )
    client.locator('input[type="file"]').set_input_files(
        files=[{"name": "fuite.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    expect(client.get_by_text("fuite.jpg")).to_be_visible()  # the upload has arrived
    wait_idle(client)
    click_and_wait(client, "Envoyer la demande")
    # The new request's file opens.
    # A page that creates, stores a photo and opens the file: slower when the two test workers
    # share the machine's cores.
    client.get_by_role("heading", name=re.compile(re.escape(title))).wait_for(timeout=60_000)
    wait_idle(client)
    iid = _scalar(owner_engine, "SELECT id FROM interventions WHERE titre = :t", t=title)
    assert iid is not None, "the request was not created"
    shot(client, "flow_1_client_request_filed")
    assert (
        _scalar(
            owner_engine,
            "SELECT count(*) FROM documents WHERE intervention_id = :i AND type_document = 'photo'",
            i=iid,
        )
        == 1
    )

    # 2. The manager sees it on the board and assigns the top-ranked technician.
    manager = context.browser.new_context(  # type: ignore[union-attr]
        viewport={"width": 1400, "height": 900}, locale="fr-FR", timezone_id="Africa/Casablanca"
    ).new_page()
    manager.set_default_timeout(20_000)
    login(manager, server.url, "responsable", DEMO_PASSWORDS["responsable"])
    manager.goto(f"{server.url}{PAGE}?vue=tableau")
    wait_idle(manager)
    search = manager.get_by_role("textbox", name="Rechercher")
    search.fill(title)
    search.press("Enter")
    wait_idle(manager)
    shot(manager, "flow_2_manager_board")
    expect(manager.get_by_text(title)).to_be_visible()  # its card, alone after the search
    manager.get_by_role("button", name="Ouvrir la fiche").click()
    manager.get_by_role("heading", name=re.compile(f"^#{iid} ")).wait_for(timeout=60_000)
    wait_idle(manager)
    # The card's button leaves the file's address in the browser: the file's next button
    # reruns that address (a page link to the page being shown did not update it).
    assert f"id={iid}" in manager.url, manager.url
    manager.get_by_role("tab", name="Affectation").click()
    wait_idle(manager)
    first_why = manager.get_by_text(re.compile(r"^1\. .+ — score ")).first
    expect(first_why).to_be_visible()
    top_name = first_why.inner_text().split(". ", 1)[1].rsplit(" — score", 1)[0].strip()
    shot(manager, "flow_3_manager_dispatch_ranking")
    click_and_wait(manager, "Affecter")
    expect(manager.get_by_text(f"Intervention affectée à {top_name}.")).to_be_visible()
    tech_user, statut = (
        owner_engine.connect()
        .execute(
            text(
                "SELECT u.id, i.statut::text FROM interventions i"
                " JOIN techniciens t ON t.id = i.technicien_id JOIN users u ON u.id = t.user_id"
                " WHERE i.id = :i"
            ),
            {"i": iid},
        )
        .one()
    )
    assert statut == "affectee"
    assert _scalar(owner_engine, "SELECT full_name FROM users WHERE id = :u", u=tech_user) == (
        top_name
    )
    shot(manager, "flow_4_manager_assigned")

    # 3. That technician starts it, ticks a task, uses a part and closes it.
    with owner_engine.begin() as c:
        username, old_hash = c.execute(
            text("SELECT username, hashed_password FROM users WHERE id = :u"), {"u": tech_user}
        ).one()
        technician_passwords[tech_user] = old_hash
        new_hash = bcrypt.hashpw(FLOW_PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
        c.execute(
            text("UPDATE users SET hashed_password = :h WHERE id = :u"),
            {"h": new_hash, "u": tech_user},
        )
    part_ref, stock_before = (
        owner_engine.connect()
        .execute(
            text(
                "SELECT reference, stock_actuel FROM pieces_detachees WHERE active"
                " AND stock_actuel >= 2 ORDER BY id LIMIT 1"
            )
        )
        .one()
    )
    tech = context.browser.new_context(  # type: ignore[union-attr]
        viewport={"width": 1400, "height": 900}, locale="fr-FR", timezone_id="Africa/Casablanca"
    ).new_page()
    tech.set_default_timeout(20_000)
    login(tech, server.url, username, FLOW_PASSWORD)
    open_file(tech, server.url, iid)
    click_and_wait(tech, "Démarrer")
    expect(tech.get_by_text("Intervention passée à « En cours ».")).to_be_visible()
    tech.get_by_role("tab", name="Tâches").click()
    tech.get_by_role("textbox", name="Nouvelle tâche").fill("Remplacer le joint du vérin")
    click_and_wait(tech, "Ajouter")
    # The tab stays open after the action and its notice.
    expect(tech.get_by_role("tab", name="Tâches")).to_have_attribute("aria-selected", "true")
    tech.get_by_text("Remplacer le joint du vérin").click()  # the checkbox's label
    wait_idle(tech)
    expect(tech.get_by_text("Tâche terminée.")).to_be_visible()
    assert (
        _scalar(
            owner_engine,
            "SELECT statut::text FROM taches WHERE intervention_id = :i",
            i=iid,
        )
        == "terminee"
    )
    tech.get_by_role("tab", name="Tâches").click()
    shot(tech, "flow_5_technician_task_ticked")
    tech.get_by_role("tab", name="Pièces").click()
    search = tech.get_by_role("textbox", name="Chercher une pièce")
    search.fill(part_ref)
    search.press("Enter")
    wait_idle(tech)
    click_and_wait(tech, "Enregistrer la pièce")
    expect(tech.get_by_text(f"Pièce {part_ref} enregistrée, stock mis à jour.")).to_be_visible()
    assert (
        _scalar(
            owner_engine,
            "SELECT stock_actuel FROM pieces_detachees WHERE reference = :r",
            r=part_ref,
        )
        == stock_before - 1
    )
    expect(tech.get_by_role("tab", name="Pièces")).to_have_attribute("aria-selected", "true")
    shot(tech, "flow_6_technician_part_used")
    click_and_wait(tech, "Clôturer")
    tech.get_by_role("textbox", name=re.compile("^Solution apportée")).fill(
        "Joint du vérin remplacé, essai sous pression correct."
    )
    click_and_wait(tech, "Confirmer")
    expect(tech.get_by_text("Intervention passée à « Clôturée ».")).to_be_visible()
    assert _scalar(owner_engine, "SELECT statut::text FROM interventions WHERE id = :i", i=iid) == (
        "cloturee"
    )
    shot(tech, "flow_7_technician_closed")

    # 4. The client rates it.
    open_file(client, server.url, iid)
    client.get_by_role("tab", name="Évaluation").click()
    client.get_by_text("★★★★", exact=True).click()
    client.get_by_role("textbox", name="Commentaire (facultatif)").fill("Rapide et soigné.")
    click_and_wait(client, "Envoyer la note")
    expect(client.get_by_text("Merci, votre note est enregistrée.")).to_be_visible()
    assert (
        _scalar(owner_engine, "SELECT satisfaction_client FROM interventions WHERE id = :i", i=iid)
        == 4
    )
    expect(client.get_by_role("tab", name="Évaluation")).to_have_attribute("aria-selected", "true")
    shot(client, "flow_8_client_rated")
