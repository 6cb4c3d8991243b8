"""The planning page's pure pieces: visible range of a display mode, calendar events, the
per-technician grid. No Streamlit, no database: unit-tested directly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from db.interventions.service import PRIORITE_LABELS
from db.planning.service import MOTIF_LABELS, AbsenceRow, SlotRow, TechnicianRow
from db.validation import BUSINESS_TZ

MODES: tuple[str, ...] = ("semaine", "mois", "jour")
# FullCalendar's free (MIT) views only: the resource and timeline views are premium.
CALENDAR_VIEWS: dict[str, str] = {
    "semaine": "timeGridWeek",
    "mois": "dayGridMonth",
    "jour": "timeGridDay",
}
PRIORITY_COLOURS: dict[str, str] = {
    "urgente": "#c62828",
    "haute": "#ef6c00",
    "normale": "#1565c0",
    "basse": "#2e7d32",
    "programmee": "#6a1b9a",
}
ABSENCE_COLOUR = "#9e9e9e"
DAY_NAMES = ("Lun", "Mar", "Mer", "Jeu", "Ven", "Sam", "Dim")


def at_local(day: date, hour: time) -> datetime:
    """``day`` at ``hour`` in Morocco's time zone (what the user typed)."""
    return datetime.combine(day, hour, tzinfo=BUSINESS_TZ)


def monday_of(day: date) -> date:
    """The Monday of ``day``'s week (weeks start on Monday in Morocco's offices)."""
    return day - timedelta(days=day.weekday())


def visible_range(mode: str, ref: date) -> tuple[datetime, datetime]:
    """``[start, end)`` the calendar shows for ``mode`` around ``ref``: the week (Monday to
    Monday), the day, or the six weeks a month grid shows (42 days ≤ the services' 62)."""
    if mode == "jour":
        start = ref
        days = 1
    elif mode == "mois":
        start = monday_of(ref.replace(day=1))
        days = 42
    else:
        start = monday_of(ref)
        days = 7
    begin = at_local(start, time(0, 0))
    return begin, at_local(start + timedelta(days=days), time(0, 0))


