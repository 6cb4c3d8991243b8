"""The manager's planning: period and filters, the calendar, the unplanned interventions with
the form that plans one, then tabs for a slot's detail, the per-technician grid and absences.

The calendar (``streamlit-calendar``, FullCalendar's free week / month / day views) is a
convenience: clicking a slot selects it below, dragging it moves it; every action is also a
form, so the page works the same where the component is not rendered (tests, no JavaScript).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import streamlit as st

from db.equipment.service import client_choices
from db.planning.service import SlotRow, TechnicianRow, list_technicians, move_slot
from db.session import Actor
from db.validation import BUSINESS_TZ
from ui.format import WIDGET_DATE_BOUNDS, WIDGET_DATE_FORMAT, fmt_date, fmt_datetime, md_escape
from ui.forms import FormFeedback, flash, run_action, run_read, shown
from ui.i18n import t
from ui.planning.absences import render_absences
from ui.planning.actions import (
    TECH_MAX,
    TECH_PAGE,
    PlanningData,
    load_planning,
    plan_intervention,
)
from ui.planning.detail import render_slot_detail
from ui.planning.period import (
    CALENDAR_VIEWS,
    MODES,
    calendar_action,
    calendar_events,
    day_label,
    grid_days,
    priority_label,
    shift,
    technician_grid,
    visible_range,
)

K = "plan."
SLOT_KEY = K + "slot"


def _today() -> date:
    return datetime.now(BUSINESS_TZ).date()


def _shift(step: int) -> None:
    mode = st.session_state.get(K + "mode") or "semaine"
    ref = st.session_state.get(K + "date") or _today()
    st.session_state[K + "date"] = shift(mode, ref, step) if step else _today()


def period_controls() -> tuple[str, date]:
    """Display mode and reference date (kept in the session), with previous / next."""
    st.session_state.setdefault(K + "mode", "semaine")
    st.session_state.setdefault(K + "date", _today())
    c_mode, c_date, c_prev, c_today, c_next = st.columns(
        [3, 2, 1, 1, 1], vertical_alignment="bottom"
    )
    mode = c_mode.segmented_control(
        t("plan.mode"),
        MODES,
        format_func=lambda m: t(f"plan.mode.{m}"),
        key=K + "mode",
        required=True,
    )
    ref = c_date.date_input(
        t("plan.date"), key=K + "date", format=WIDGET_DATE_FORMAT, **WIDGET_DATE_BOUNDS
    )
    c_prev.button(t("plan.prev"), key=K + "prev", on_click=_shift, args=(-1,))
    c_today.button(t("plan.today"), key=K + "today", on_click=_shift, args=(0,))
    c_next.button(t("plan.next"), key=K + "next", on_click=_shift, args=(1,))
    return str(mode or "semaine"), ref if isinstance(ref, date) else _today()


# "Many" technicians: more than a page of them (TECH_PAGE). Their week in one calendar is a
# wall of overlapping slots, so the first visit opens on fewer people (a filter default, the
# user's own choice is kept afterwards, "Toutes" included).
CALENDAR_CROWD = TECH_PAGE
DEFAULT_NOTE = K + "f.default"


def default_filters(actor: Actor, techs: list[TechnicianRow]) -> None:
    """On a manager's first visit with many technicians, narrow the filters once: to the
    first team (by name) when it has at most ``CALENDAR_CROWD`` technicians, else to the first
    technician. Nothing when the filters were already set (or with few technicians)."""
    # Once per session: the note's key (not a widget's) stays when the user goes to another
    # page, where Streamlit forgets the filters' widget state; "Toutes" chosen stays chosen.
    if DEFAULT_NOTE in st.session_state:
        return
    st.session_state[DEFAULT_NOTE] = None  # decided once per session, whatever the outcome
    if K + "f.equipe" in st.session_state or K + "f.tech" in st.session_state:
        return
    if len(techs) <= CALENDAR_CROWD:
        return
    teams = sorted({tr.equipe for tr in techs if tr.equipe})
    if teams:
        members = run_read(
            actor, list_technicians, actor=actor, equipe=teams[0], limit=CALENDAR_CROWD + 1
        )
        if members and len(members) <= CALENDAR_CROWD:
            st.session_state[K + "f.equipe"] = teams[0]
            st.session_state[DEFAULT_NOTE] = ("equipe", teams[0], teams[0])
            return
    st.session_state[K + "f.tech"] = [techs[0].technicien_id]
    st.session_state[DEFAULT_NOTE] = ("tech", techs[0].technicien_id, techs[0].nom)


def default_note(filters: dict[str, Any]) -> str | None:
    """The sentence saying the calendar opened on a team or a technician, while it still
    does (gone once the user changes that filter)."""
    note = st.session_state.get(DEFAULT_NOTE)
    if not note:
        return None
    kind, value, label = note
    if kind == "equipe" and filters["equipe"] == value:
        return t("plan.default.equipe", equipe=md_escape(label))
    if kind == "tech" and filters["technicien_ids"] == [value]:
        return t("plan.default.tech", nom=md_escape(label))
    st.session_state[DEFAULT_NOTE] = None
    return None


def filter_controls(actor: Actor, techs: list[TechnicianRow]) -> dict[str, Any]:
    """Technicians, team, zone and client filters (the pickers offer who exists)."""
    names = {tr.technicien_id: tr.nom for tr in techs}
    with st.expander(t("plan.filters")):
        c1, c2, c3, c4 = st.columns(4)
        chosen = c1.multiselect(
            t("plan.f.tech"),
            list(names),
            format_func=lambda i: names.get(i, str(i)),
            key=K + "f.tech",
            placeholder=t("plan.f.placeholder"),
        )
        equipes = sorted({tr.equipe for tr in techs if tr.equipe})
        equipe = c2.selectbox(
            t("plan.f.equipe"), [None, *equipes], format_func=lambda v: v or t("plan.f.all"),
            key=K + "f.equipe",
        )  # fmt: skip
        zones = sorted({tr.zone for tr in techs if tr.zone})
        zone = c3.selectbox(
            t("plan.f.zone"), [None, *zones], format_func=lambda v: v or t("plan.f.all"),
            key=K + "f.zone",
        )  # fmt: skip
        clients = dict(run_read(actor, client_choices) or [])
        client = c4.selectbox(
            t("plan.f.client"),
            [None, *clients],
            format_func=lambda v: t("plan.f.all_clients") if v is None else clients.get(v, str(v)),
            key=K + "f.client",
        )
    return {
        "technicien_ids": [int(i) for i in chosen if i in names] or None,
        "equipe": equipe,
        "zone": zone,
        "client_id": client,
    }


def _handle_calendar(actor: Actor, value: Any, slots: dict[int, SlotRow]) -> None:
    """A click selects the slot below; a drag or resize moves it (once per gesture)."""
    action = calendar_action(value)
    if action is None:
        return
    signature = json.dumps(value, sort_keys=True, default=str)
    if st.session_state.get(K + "cal.seen") == signature:
        return  # the component repeats its last value on every run
    st.session_state[K + "cal.seen"] = signature
    if action.kind == "select":
        st.session_state[SLOT_KEY] = action.planning_id
        return
    if action.planning_id not in slots:
        return
    result = run_action(
        actor,
        move_slot,
        actor=actor,
        planning_id=action.planning_id,
        date_debut=action.debut,
        date_fin=action.fin,
        expected_modification=slots[action.planning_id].date_modification,
    )
    if result.ok:
        flash(t("plan.drag_done"))
    else:
        flash(shown(result.error.message) if result.error else t("common.error"), "error")
    st.session_state[SLOT_KEY] = action.planning_id
    st.rerun()


def render_calendar(actor: Actor, data: PlanningData, mode: str, ref: date) -> None:
    """The FullCalendar view of the range (free views only), when the component is there."""
    try:
        from streamlit_calendar import calendar
    except ImportError:  # the component is optional: every action is also a form
        return
    options = {
        "initialView": CALENDAR_VIEWS[mode],
        "initialDate": ref.isoformat(),
        "headerToolbar": False,  # the period is chosen above, so the range read matches
        "locale": "fr",
        "timeZone": "UTC",  # events are wall-clock times (period.wall_clock): no conversion
        "firstDay": 1,
        "allDaySlot": False,
        "slotMinTime": "06:00:00",
        "slotMaxTime": "21:00:00",
        "editable": True,
        "eventDurationEditable": True,
        "height": 640,
        "buttonText": {"today": t("plan.today")},
    }
    value = calendar(
        events=calendar_events(data.slots, data.absences, editable=True),
        options=options,
        callbacks=["eventClick", "eventChange"],
        key=f"{K}cal.{mode}.{ref.isoformat()}",
    )
    _handle_calendar(actor, value, {s.planning_id: s for s in data.slots})


def render_unplanned(actor: Actor, data: PlanningData) -> None:
    """Unplanned interventions, most urgent first, and the form that plans one."""
    st.subheader(t("plan.unplanned", n=len(data.unplanned)), anchor=False)
    if not data.unplanned:
        st.caption(t("plan.unplanned.empty"))
    with st.container(height=260 if len(data.unplanned) > 6 else "content"):
        for u in data.unplanned:
            st.markdown(
                "- "
                + t(
                    "plan.unplanned.line",
                    id=u.intervention_id,
                    titre=md_escape(u.titre),
                    machine=md_escape(u.equipement_nom),
                    client=md_escape(u.client_nom),
                    prio=priority_label(u.priorite).lower(),
                    urg=t("plan.unplanned.urgent") if u.urgence else "",
                    lim=t("plan.unplanned.deadline", d=fmt_date(u.date_limite))
                    if u.date_limite
                    else "",
                    tech=md_escape(u.technicien_nom or t("plan.no_tech")),
                )
            )
    render_create_form(actor, data)


def render_create_form(actor: Actor, data: PlanningData) -> None:
    """Plan an intervention: technician (kept or changed), day, start, duration, label, notes;
    refusals beside their field, nothing written."""
    st.subheader(t("plan.new"), anchor=False)
    if not data.unplanned:
        st.caption(t("plan.new.none"))
        return
    unplanned = {u.intervention_id: u for u in data.unplanned}
    techs = {tr.technicien_id: tr.nom for tr in data.choices}
    form = FormFeedback(K + "new")
    with st.form(K + "new.form"):
        iid = st.selectbox(
            t("plan.new.itv"),
            list(unplanned),
            format_func=lambda i: f"n° {i} · {unplanned[i].titre}",
            key=K + "new.itv",
        )
        form.slot("intervention_id")
        tech = st.selectbox(
            t("plan.new.tech"),
            [None, *techs],
            format_func=lambda v: t("plan.new.tech_keep") if v is None else techs.get(v, str(v)),
            key=K + "new.tech",
            help=t("plan.new.tech_help"),
        )
        form.slot("principal_id")
        c_day, c_start, c_dur = st.columns([5, 3, 3])  # the date needs room in the side column
        day = c_day.date_input(
            t("plan.f.day"),
            value=_today() + timedelta(days=1),
            key=K + "new.day",
            format=WIDGET_DATE_FORMAT,
            **WIDGET_DATE_BOUNDS,
        )
        start = c_start.time_input(t("plan.f.start"), value=time(8, 0), key=K + "new.start")
        hours = c_dur.number_input(
            t("plan.f.duration"), min_value=0.0, max_value=400.0, value=2.0, step=0.5,
            key=K + "new.hours",
        )  # fmt: skip
        form.slot("date_debut")
        form.slot("date_fin")
        creneau = st.text_input(t("plan.f.creneau"), key=K + "new.creneau", max_chars=100)
        form.slot("creneau")
        notes = st.text_area(t("plan.f.notes"), key=K + "new.notes", height=68)
        form.slot("notes_planning")
        submitted = st.form_submit_button(t("plan.new.submit"), type="primary")
    form.general()
    if not submitted or iid is None:
        return
    debut = datetime.combine(day, start, tzinfo=BUSINESS_TZ)
    fin = debut + timedelta(hours=float(hours or 0))
    row = unplanned[iid]
    pid = form.run(
        actor,
        plan_intervention,
        actor=actor,
        intervention_id=iid,
        technicien_id=tech,
        current_technicien_id=row.technicien_id,
        date_debut=debut,
        date_fin=fin,
        creneau=creneau,
        notes_planning=notes,
    )
    if pid is not None:
        flash(t("plan.new.done", id=iid, d=fmt_datetime(debut)))
        st.session_state[SLOT_KEY] = pid
        st.rerun()


def render_grid(data: PlanningData, mode: str, ref: date) -> None:
    """One row per technician × the days of the shown week (who is free), absences named."""
    days = grid_days(mode, ref)
    rows = technician_grid(data.technicians, data.slots, data.absences, days)
    if not rows:
        st.caption(t("plan.grid.empty"))
        return
    st.caption(t("plan.grid.caption", d=fmt_date(days[0])))
    table = [
        {
            t("plan.grid.tech"): r.nom,
            t("plan.grid.dispo"): t(f"plan.dispo.{r.disponibilite}"),
            **{day_label(d): cell for d, cell in zip(days, r.cells, strict=True)},
        }
        for r in rows
    ]
    st.dataframe(table, hide_index=True, width="stretch")


def _tech_page(step: int) -> None:
    st.session_state[K + "tpage"] = int(st.session_state.get(K + "tpage", 0)) + step


def render_tech_pages(data: PlanningData) -> None:
    """« Techniciens 21–40 sur 57 » and the buttons to the previous / next page of them."""
    if data.tech_pages <= 1:
        return
    first = data.tech_page * TECH_PAGE + 1
    last = first + len(data.technicians) - 1
    total = str(len(data.choices)) + ("+" if len(data.choices) >= TECH_MAX else "")
    c_text, c_prev, c_next = st.columns([4, 1, 1], vertical_alignment="center")
    c_text.caption(t("plan.tpage", a=first, b=last, n=total))
    c_prev.button(
        t("plan.tpage.prev"), key=K + "tp.prev", on_click=_tech_page, args=(-1,),
        disabled=data.tech_page == 0,
    )  # fmt: skip
    c_next.button(
        t("plan.tpage.next"), key=K + "tp.next", on_click=_tech_page, args=(1,),
        disabled=data.tech_page >= data.tech_pages - 1,
    )  # fmt: skip


def render_manager(actor: Actor) -> None:
    """The whole manager view (admins and maintenance managers)."""
    mode, ref = period_controls()
    start, end = visible_range(mode, ref)
    st.caption(t("plan.range", debut=fmt_date(start), fin=fmt_date(end - timedelta(days=1))))
    techs = run_read(actor, list_technicians, actor=actor, limit=TECH_MAX)
    if techs is None:
        return
    default_filters(actor, techs)
    filters = filter_controls(actor, techs)
    note = default_note(filters)
    if note:
        st.info(note, icon=":material/filter_alt:")
    data = run_read(
        actor,
        load_planning,
        actor=actor,
        start=start,
        end=end,
        tech_page=int(st.session_state.get(K + "tpage", 0)),
        **filters,
    )
    if data is None:
        return
    st.session_state[K + "tpage"] = data.tech_page  # clamped when the filters shrank the list
    render_tech_pages(data)
    st.caption(t("plan.count", n=len(data.slots), a=len(data.absences)))
    if data.truncated:
        st.warning(t("plan.truncated"), icon=":material/warning:")
    c_cal, c_side = st.columns([3, 2])
    with c_cal:
        render_calendar(actor, data, mode, ref)
        st.caption(t("plan.legend"))
    with c_side:
        render_unplanned(actor, data)
    tab_detail, tab_grid, tab_abs = st.tabs(
        [t("plan.tab.detail"), t("plan.tab.grid"), t("plan.tab.absences")]
    )
    with tab_detail:
        render_slot_detail(actor, data.slots)
    with tab_grid:
        render_grid(data, mode, ref)
    with tab_abs:
        render_absences(actor, data)
