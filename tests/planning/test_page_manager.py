"""The planning page for managers, with AppTest: calendar range, unplanned work, planning an
intervention (refusals in French beside the field, nothing written), a slot's detail, the
per-technician grid and absences (conflicts listed, confirmation required)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from tests.planning.page_world import (
    build_world,
    button,
    db_row,
    errors,
    open_planning,
    today_at,
    username,
)

PREFIX = "ppm"


@pytest.fixture(scope="module")
def world(owner_engine: Engine) -> Iterator[dict[str, Any]]:
    yield from build_world(owner_engine, PREFIX)


def manager(role: str = "responsable") -> Any:
    return open_planning(username(PREFIX, role))


def page_text(at: Any) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [s.value for s in at.subheader]
    )


def plan_form(at: Any, world: dict[str, Any], *, tech: str, start: time, hours: float) -> Any:
    at.selectbox(key="plan.new.itv").set_value(world["open"])
    at.selectbox(key="plan.new.tech").set_value(world[tech])
    at.date_input(key="plan.new.day").set_value(today_at(0).date())
    at.time_input(key="plan.new.start").set_value(start)
    at.number_input(key="plan.new.hours").set_value(hours)
    button(at, "Planifier").click().run()
    assert not at.exception, at.exception
    return at


def slot_of(engine: Engine, intervention_id: int) -> Any:
    return db_row(
        engine,
        "SELECT p.id, p.date_debut, p.date_fin, p.confirme, i.technicien_id, i.date_planifiee"
        " FROM interventions i LEFT JOIN planning p ON p.intervention_id = i.id WHERE i.id = :i",
        i=intervention_id,
    )


@pytest.mark.parametrize("role", ["admin", "responsable"])
def test_a_manager_sees_the_week_unplanned_work_the_grid_and_absences(
    world: dict[str, Any], role: str
) -> None:
    at = manager(role)
    assert [t.value for t in at.title] == ["Planning"]
    assert not errors(at)
    text_ = page_text(at)
    # The most urgent unplanned interventions come first.
    assert text_.index(f"n° {world['open']} · {PREFIX} a planifier") < text_.index(
        f"n° {world['open2']} · {PREFIX} a planifier aussi"
    )
    assert (
        f"{PREFIX} travail un"
        not in text_.split("Planifier une intervention")[0].split("À planifier")[1]
    )
    assert at.session_state["plan.mode"] == "semaine"
    tabs = [t.label for t in at.tabs]
    assert tabs == ["Créneau", "Par technicien", "Absences"]
    grid = at.dataframe[0].value
    row = grid[grid["Technicien"] == f"Test {PREFIX} technicien2"].iloc[0]
    today_cols = [c for c in grid.columns if c.endswith(today_at(0).strftime("%d/%m"))]
    assert today_cols and f"08:00-09:00 n° {world['work2']}" in row[today_cols[0]]
    assert "Mon planning" not in text_


def test_the_month_and_day_views_fetch_their_own_range(world: dict[str, Any]) -> None:
    at = manager()
    at.segmented_control(key="plan.mode").set_value("mois").run()
    assert not at.exception and not errors(at)
    at.segmented_control(key="plan.mode").set_value("jour").run()
    assert not at.exception and not errors(at)
    day = today_at(0).date()
    assert f"Du {day:%d/%m/%Y} au {day:%d/%m/%Y}" in page_text(at)
    button(at, "Suivant").click().run()
    nxt = day + timedelta(days=1)
    assert f"Du {nxt:%d/%m/%Y} au {nxt:%d/%m/%Y}" in page_text(at)


def test_an_overlapping_slot_is_refused_naming_the_other_intervention_and_nothing_is_written(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    at = plan_form(manager(), world, tech="tech2", start=time(8, 30), hours=1)
    shown = " ".join(errors(at))
    assert f"n° {world['work2']} « {PREFIX} travail deux »" in shown, shown
    # Checked by the service once the new technician is assigned (same transaction), so the
    # times are the page's own (Morocco's wall clock), not the database's fallback message.
    day = f"{today_at(0):%d/%m/%Y}"
    assert f"du {day} 08:00 au {day} 09:00" in shown, shown
    row = slot_of(owner_engine, world["open"])
    assert row.id is None and row.technicien_id is None  # the assignment was rolled back too


@pytest.mark.parametrize(
    ("hours", "words"), [(0, "0 minute"), (15 * 24, "14 jours")], ids=["zero", "too-long"]
)
def test_a_slot_of_zero_minutes_or_over_fourteen_days_is_refused_in_french(
    world: dict[str, Any], owner_engine: Engine, hours: float, words: str
) -> None:
    at = plan_form(manager(), world, tech="tech1", start=time(14, 0), hours=hours)
    assert any(words in e for e in errors(at)), errors(at)
    assert slot_of(owner_engine, world["open"]).id is None


def test_a_manager_plans_an_unplanned_intervention_for_a_technician(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    at = plan_form(manager(), world, tech="tech2", start=time(14, 0), hours=2)
    assert not errors(at), errors(at)
    row = slot_of(owner_engine, world["open"])
    assert row.id is not None and row.technicien_id == world["tech2"]
    assert row.date_debut == today_at(14) and row.date_fin == today_at(16)
    assert row.date_planifiee == row.date_debut
    assert any("planifiée" in s.value for s in at.success)
    # The new slot is the one shown in the detail tab; it moves with a form.
    assert at.selectbox(key="plan.slot").value == row.id
    at.number_input(key=f"plan.d.move.hours.{row.id}").set_value(0)
    button(at, "Déplacer").click().run()
    assert any("0 minute" in e for e in errors(at)), errors(at)
    assert slot_of(owner_engine, world["open"]).date_fin == today_at(16)
    at.time_input(key=f"plan.d.move.start.{row.id}").set_value(time(9, 0))
    at.number_input(key=f"plan.d.move.hours.{row.id}").set_value(1)
    button(at, "Déplacer").click().run()  # 09:00-10:00 next to 08:00-09:00: free
    assert not errors(at), errors(at)
    moved = slot_of(owner_engine, world["open"])
    assert (moved.date_debut, moved.date_fin) == (today_at(9), today_at(10))
    # Confirm, then delete (the box must be ticked first).
    button(at, "Confirmer le créneau").click().run()
    assert slot_of(owner_engine, world["open"]).confirme is True
    button(at, "Supprimer le créneau").click().run()
    assert slot_of(owner_engine, world["open"]).id is not None
    at.checkbox(key=f"plan.d.del.sure.{row.id}").check().run()
    button(at, "Supprimer le créneau").click().run()
    assert not errors(at), errors(at)
    assert slot_of(owner_engine, world["open"]).id is None


def test_an_absence_over_planned_work_lists_it_and_needs_confirmation(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    at = manager()
    at.selectbox(key="plan.abs.tech").set_value(world["tech2"])
    day = today_at(0).date()
    at.date_input(key="plan.abs.d1").set_value(day)
    at.time_input(key="plan.abs.h1").set_value(time(7, 0))
    at.date_input(key="plan.abs.d2").set_value(day)
    at.time_input(key="plan.abs.h2").set_value(time(12, 0))
    at.selectbox(key="plan.abs.motif").set_value("formation")
    button(at, "Enregistrer l'absence").click().run()
    assert not at.exception, at.exception
    count = "SELECT count(*) AS n FROM absences WHERE technicien_id = :t"
    assert db_row(owner_engine, count, t=world["tech2"]).n == 0
    warned = " ".join(w.value for w in at.warning)
    assert "1 créneau(x)" in warned
    assert f"n° {world['work2']}" in page_text(at)
    button(at, "Enregistrer l'absence").click().run()  # not ticked: still nothing
    assert db_row(owner_engine, count, t=world["tech2"]).n == 0
    at.checkbox(key="plan.abs.confirm").check()
    button(at, "Enregistrer l'absence").click().run()
    assert not errors(at), errors(at)
    assert db_row(owner_engine, count, t=world["tech2"]).n == 1
    assert slot_of(owner_engine, world["work2"]).id is None
    # Deleted again (ticked), so the other tests keep their world.
    mine = "SELECT id FROM absences WHERE technicien_id = :t"
    at.selectbox(key="plan.abs.del.pick").set_value(db_row(owner_engine, mine, t=world["tech2"]).id)
    at.checkbox(key="plan.abs.del.sure").check()
    button(at, "Supprimer l'absence").click().run()
    assert db_row(owner_engine, count, t=world["tech2"]).n == 0
    with owner_engine.begin() as c:  # technician 2's slot back
        c.execute(
            text(
                "INSERT INTO planning (intervention_id, date_debut, date_fin) VALUES (:i, :d, :f)"
            ),
            {"i": world["work2"], "d": today_at(8), "f": today_at(9)},
        )


def test_the_team_filter_keeps_its_technicians_and_their_slots(world: dict[str, Any]) -> None:
    at = manager()
    at.selectbox(key="plan.f.equipe").set_value(f"{PREFIX} equipe 2").run()
    assert not at.exception and not errors(at), errors(at)
    grid = at.dataframe[0].value
    assert list(grid["Technicien"]) == [f"Test {PREFIX} technicien2"]
    lines = [o for o in at.selectbox(key="plan.slot").options]
    assert any(f"{PREFIX} travail deux" in o for o in lines)
    assert not any(f"{PREFIX} travail un" in o for o in lines)


def test_a_slot_is_annotated_from_its_detail(world: dict[str, Any], owner_engine: Engine) -> None:
    at = manager()
    at.selectbox(key="plan.slot").set_value(world["slot1"]).run()
    at.text_input(key=f"plan.d.note.creneau.{world['slot1']}").input("Matin, accès quai 3")
    at.text_area(key=f"plan.d.note.notes.{world['slot1']}").input("Prévoir la nacelle")
    button(at, "Enregistrer les notes").click().run()
    assert not errors(at), errors(at)
    row = db_row(
        owner_engine,
        "SELECT creneau, notes_planning FROM planning WHERE id = :p",
        p=world["slot1"],
    )
    assert tuple(row) == ("Matin, accès quai 3", "Prévoir la nacelle")
    at.text_input(key=f"plan.d.note.creneau.{world['slot1']}").input("x" * 101)
    button(at, "Enregistrer les notes").click().run()
    assert any("Créneau" in e for e in errors(at)), errors(at)  # too long: French, beside it
    assert (
        db_row(owner_engine, "SELECT creneau FROM planning WHERE id = :p", p=world["slot1"]).creneau
        == "Matin, accès quai 3"
    )


def test_the_page_speaks_english_in_english(world: dict[str, Any]) -> None:
    at = manager()
    at.segmented_control(key="lang_choice").set_value("en").run()
    assert not at.exception and not errors(at), errors(at)
    assert [t.label for t in at.tabs] == ["Slot", "By technician", "Absences"]
    assert "Plan a work order" in [s.value for s in at.subheader]
    at.segmented_control(key="lang_choice").set_value("fr").run()


def test_without_a_chosen_technician_a_page_of_technicians_is_read(
    world: dict[str, Any], owner_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.session import Actor, session_scope
    from ui.planning import actions
    from ui.planning.period import visible_range

    monkeypatch.setattr(actions, "TECH_PAGE", 1)
    user = db_row(owner_engine, "SELECT id FROM users WHERE username = :u", u=f"{PREFIX}_admin")
    actor = Actor(user_id=user.id, role="admin")
    start, end = visible_range("semaine", today_at(0).date())
    team = f"{PREFIX} equipe 1"
    for page, tech, work in ((0, "tech1", "work1"), (1, "tech2", "work2"), (9, "tech2", "work2")):
        with session_scope(actor) as session:
            data = actions.load_planning(
                session=session, actor=actor, start=start, end=end, zone="Zone PW", tech_page=page
            )
        assert [t.technicien_id for t in data.technicians] == [world[tech]]
        assert {s.intervention_id for s in data.slots} == {world[work]}
        assert data.tech_pages == 2 and data.tech_page == min(page, 1)  # clamped
        assert len(data.choices) == 2
    with session_scope(actor) as session:  # a team: its technicians only, one page
        data = actions.load_planning(
            session=session, actor=actor, start=start, end=end, equipe=team
        )
    assert [t.technicien_id for t in data.technicians] == [world["tech1"]]
