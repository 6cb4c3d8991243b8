"""The planning page's pure pieces: the range each display mode fetches, navigation, the
calendar's events (free views only) and the per-technician grid."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from db.planning.service import AbsenceRow, SlotRow, TechnicianRow
from ui.planning.period import (
    CALENDAR_VIEWS,
    CalendarAction,
    at_local,
    calendar_action,
    calendar_events,
    grid_days,
    shift,
    technician_grid,
    visible_range,
)

WEDNESDAY = date(2026, 11, 25)


def slot(pid: int, tech: int, start: datetime, hours: float, **extra: object) -> SlotRow:
    values: dict[str, object] = {
        "planning_id": pid,
        "intervention_id": 100 + pid,
        "titre": f"Travail {pid}",
        "statut": "affectee",
        "priorite": "haute",
        "type_intervention": "corrective",
        "urgence": False,
        "date_debut": start,
        "date_fin": start + timedelta(hours=hours),
        "creneau": None,
        "notes_planning": None,
        "confirme": False,
        "rappel_envoye": False,
        "date_modification": start,
        "equipement_id": 1,
        "equipement_nom": "Presse",
        "client_id": 1,
        "client_nom": "Client",
        "technicien_id": tech,
        "technicien_nom": f"Tech {tech}",
        "technicien_ids": (tech,),
        **extra,
    }
    return SlotRow(**values)  # type: ignore[arg-type]


def test_a_week_is_monday_to_monday_a_day_one_day_and_a_month_six_weeks() -> None:
    start, end = visible_range("semaine", WEDNESDAY)
    monday = at_local(date(2026, 11, 23), time())
    assert (start, end) == (monday, monday + timedelta(days=7))
    start, end = visible_range("jour", WEDNESDAY)
    assert end - start == timedelta(days=1) and start.date() == WEDNESDAY
    start, end = visible_range("mois", WEDNESDAY)
    assert start.date() == date(2026, 10, 26)  # the Monday before 1 November
    assert (end.date() - start.date()).days == 42  # within the services' 62 days


def test_previous_and_next_move_by_the_period_shown() -> None:
    assert shift("semaine", WEDNESDAY, 1) == date(2026, 12, 2)
    assert shift("jour", WEDNESDAY, -1) == date(2026, 11, 24)
    assert shift("mois", date(2026, 12, 15), 1) == date(2027, 1, 1)
    assert shift("mois", date(2026, 1, 15), -1) == date(2025, 12, 1)


def test_only_free_fullcalendar_views_are_used() -> None:
    assert set(CALENDAR_VIEWS.values()) == {"timeGridWeek", "dayGridMonth", "timeGridDay"}


def test_events_colour_slots_by_priority_and_show_absences_fixed() -> None:
    s = slot(1, 7, at_local(WEDNESDAY, time(8)), 2, confirme=True)
    a = AbsenceRow(3, 7, "Tech 7", at_local(WEDNESDAY, time(12)), at_local(WEDNESDAY, time(18)),
                   "formation", None)  # fmt: skip
    events = calendar_events([s], [a], editable=True)
    assert events[0]["id"] == "s1" and events[0]["editable"] is True
    assert events[0]["title"].endswith("✔") and events[0]["backgroundColor"] == "#ef6c00"
    assert (events[0]["start"], events[0]["end"]) == ("2026-11-25T08:00:00", "2026-11-25T10:00:00")
    assert events[1]["id"] == "a3" and events[1]["editable"] is False
    assert "Formation" in events[1]["title"]


def test_the_grid_has_a_row_per_technician_and_their_days() -> None:
    techs = [TechnicianRow(7, "Tech 7", "A", "Nord", "disponible"),
             TechnicianRow(8, "Tech 8", "A", "Nord", "conge")]  # fmt: skip
    days = grid_days("semaine", WEDNESDAY)
    assert days[0] == date(2026, 11, 23) and len(days) == 7
    slots = [slot(1, 7, at_local(WEDNESDAY, time(8)), 2),
             slot(2, 9, at_local(WEDNESDAY, time(14)), 1, technicien_ids=(9, 7))]  # fmt: skip
    absences = [AbsenceRow(3, 8, "Tech 8", at_local(days[0], time(0)), at_local(days[2], time(0)),
                           "conge", None)]  # fmt: skip
    rows = technician_grid(techs, slots, absences, days)
    assert [r.nom for r in rows] == ["Tech 7", "Tech 8"]
    assert rows[0].cells[2] == "08:00-10:00 n° 101 · 14:00-15:00 n° 102"  # assistant too
    assert rows[0].cells[0] == ""  # free
    assert rows[1].cells[:3] == ("Congé", "Congé", "")  # the end is excluded


def test_a_calendar_click_selects_a_slot_and_a_drag_moves_it() -> None:
    click = {"callback": "eventClick", "eventClick": {"event": {"id": "s12", "title": "x"}}}
    assert calendar_action(click) == CalendarAction("select", 12)
    drag = {
        "callback": "eventChange",
        "eventChange": {
            "event": {"id": "s12", "start": "2026-11-25T09:00:00Z", "end": "2026-11-25T11:30"},
            "oldEvent": {"id": "s12"},
        },
    }
    action = calendar_action(drag)
    assert action is not None and action.kind == "move" and action.planning_id == 12
    # Wall-clock digits, whatever offset the calendar writes: Morocco's time.
    assert action.debut == at_local(WEDNESDAY, time(9))
    assert action.fin == at_local(WEDNESDAY, time(11, 30))
    on_absence = {"callback": "eventClick", "eventClick": {"event": {"id": "a3"}}}
    broken = {"callback": "eventChange", "eventChange": {"event": {"id": "s1", "start": "x"}}}
    for value in ({}, None, "s1", on_absence, broken, {"callback": "dateClick"}):
        assert calendar_action(value) is None
