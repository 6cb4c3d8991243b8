"""Status buttons of the intervention file: only the transitions ``allowed_transitions``
gives this user; a pause asks for its reason, a close for the solution, cancelling and
archiving for a confirmation."""

from __future__ import annotations

import streamlit as st

from db.interventions.service.detail import InterventionDetail
from db.interventions.service.write import MAX_MOTIF, MAX_TEXT, change_statut
from db.session import Actor
from ui.format import enum_label, md_escape
from ui.forms import FormFeedback
from ui.i18n import t
from ui.interventions.file.common import act, key_of

# The action's name on its button (the target status alone reads badly: "→ En cours" is a
# start from "affectée" but a resume from "en attente").
CONFIRM = ("annulee", "archivee")  # destructive: asked twice
ASKS = ("en_attente", "cloturee", *CONFIRM)  # a form first (reason, solution, confirmation)
ICONS = {
    "affectee": ":material/person_add:",
    "en_cours": ":material/play_arrow:",
    "en_attente": ":material/pause:",
    "cloturee": ":material/task_alt:",
    "annulee": ":material/cancel:",
    "archivee": ":material/inventory_2:",
    "ouverte": ":material/undo:",
}


def button_label(current: str, target: str) -> str:
    """French verb of the move from ``current`` to ``target``."""
    if current in ("cloturee", "annulee") and target != "archivee":
        return t("ifile.tr.reopen", label=enum_label("statut_intervention", target))
    if target == "en_cours":
        return t("ifile.tr.resume") if current == "en_attente" else t("ifile.tr.start")
    key = f"ifile.tr.{target}"
    label = t(key)
    return (
        label if label != key else t("ifile.tr.to", label=enum_label("statut_intervention", target))
    )


def render_transitions(actor: Actor, detail: InterventionDetail) -> None:
    """The allowed status buttons, and the form a chosen one needs (reason, solution,
    confirmation) before it is applied in one transaction."""
    i = detail.intervention
    current = i["statut"]
    targets = list(detail.transitions)
    if not targets:
        return
    pending_key = key_of(detail, "tr.pending")
    feedback = FormFeedback(key_of(detail, "tr"))
    row = st.container(horizontal=True, vertical_alignment="center")
    direct: str | None = None
    for target in targets:
        if row.button(
            button_label(current, target),
            key=key_of(detail, f"tr.{target}"),
            icon=ICONS.get(target),
            type="primary" if target in ("en_cours", "cloturee") else "secondary",
        ):
            if target in ASKS:
                st.session_state[pending_key] = target
            else:
                direct = target
    if direct is not None:  # start, resume, re-open...: nothing to ask, one click
        st.session_state.pop(pending_key, None)
        feedback.general()
        act(
            actor,
            feedback,
            t("ifile.tr.done", label=enum_label("statut_intervention", direct)),
            change_statut,
            intervention_id=i["id"],
            statut=direct,
            expected_updated_at=detail.version,
        )
        return
    chosen = st.session_state.get(pending_key)
    if chosen not in targets:
        return
    target = str(chosen)
    with st.form(key_of(detail, f"tr.form.{target}")):
        st.markdown(f"**{md_escape(button_label(current, target))}**")
        motif = solution = None
        if target == "en_attente":
            motif = st.text_area(
                t("ifile.tr.motif"), max_chars=MAX_MOTIF, key=key_of(detail, "tr.motif")
            )
            feedback.slot("motif")
        if target == "cloturee":
            solution = st.text_area(
                t("ifile.tr.solution"),
                value=i.get("solution") or "",
                max_chars=MAX_TEXT,
                key=key_of(detail, "tr.solution"),
            )
            feedback.slot("solution")
        if target in CONFIRM:
            st.warning(t(f"ifile.tr.confirm.{target}"), icon=":material/warning:")
        feedback.slot("statut")
        c1, c2 = st.columns(2)
        confirmed = c1.form_submit_button(t("ifile.tr.confirm"), type="primary")
        dropped = c2.form_submit_button(t("common.cancel"))
    feedback.general()
    if dropped:
        st.session_state.pop(pending_key, None)
        st.rerun()
    if confirmed:
        st.session_state.pop(pending_key, None)  # act() reruns on success
        if not act(
            actor,
            feedback,
            t("ifile.tr.done", label=enum_label("statut_intervention", target)),
            change_statut,
            intervention_id=i["id"],
            statut=target,
            motif=motif,
            solution=solution,
            expected_updated_at=detail.version,
        ):
            st.session_state[pending_key] = target  # refused: keep the form and its message
