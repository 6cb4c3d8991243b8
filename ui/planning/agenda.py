"""« Mon planning »: a technician's slots today and this week (and their absences), each one
confirmable, each opening its intervention. A technician moves nothing here: managers do."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import streamlit as st

from db.planning.service import MOTIF_LABELS, Agenda, SlotRow, confirm_slot, technician_agenda
from db.session import Actor
from db.validation import BUSINESS_TZ
from ui.format import fmt_datetime, md_escape
from ui.forms import flash, run_action, run_read, shown
from ui.i18n import t
from ui.planning.detail import open_intervention_button
from ui.planning.period import at_local, monday_of

K = "plan.ag."


def _slot(actor: Actor, s: SlotRow) -> None:
    with st.container(border=True):
        st.markdown(
            t(
                "plan.agenda.line",
                debut=fmt_datetime(s.date_debut),
                fin=fmt_datetime(s.date_fin),
                id=s.intervention_id,
                titre=md_escape(s.titre),
                machine=md_escape(s.equipement_nom),
                client=md_escape(s.client_nom),
                creneau=f" · {md_escape(s.creneau)}" if s.creneau else "",
            )
        )
        if s.notes_planning:
            st.caption(md_escape(s.notes_planning))
        c_conf, c_open = st.columns(2)
        if s.confirme:
            c_conf.caption("✔ " + t("plan.slot.confirmed"))
        elif c_conf.button(t("plan.slot.confirm"), key=f"{K}confirm.{s.planning_id}"):
            result = run_action(actor, confirm_slot, actor=actor, planning_id=s.planning_id)
            if result.ok:
                flash(t("plan.slot.confirmed_done"))
                st.rerun()
            c_conf.error(shown(result.error.message) if result.error else t("common.error"))
        with c_open:
            open_intervention_button(s.intervention_id, key=f"{K}open.{s.planning_id}")


def render_agenda(actor: Actor) -> None:
    """Today's slots, then the rest of this week's (Monday to Sunday), absences first."""
    st.subheader(t("plan.agenda"), anchor=False)
    if actor.technicien_id is None:
        st.info(t("plan.agenda.not_tech"), icon=":material/info:")
        return
    today = datetime.now(BUSINESS_TZ).date()
    start = min(at_local(monday_of(today), time(0, 0)), at_local(today, time(0, 0)))
    end = at_local(monday_of(today) + timedelta(days=7), time(0, 0))
    agenda: Agenda | None = run_read(actor, technician_agenda, actor=actor, start=start, end=end)
    if agenda is None:
        return
    for a in agenda.absences:
        st.info(
            t(
                "plan.agenda.absent",
                motif=MOTIF_LABELS.get(a.motif, a.motif),
                debut=fmt_datetime(a.date_debut),
                fin=fmt_datetime(a.date_fin),
            ),
            icon=":material/event_busy:",
        )
    day_start = at_local(today, time(0, 0))
    day_end = day_start + timedelta(days=1)
    todays = [s for s in agenda.slots if s.date_debut < day_end and s.date_fin > day_start]
    others = [s for s in agenda.slots if s not in todays]
    for label, rows in (("plan.agenda.today", todays), ("plan.agenda.week", others)):
        st.markdown(f"**{t(label, n=len(rows))}**")
        if not rows:
            st.caption(t("plan.agenda.empty"))
        for s in rows:
            _slot(actor, s)