def shift(mode: str, ref: date, step: int) -> date:
    """The reference date one period before (``step`` = -1) or after (+1)."""
    if mode == "jour":
        return ref + timedelta(days=step)
    if mode == "mois":
        month = ref.month - 1 + step
        return date(ref.year + month // 12, month % 12 + 1, 1)
    return ref + timedelta(days=7 * step)


def grid_days(mode: str, ref: date) -> list[date]:
    """The columns of the per-technician grid: the shown day, else the week of ``ref``."""
    if mode == "jour":
        return [ref]
    first = monday_of(ref)
    return [first + timedelta(days=i) for i in range(7)]


def _local(value: datetime) -> datetime:
    return value.astimezone(BUSINESS_TZ)


def wall_clock(value: datetime) -> str:
    """``2026-11-25T08:00:00``: Morocco's wall-clock time without an offset. The calendar runs
    in its "UTC" zone, so it shows these times as they are whatever the browser's zone (or its
    time-zone data, which may disagree with the server's about Morocco's offset)."""
    return _local(value).replace(tzinfo=None).isoformat()


def _hm(value: datetime) -> str:
    return _local(value).strftime("%H:%M")


def slot_title(slot: SlotRow) -> str:
    """A slot's text in the calendar: intervention, machine, technician, ✔ once confirmed."""
    tech = slot.technicien_nom or "—"
    mark = " ✔" if slot.confirme else ""
    return f"n° {slot.intervention_id} {slot.titre} · {slot.equipement_nom} · {tech}{mark}"


def calendar_events(
    slots: Sequence[SlotRow], absences: Sequence[AbsenceRow], *, editable: bool
) -> list[dict[str, Any]]:
    """FullCalendar event objects: slots coloured by priority (draggable for a manager) and
    absences in grey (never draggable); ids ``s<planning id>`` / ``a<absence id>``."""
    events: list[dict[str, Any]] = []
    for s in slots:
        colour = PRIORITY_COLOURS.get(s.priorite, PRIORITY_COLOURS["normale"])
        events.append(
            {
                "id": f"s{s.planning_id}",
                "title": slot_title(s),
                "start": wall_clock(s.date_debut),
                "end": wall_clock(s.date_fin),
                "backgroundColor": colour,
                "borderColor": colour,
                "editable": editable,
            }
        )
    for a in absences:
        motif = MOTIF_LABELS.get(a.motif, a.motif)
        events.append(
            {
                "id": f"a{a.absence_id}",
                "title": f"Absence · {a.technicien_nom} ({motif})",
                "start": wall_clock(a.date_debut),
                "end": wall_clock(a.date_fin),
                "backgroundColor": ABSENCE_COLOUR,
                "borderColor": ABSENCE_COLOUR,
                "editable": False,
            }
        )
    return events


def _overlaps_day(debut: datetime, fin: datetime, day: date) -> bool:
    start = at_local(day, time(0, 0))
    return debut < start + timedelta(days=1) and fin > start


def day_label(day: date) -> str:
    """``Lun 23/11``: a grid column's title."""
    return f"{DAY_NAMES[day.weekday()]} {day.strftime('%d/%m')}"


@dataclass(frozen=True)
class GridRow:
    """One technician's line of the grid: name, today's availability, one text per day."""

    technicien_id: int
    nom: str
    disponibilite: str
    cells: tuple[str, ...]


def technician_grid(
    technicians: Sequence[TechnicianRow],
    slots: Sequence[SlotRow],
    absences: Sequence[AbsenceRow],
    days: Sequence[date],
) -> list[GridRow]:
    """One row per technician, one cell per day: their slots (principal or assistant) as
    ``08:00-10:00 n° 12``, their absences by reason; an empty cell is a free day."""
    rows: list[GridRow] = []
    for tech in technicians:
        cells: list[str] = []
        for day in days:
            parts: list[str] = []
            for a in absences:
                if a.technicien_id == tech.technicien_id and _overlaps_day(
                    a.date_debut, a.date_fin, day
                ):
                    parts.append(MOTIF_LABELS.get(a.motif, a.motif))
            for s in slots:
                on = tech.technicien_id in s.technicien_ids or s.technicien_id == tech.technicien_id
                if on and _overlaps_day(s.date_debut, s.date_fin, day):
                    parts.append(f"{_hm(s.date_debut)}-{_hm(s.date_fin)} n° {s.intervention_id}")
            cells.append(" · ".join(parts))
        rows.append(
            GridRow(
                technicien_id=tech.technicien_id,
                nom=tech.nom,
                disponibilite=tech.disponibilite,
                cells=tuple(cells),
            )
        )
    return rows


@dataclass(frozen=True)
class CalendarAction:
    """What a calendar gesture asks: ``select`` a slot, or ``move`` it to ``[debut, fin)``."""

    kind: str
    planning_id: int
    debut: datetime | None = None
    fin: datetime | None = None


def calendar_action(value: Any) -> CalendarAction | None:
    """The component's value (``{"callback": "eventClick" | "eventChange", ...}``) as an
    action on a slot; None for anything else (a click on an absence, an empty value, a
    malformed date)."""
    if not isinstance(value, dict):
        return None
    kind = value.get("callback")
    payload = value.get(kind) if isinstance(kind, str) else None
    event = payload.get("event") if isinstance(payload, dict) else None
    if not isinstance(event, dict):
        return None
    raw_id = str(event.get("id") or "")
    if not raw_id.startswith("s") or not raw_id[1:].isdigit():
        return None
    pid = int(raw_id[1:])
    if kind == "eventClick":
        return CalendarAction("select", pid)
    if kind != "eventChange":
        return None
    try:
        debut = datetime.fromisoformat(str(event["start"]))
        fin = datetime.fromisoformat(str(event.get("end") or event["start"]))
    except (KeyError, ValueError):
        return None
    # The calendar works in wall-clock times (its "UTC" zone): whatever offset it writes,
    # the digits are Morocco's time.
    debut = debut.replace(tzinfo=None).replace(tzinfo=BUSINESS_TZ)
    fin = fin.replace(tzinfo=None).replace(tzinfo=BUSINESS_TZ)
    return CalendarAction("move", pid, debut, fin)


def priority_label(value: str) -> str:
    """French label of a priority."""
    return PRIORITE_LABELS.get(value, value)
