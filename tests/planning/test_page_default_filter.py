"""The manager's planning with many technicians opens on fewer of them (a filter default):
the first team when it is small enough, else the first technician; with few technicians
nothing is narrowed, and the user's own choice ("Toutes" included) is kept afterwards.

"Many" is more than ``CALENDAR_CROWD`` technicians (a page of them); the tests lower it so
the suite's small database counts as many."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.planning.page_world import (
    PAGE_NAME,
    build_world,
    db_row,
    errors,
    open_planning,
    username,
)
from ui.planning import manager as manager_view

PREFIX = "pdf"
ACTIVE_TECHNICIANS = (
    " FROM techniciens t JOIN users u ON u.id = t.user_id"
    " WHERE u.is_active AND u.role = 'technicien'"
)


@pytest.fixture(scope="module")
def world(owner_engine: Engine) -> Iterator[dict[str, Any]]:
    yield from build_world(owner_engine, PREFIX)


def grid_names(at: Any) -> list[str]:
    return list(at.dataframe[0].value["Technicien"])


def notes(at: Any) -> list[str]:
    return [i.value for i in at.info]


def test_with_few_technicians_every_one_is_shown_and_nothing_is_narrowed(
    world: dict[str, Any],
) -> None:
    at = open_planning(username(PREFIX, "responsable"))
    assert not errors(at), errors(at)
    assert at.session_state["plan.f.equipe"] is None
    assert at.session_state["plan.f.tech"] == []
    assert not notes(at)
    assert f"Test {PREFIX} technicien1" in grid_names(at)
    assert f"Test {PREFIX} technicien2" in grid_names(at)


def test_many_technicians_open_on_the_first_team_and_choosing_all_is_kept(
    world: dict[str, Any], owner_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = db_row(
        owner_engine,
        f"SELECT t.equipe, count(*) AS n{ACTIVE_TECHNICIANS} AND t.equipe IS NOT NULL"
        ' GROUP BY t.equipe ORDER BY t.equipe COLLATE "C" LIMIT 1',
    )
    total = db_row(owner_engine, f"SELECT count(*) AS n{ACTIVE_TECHNICIANS}").n
    monkeypatch.setattr(manager_view, "CALENDAR_CROWD", first.n)  # the team just fits
    assert total > first.n
    at = open_planning(username(PREFIX, "responsable"))
    assert not errors(at), errors(at)
    assert at.session_state["plan.f.equipe"] == first.equipe
    assert len(grid_names(at)) == first.n
    assert any(f"l'équipe « {first.equipe} »" in n for n in notes(at)), notes(at)
    # the manager widens it: kept on the next runs, and the note goes
    at.selectbox(key="plan.f.equipe").set_value(None).run()
    at.run()
    assert at.session_state["plan.f.equipe"] is None
    assert len(grid_names(at)) == min(total, manager_view.TECH_PAGE)
    assert not notes(at)
    # another page and back: Streamlit forgets the filter's widget state; not narrowed again
    at.switch_page("pages/accueil.py").run()
    at.switch_page(PAGE_NAME).run()
    assert not errors(at), errors(at)
    assert len(grid_names(at)) == min(total, manager_view.TECH_PAGE)
    assert not notes(at)


def test_many_technicians_and_no_small_team_open_on_the_first_technician(
    world: dict[str, Any], owner_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = db_row(
        owner_engine,
        f"SELECT t.id, u.full_name{ACTIVE_TECHNICIANS} ORDER BY u.full_name, t.id LIMIT 1",
    )
    monkeypatch.setattr(manager_view, "CALENDAR_CROWD", 0)  # every team is too big
    at = open_planning(username(PREFIX, "admin"))
    assert not errors(at), errors(at)
    assert at.session_state["plan.f.equipe"] is None
    assert at.session_state["plan.f.tech"] == [first.id]
    assert grid_names(at) == [first.full_name]
    assert any(first.full_name in n for n in notes(at)), notes(at)
    # the planning form still offers every technician
    assert f"Test {PREFIX} technicien2" in at.selectbox(key="plan.new.tech").options
