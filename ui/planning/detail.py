"""A slot's detail for a manager: pick it (or click it in the calendar), then move or resize
it (checked against the version shown), confirm, annotate, delete (confirmation), open its
intervention."""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from db.interventions.service import STATUT_LABELS
from db.planning.service import (
    SlotRow,
    annotate_slot,
    confirm_slot,
    delete_slot,
    move_slot,
)
from db.session import Actor
from db.validation import BUSINESS_TZ
from ui.format import WIDGET_DATE_BOUNDS, WIDGET_DATE_FORMAT, fmt_datetime, md_escape
from ui.forms import FormFeedback, flash, run_action, shown
from ui.i18n import t

K = "plan.d."
SLOT_KEY = "plan.slot"


def open_intervention_button(intervention_id: int, *, key: str) -> None:
    """« Ouvrir l'intervention »: its file on the interventions page."""
    if st.button(t("plan.open"), key=key, icon=":material/open_in_new:"):
        st.switch_page("pages/interventions.py", query_params={"id": str(intervention_id)})


def slot_line(s: SlotRow) -> str:
    """A slot as the picker lists it."""
    return t(
        "plan.slot.line",
        debut=fmt_datetime(s.date_debut),
        fin=fmt_datetime(s.date_fin),
        id=s.intervention_id,
        titre=s.titre,
        tech=s.technicien_nom or t("plan.no_tech"),
    )


def _hours(s: SlotRow) -> float:
    return round((s.date_fin - s.date_debut).total_seconds() / 3600, 2)


def render_slot_detail(actor: Actor, slots: list[SlotRow]) -> None:
    """The chosen slot's facts and its forms; the picker lists the visible range's slots."""
    if not slots:
        st.caption(t("plan.slot.none"))
        return
    by_id = {s.planning_id: s for s in slots}
    if st.session_state.get(SLOT_KEY) not in by_id:
        st.session_state.pop(SLOT_KEY, None)
    pid = st.selectbox(
        t("plan.slot.pick"),
        list(by_id),
        format_func=lambda p: slot_line(by_id[p]),
        index=None,
        placeholder=t("plan.slot.choose"),
        key=SLOT_KEY,
    )
    if pid is None:
        return
    s = by_id[pid]
    st.markdown(
        t(
            "plan.slot.head",
            id=s.intervention_id,
            titre=md_escape(s.titre),
            machine=md_escape(s.equipement_nom),
            client=md_escape(s.client_nom),
        )
    )
    st.caption(
        t(
            "plan.slot.when",
            debut=fmt_datetime(s.date_debut),
            fin=fmt_datetime(s.date_fin),
            tech=s.technicien_nom or t("plan.no_tech"),
            statut=STATUT_LABELS.get(s.statut, s.statut),
            conf=t("plan.slot.confirmed" if s.confirme else "plan.slot.unconfirmed"),
        )
    )
    c_conf, c_open = st.columns(2)
    confirm_label = "plan.slot.unconfirm" if s.confirme else "plan.slot.confirm"
    if c_conf.button(t(confirm_label), key=f"{K}confirm.{pid}"):
        result = run_action(
            actor, confirm_slot, actor=actor, planning_id=pid, confirme=not s.confirme
        )
        if result.ok:
            flash(t("plan.slot.unconfirmed_done" if s.confirme else "plan.slot.confirmed_done"))
            st.rerun()
        st.error(shown(result.error.message) if result.error else t("common.error"))
    with c_open:
        open_intervention_button(s.intervention_id, key=f"{K}open.{pid}")
    render_move_form(actor, s)
    render_annotate_form(actor, s)
    render_delete(actor, s)


def render_move_form(actor: Actor, s: SlotRow) -> None:
    """Move or resize: new day, start time and duration."""
    local = s.date_debut.astimezone(BUSINESS_TZ)
    form = FormFeedback(f"{K}move")
    st.markdown(f"**{t('plan.slot.move')}**")
    with st.form(f"{K}move.form.{s.planning_id}"):
        c_day, c_start, c_dur = st.columns(3)
        day = c_day.date_input(
            t("plan.f.day"), value=local.date(), key=f"{K}move.day.{s.planning_id}",
            format=WIDGET_DATE_FORMAT, **WIDGET_DATE_BOUNDS,
        )  # fmt: skip
        start = c_start.time_input(
            t("plan.f.start"), value=local.time(), key=f"{K}move.start.{s.planning_id}"
        )
        hours = c_dur.number_input(
            t("plan.f.duration"), min_value=0.0, max_value=400.0, value=_hours(s), step=0.5,
            key=f"{K}move.hours.{s.planning_id}",
        )  # fmt: skip
        form.slot("date_debut")
        form.slot("date_fin")
        submitted = st.form_submit_button(t("plan.slot.move.submit"))
    form.general()
    if not submitted:
        return
    debut = datetime.combine(day, start, tzinfo=BUSINESS_TZ)
    fin = debut + timedelta(hours=float(hours or 0))
    done = form.run(
        actor,
        move_slot,
        actor=actor,
        planning_id=s.planning_id,
        date_debut=debut,
        date_fin=fin,
        expected_modification=s.date_modification,
    )
    if done is not None:
        flash(t("plan.slot.moved", d=fmt_datetime(debut)))
        st.rerun()


def render_annotate_form(actor: Actor, s: SlotRow) -> None:
    """The slot's label (``creneau``) and planning notes."""
    form = FormFeedback(f"{K}note")
    st.markdown(f"**{t('plan.slot.annotate')}**")
    with st.form(f"{K}note.form.{s.planning_id}"):
        creneau = st.text_input(
            t("plan.f.creneau"), value=s.creneau or "", key=f"{K}note.creneau.{s.planning_id}"
        )
        form.slot("creneau")
        notes = st.text_area(
            t("plan.f.notes"), value=s.notes_planning or "", height=68,
            key=f"{K}note.notes.{s.planning_id}",
        )  # fmt: skip
        form.slot("notes_planning")
        submitted = st.form_submit_button(t("plan.slot.annotate.submit"))
    form.general()
    if submitted:
        done = form.run(
            actor,
            annotate_slot,
            actor=actor,
            planning_id=s.planning_id,
            creneau=creneau,
            notes_planning=notes,
            expected_modification=s.date_modification,
        )
        if done is not None:
            flash(t("plan.slot.annotated"))
            st.rerun()


def render_delete(actor: Actor, s: SlotRow) -> None:
    """Delete the slot once the box is ticked."""
    sure = st.checkbox(t("plan.slot.delete_sure"), key=f"{K}del.sure.{s.planning_id}")
    if st.button(t("plan.slot.delete"), key=f"{K}del.{s.planning_id}", icon=":material/delete:"):
        if not sure:
            st.warning(t("plan.slot.delete_need"), icon=":material/warning:")
            return
        result = run_action(actor, delete_slot, actor=actor, planning_id=s.planning_id)
        if result.ok:
            st.session_state.pop(SLOT_KEY, None)
            flash(t("plan.slot.deleted"))
            st.rerun()
        st.error(shown(result.error.message) if result.error else t("common.error"))
