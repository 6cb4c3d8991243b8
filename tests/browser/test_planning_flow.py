"""The planning in a real browser, with the demo accounts.

The manager plans an unplanned intervention for the demo technician at a free hour today →
tries a second one at an overlapping time and is told which intervention is already there →
the technician finds the slot in « Mon planning » and confirms it. Screenshots of each step
go to ``artifacts/screenshots/planning_*.png``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlalchemy import Engine, text

from db.validation import BUSINESS_TZ
from tests.browser.conftest import DEMO_PASSWORDS, StreamlitServer, login, shot, wait_idle

pytestmark = pytest.mark.browser

PAGE = "/planning-maintenance"


def _scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar()


def free_hour(engine: Engine, tech: int) -> datetime:
    """Today's first whole hour (07:00 to 18:00) when the technician has neither a slot (an
    hour and a half, the conflict's too) nor an absence."""
    today = datetime.now(BUSINESS_TZ).date()
    for hour in range(7, 19):
        start = datetime.combine(today, time(hour), BUSINESS_TZ)
        busy = _scalar(
            engine,
            "SELECT EXISTS (SELECT 1 FROM planning_occupations WHERE technicien_id = :t"
            " AND periode && tstzrange(:d, :f))"
            " OR EXISTS (SELECT 1 FROM absences WHERE technicien_id = :t"
            " AND date_debut < :f AND date_fin > :d)",
            t=tech,
            d=start,
            f=start + timedelta(minutes=150),
        )
        if not busy:
            return start
    pytest.skip("the demo technician has no free hour left today")


@pytest.fixture
def unplanned(owner_engine: Engine) -> Iterator[dict[str, Any]]:
    """Two urgent unplanned interventions on a demo client's machine (far-past deadlines, so
    they head the list), removed afterwards with their slots."""
    tag = uuid.uuid4().hex[:6].upper()
    old = datetime.now(UTC) - timedelta(days=4000)
    ids: dict[str, Any] = {"tag": tag}
    with owner_engine.begin() as c:
        machine = c.execute(
            text(
                "SELECT e.id FROM equipements e JOIN clients cl ON cl.id = e.client_id"
                " JOIN users u ON u.id = cl.user_id WHERE u.username = 'client'"
                " AND e.statut <> 'retire' ORDER BY e.id LIMIT 1"
            )
        ).scalar_one()
        for n, key in ((1, "first"), (2, "second")):
            ids[key] = c.execute(
                text(
                    "INSERT INTO interventions (equipement_id, titre, priorite, urgence,"
                    " date_creation, date_limite) VALUES (:e, :t, 'urgente', true, :c, :l)"
                    " RETURNING id"
                ),
                {"e": machine, "t": f"Plan {tag} {n}", "c": old, "l": old + timedelta(days=n)},
            ).scalar_one()
        ids["tech"] = c.execute(
            text(
                "SELECT t.id FROM techniciens t JOIN users u ON u.id = t.user_id"
                " WHERE u.username = 'technicien'"
            )
        ).scalar_one()
    yield ids
    with owner_engine.begin() as c:
        for table in ("historiques_interventions", "interventions"):
            c.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for key in ("first", "second"):
            c.execute(
                text("DELETE FROM historiques_interventions WHERE intervention_id = :i"),
                {"i": ids[key]},
            )
            c.execute(text("DELETE FROM interventions WHERE id = :i"), {"i": ids[key]})
        for table in ("historiques_interventions", "interventions"):
            c.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def choose(page: Page, box: Locator, typed: str, option: str | re.Pattern[str]) -> None:
    """Pick ``option`` in a Streamlit selectbox after typing ``typed`` (its list is virtual:
    only the options in view exist in the page)."""
    box.click()
    page.keyboard.type(typed, delay=20)
    page.get_by_role("option", name=option).first.click()


def segments(page: Page, field: Locator, digits: str) -> None:
    """Type ``digits`` into a date or time field, from its first segment on."""
    field.locator('[role="spinbutton"]').first.click()
    page.keyboard.type(digits, delay=40)
    page.keyboard.press("Tab")


