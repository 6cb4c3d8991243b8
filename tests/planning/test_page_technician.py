"""The planning page for a technician (« Mon planning »: own slots only, confirm, open the
intervention, nothing to move) and for a client (no page), with AppTest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.interventions.page_world import APP
from tests.planning.page_world import (
    PAGE_NAME,
    build_world,
    button,
    db_row,
    errors,
    open_planning,
    username,
)

PREFIX = "ppt"


@pytest.fixture(scope="module")
def world(owner_engine: Engine) -> Iterator[dict[str, Any]]:
    yield from build_world(owner_engine, PREFIX)


def page_text(at: Any) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def confirmed(engine: Engine, planning_id: int) -> bool:
    return bool(db_row(engine, "SELECT confirme FROM planning WHERE id = :p", p=planning_id)[0])


def test_a_technician_sees_only_their_own_agenda_and_no_planner(world: dict[str, Any]) -> None:
    at = open_planning(username(PREFIX, "technicien"))
    assert [t.value for t in at.title] == ["Planning"]
    assert not errors(at)
    assert "Mon planning" in [s.value for s in at.subheader]
    text_ = page_text(at)
    assert "**Aujourd'hui · 1**" in text_
    assert f"n° {world['work1']} {PREFIX} travail un" in text_
    assert f"{PREFIX} travail deux" not in text_  # technician 2's slot
    labels = {b.label for b in at.button}
    assert "Planifier" not in labels and "Déplacer" not in labels
    assert "Supprimer le créneau" not in labels
    assert not at.tabs  # no per-technician grid, no absences management


def test_a_technician_confirms_their_slot(world: dict[str, Any], owner_engine: Engine) -> None:
    at = open_planning(username(PREFIX, "technicien"))
    assert not confirmed(owner_engine, world["slot1"])
    button(at, "Confirmer le créneau").click().run()
    assert not at.exception and not errors(at), errors(at)
    assert confirmed(owner_engine, world["slot1"])
    assert not confirmed(owner_engine, world["slot2"])
    assert any("confirmé" in s.value for s in at.success)
    assert "✔ confirmé" in page_text(at)
    assert "Confirmer le créneau" not in {b.label for b in at.button}


def test_the_agenda_opens_the_intervention_file(world: dict[str, Any]) -> None:
    at = open_planning(username(PREFIX, "technicien"))
    button(at, "Ouvrir l'intervention").click().run()
    assert not at.exception, at.exception
    assert at.query_params.get("id") in (str(world["work1"]), [str(world["work1"])])
    assert "Interventions" in [t.value for t in at.title]


def test_a_client_cannot_open_the_planning(world: dict[str, Any]) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username(PREFIX, "client")
    at.session_state["_shell_booted"] = True
    at.run()
    pages = {info.get("script_path", "") for info in at._registered_pages.values()}
    assert not any(str(p).endswith(PAGE_NAME) for p in pages)
    try:
        at.switch_page(PAGE_NAME).run()
    except Exception:
        return
    assert "Planning" not in [t.value for t in at.title]
    assert "Mon planning" not in page_text(at)
