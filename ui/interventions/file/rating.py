"""The client's rating: on a closed intervention, 1 to 5 with an optional comment, once;
everyone who may see the intervention reads it afterwards (managers above all)."""

from __future__ import annotations

import streamlit as st

from db.interventions.service.detail import InterventionDetail
from db.interventions.service.rating import MAX_COMMENT, get_rating, rate_intervention
from db.session import Actor
from ui.format import fmt_datetime, md_escape
from ui.forms import FormFeedback, run_action
from ui.i18n import t
from ui.interventions.file.common import act, key_of

NOTES = (1, 2, 3, 4, 5)


def render_rating(actor: Actor, detail: InterventionDetail) -> None:
    """The rating if given; else, for the client of a closed intervention, the form."""
    i = detail.intervention
    result = run_action(actor, get_rating, intervention_id=i["id"])
    if not result.ok:
        st.error(result.error.message if result.error else t("common.error"))
        return
    rating = result.value
    if rating is not None:
        note = int(rating["note"])
        st.markdown(f"### {'★' * note}{'☆' * (5 - note)}  {note}/5")
        if rating.get("date"):
            st.caption(t("ifile.rating.when", date=fmt_datetime(rating["date"])))
        if rating.get("commentaire"):
            st.markdown(f"> {md_escape(rating['commentaire'])}")
        return
    if actor.role != "client":
        st.info(t("ifile.rating.none"), icon=":material/star_rate:")
        return
    if i["statut"] != "cloturee":
        st.info(t("ifile.rating.after_close"), icon=":material/star_rate:")
        return
    feedback = FormFeedback(key_of(detail, "rating"))
    with st.form(key_of(detail, "rating.form")):
        note_choice = st.radio(
            t("ifile.rating.note"),
            NOTES,
            index=None,
            horizontal=True,
            format_func=lambda n: "★" * n,
            key=key_of(detail, "rating.note"),
        )
        feedback.slot("note")
        comment = st.text_area(
            t("ifile.rating.comment"), max_chars=MAX_COMMENT, key=key_of(detail, "rating.comment")
        )
        feedback.slot("commentaire")
        submitted = st.form_submit_button(t("ifile.rating.send"), type="primary")
    feedback.general()
    if submitted:
        act(
            actor,
            feedback,
            t("ifile.rating.thanks"),
            rate_intervention,
            intervention_id=i["id"],
            note=note_choice,
            commentaire=comment or None,
        )