def plan(page: Page, intervention_id: int, tech_name: str, start: datetime) -> None:
    """Fill « Planifier une intervention » and submit it."""
    form = page.get_by_test_id("stForm").first
    choose(
        page,
        form.get_by_role("combobox").nth(0),
        f"n° {intervention_id} ",
        re.compile(f"^n° {intervention_id} "),
    )
    choose(page, form.get_by_role("combobox").nth(1), tech_name, tech_name)
    # Date and time fields are segments (day / month / year, hour / minute): typed in order.
    segments(page, form.get_by_test_id("stDateInput").first, start.strftime("%d%m%Y"))
    segments(page, form.get_by_test_id("stTimeInput").first, start.strftime("%H%M"))
    hours = form.get_by_role("spinbutton", name="Durée (heures)")
    hours.fill("2")
    form.get_by_role("button", name="Planifier").click()
    wait_idle(page)


def test_a_manager_plans_a_technician_who_then_confirms(
    server: StreamlitServer,
    context: BrowserContext,
    owner_engine: Engine,
    unplanned: dict[str, Any],
) -> None:
    tech = unplanned["tech"]
    start = free_hour(owner_engine, tech)
    tech_name = _scalar(
        owner_engine,
        "SELECT u.full_name FROM users u JOIN techniciens t ON t.user_id = u.id WHERE t.id = :t",
        t=tech,
    )

    # 1. The manager opens the planning: calendar, unplanned list, the form.
    manager = context.new_page()
    manager.set_default_timeout(20_000)
    login(manager, server.url, "responsable", DEMO_PASSWORDS["responsable"])
    manager.goto(server.url + PAGE)
    manager.get_by_role("heading", name="Planning", level=1).wait_for()
    wait_idle(manager)
    expect(manager.get_by_text(f"Plan {unplanned['tag']} 1").first).to_be_visible()
    shot(manager, "planning_1_manager_week")

    # 2. Plans the first intervention for the technician at a free hour.
    plan(manager, unplanned["first"], tech_name, start)
    done = manager.get_by_text(f"Intervention n° {unplanned['first']} planifiée")
    expect(done).to_be_visible()
    done.scroll_into_view_if_needed()
    slot = _scalar(
        owner_engine,
        "SELECT date_debut FROM planning WHERE intervention_id = :i",
        i=unplanned["first"],
    )
    assert slot == start
    shot(manager, "planning_2_planned")
    # The per-technician grid shows the new slot on the technician's row.
    manager.get_by_role("tab", name="Par technicien").click()
    grid = manager.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    grid.scroll_into_view_if_needed()
    wait_idle(manager)
    shot(manager, "planning_2b_per_technician")
    manager.get_by_role("tab", name="Créneau").click()

    # 3. The second one half an hour later for the same technician: refused, and why.
    plan(manager, unplanned["second"], tech_name, start + timedelta(minutes=30))
    refusal = manager.get_by_test_id("stAlertContentError").filter(has_text=str(unplanned["first"]))
    expect(refusal.first).to_be_visible()
    refusal.first.scroll_into_view_if_needed()
    assert (
        _scalar(
            owner_engine,
            "SELECT count(*) FROM planning WHERE intervention_id = :i",
            i=unplanned["second"],
        )
        == 0
    )
    shot(manager, "planning_3_conflict_refused")

    # 4. The technician sees it in « Mon planning » and confirms it.
    technician = context.browser.new_context(  # type: ignore[union-attr]
        viewport={"width": 1400, "height": 900}, locale="fr-FR", timezone_id="Africa/Casablanca"
    ).new_page()
    technician.set_default_timeout(20_000)
    login(technician, server.url, "technicien", DEMO_PASSWORDS["technicien"])
    technician.goto(server.url + PAGE)
    technician.get_by_role("heading", name="Mon planning").wait_for()
    wait_idle(technician)
    # The innermost block holding the slot's text and a confirm button: its card.
    card = (
        technician.get_by_test_id("stVerticalBlock")
        .filter(has_text=f"Plan {unplanned['tag']} 1")
        .filter(has=technician.get_by_role("button", name="Confirmer le créneau"))
        .last
    )
    expect(card).to_be_visible()
    card.scroll_into_view_if_needed()
    shot(technician, "planning_4_technician_agenda")
    card.get_by_role("button", name="Confirmer le créneau").click()
    wait_idle(technician)
    expect(technician.get_by_text("Créneau confirmé.")).to_be_visible()
    assert _scalar(
        owner_engine,
        "SELECT confirme FROM planning WHERE intervention_id = :i",
        i=unplanned["first"],
    )
    shot(technician, "planning_5_confirmed")
