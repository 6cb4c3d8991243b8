"""Absences of the visible range, for managers: the list, a new absence (planned work it falls
on is listed and must be confirmed: those slots are then removed), deletion (confirmation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

import streamlit as st

from db.planning.service import (
    MOTIF_LABELS,
    AbsenceResult,
    create_absence,
    delete_absence,
)
from db.session import Actor
from db.validation import BUSINESS_TZ
from ui.format import WIDGET_DATE_BOUNDS, WIDGET_DATE_FORMAT, fmt_datetime, md_escape
from ui.forms import FormFeedback, flash, run_action, shown
from ui.i18n import t

if TYPE_CHECKING:
    from ui.planning.actions import PlanningData

K = "plan.abs."
PENDING = K + "pending"  # conflicts of the last refused try, with what was asked


@dataclass(frozen=True)
class Pending:
    """An absence refused for planned work: what was asked and the slots it falls on."""

    asked: tuple[int, str, str]
    lines: tuple[str, ...]


def _today() -> datetime:
    return datetime.now(BUSINESS_TZ)


def render_absences(actor: Actor, data: PlanningData) -> None:
    """List, creation form and deletion of absences."""
    st.subheader(t("plan.abs.list", n=len(data.absences)), anchor=False)
    if not data.absences:
        st.caption(t("plan.abs.empty"))
    for a in data.absences:
        st.markdown(
            "- "
            + t(
                "plan.abs.line",
                nom=md_escape(a.technicien_nom),
                motif=MOTIF_LABELS.get(a.motif, a.motif),
                debut=fmt_datetime(a.date_debut),
                fin=fmt_datetime(a.date_fin),
                notes=f" · {md_escape(a.notes)}" if a.notes else "",
            )
        )
    render_new_absence(actor, data)
    render_delete_absence(actor, data)


def render_new_absence(actor: Actor, data: PlanningData) -> None:
    """Technician, first day and hour, last day and hour, reason, notes. When planned work
    falls in it, nothing is written: the slots are listed and a box must be ticked."""
    st.subheader(t("plan.abs.new"), anchor=False)
    techs = {tr.technicien_id: tr.nom for tr in data.choices}
    if not techs:
        st.caption(t("plan.grid.empty"))
        return
    form = FormFeedback(K + "new")
    pending: Pending | None = st.session_state.get(PENDING)
    tomorrow = _today().date() + timedelta(days=1)
    with st.form(K + "form"):
        tech = st.selectbox(
            t("plan.abs.tech"), list(techs), format_func=lambda i: techs.get(i, str(i)),
            key=K + "tech",
        )  # fmt: skip
        form.slot("technicien_id")
        c1, c2, c3, c4 = st.columns(4)
        d1 = c1.date_input(
            t("plan.abs.start_day"), value=tomorrow, key=K + "d1", format=WIDGET_DATE_FORMAT,
            **WIDGET_DATE_BOUNDS,
        )  # fmt: skip
        h1 = c2.time_input(t("plan.abs.start_time"), value=time(0, 0), key=K + "h1")
        d2 = c3.date_input(
            t("plan.abs.end_day"), value=tomorrow, key=K + "d2", format=WIDGET_DATE_FORMAT,
            **WIDGET_DATE_BOUNDS,
        )  # fmt: skip
        h2 = c4.time_input(t("plan.abs.end_time"), value=time(23, 59), key=K + "h2")
        form.slot("date_debut")
        form.slot("date_fin")
        motif = st.selectbox(
            t("plan.abs.motif"), list(MOTIF_LABELS), format_func=lambda m: MOTIF_LABELS[m],
            key=K + "motif",
        )  # fmt: skip
        form.slot("motif")
        notes = st.text_input(t("plan.abs.notes"), key=K + "notes")
        form.slot("notes")
        confirm = False
        if pending:
            n = len(pending.lines)
            st.warning(t("plan.abs.conflicts", n=n), icon=":material/warning:")
            for line in pending.lines:
                st.markdown(f"- {line}")
            confirm = st.checkbox(t("plan.abs.confirm", n=n), key=K + "confirm")
        submitted = st.form_submit_button(t("plan.abs.submit"), type="primary")
    form.general()
    if not submitted:
        return
    debut = datetime.combine(d1, h1, tzinfo=BUSINESS_TZ)
    fin = datetime.combine(d2, h2, tzinfo=BUSINESS_TZ)
    asked = (int(tech), debut.isoformat(), fin.isoformat())
    # The confirmation holds only for the very absence whose conflicts were shown.
    confirmed = bool(pending and confirm and pending.asked == asked)
    result: AbsenceResult | None = form.run(
        actor,
        create_absence,
        actor=actor,
        technicien_id=tech,
        date_debut=debut,
        date_fin=fin,
        motif=motif,
        notes=notes,
        confirm=confirmed,
    )
    if result is None:
        return
    if result.needs_confirmation:
        n = len(result.conflicts)
        lines = tuple(
            t(
                "plan.abs.conflict_line",
                id=c.intervention_id,
                titre=md_escape(c.titre),
                debut=fmt_datetime(c.date_debut),
                fin=fmt_datetime(c.date_fin),
            )
            for c in result.conflicts
        )
        if pending and pending.asked == asked and not confirm:
            flash(t("plan.abs.confirm_need", n=n), "warning")
        st.session_state[PENDING] = Pending(asked=asked, lines=lines)
        st.rerun()
    st.session_state.pop(PENDING, None)
    flash(t("plan.abs.done"))
    st.rerun()


def render_delete_absence(actor: Actor, data: PlanningData) -> None:
    """Pick an absence of the range, tick, delete."""
    if not data.absences:
        return
    by_id = {a.absence_id: a for a in data.absences}
    c_pick, c_sure = st.columns([3, 2], vertical_alignment="bottom")
    aid = c_pick.selectbox(
        t("plan.abs.delete_pick"),
        list(by_id),
        format_func=lambda i: f"{by_id[i].technicien_nom} · {fmt_datetime(by_id[i].date_debut)}"
        f" → {fmt_datetime(by_id[i].date_fin)}",
        key=K + "del.pick",
    )
    sure = c_sure.checkbox(t("plan.abs.delete_sure"), key=K + "del.sure")
    if st.button(t("plan.abs.delete"), key=K + "del", icon=":material/delete:"):
        if not sure:
            st.warning(t("plan.abs.delete_need"), icon=":material/warning:")
            return
        result = run_action(actor, delete_absence, actor=actor, absence_id=aid)
        if result.ok:
            flash(t("plan.abs.deleted"))
            st.rerun()
        st.error(shown(result.error.message) if result.error else t("common.error"))
