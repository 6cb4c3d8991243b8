"""Dispatch (managers): the technicians ranked for this intervention with their score and
the French reasons, then the choice of a principal and assistants, assigned in one
transaction. If another manager assigned it meanwhile, this one is told and nothing is
overwritten (``assign`` compares the version loaded with the file)."""

from __future__ import annotations

import streamlit as st

from db.interventions.service.detail import InterventionDetail
from db.interventions.service.dispatch import RankedTechnician, assign, rank_technicians
from db.session import Actor
from ui.format import fmt_number, md_escape
from ui.forms import FormFeedback, run_action
from ui.i18n import t
from ui.interventions.file.common import act, key_of

RANK_LIMIT = 20
ASSIGNABLE = ("ouverte", "affectee", "en_cours", "en_attente")


def _ranking_table(ranked: list[RankedTechnician]) -> None:
    rows = [
        {
            t("ifile.dispatch.rank"): n,
            t("ifile.dispatch.tech"): r.nom,
            t("ifile.dispatch.score"): fmt_number(r.score, 1),
            t("ifile.dispatch.reasons"): " · ".join(r.raisons),
        }
        for n, r in enumerate(ranked, start=1)
    ]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            t("ifile.dispatch.reasons"): st.column_config.TextColumn(width="large"),
        },
    )


def render_dispatch(actor: Actor, detail: InterventionDetail) -> None:
    """The ranking and the assignment form (managers, open interventions only)."""
    i = detail.intervention
    if i["statut"] not in ASSIGNABLE:
        st.info(t("ifile.dispatch.closed"), icon=":material/info:")
        return
    result = run_action(actor, rank_technicians, intervention_id=i["id"], limit=RANK_LIMIT)
    if not result.ok or result.value is None:
        st.error(result.error.message if result.error else t("common.error"))
        return
    ranked = result.value
    if not ranked:
        st.info(t("ifile.dispatch.none"), icon=":material/info:")
        return
    st.caption(t("ifile.dispatch.help"))
    _ranking_table(ranked)
    for n, r in enumerate(ranked[:5], start=1):
        with st.expander(
            t("ifile.dispatch.why", n=n, nom=r.nom, score=fmt_number(r.score, 1)),
        ):
            st.markdown("\n".join(f"- {md_escape(reason)}" for reason in r.raisons))
    names = {r.technicien_id: r.nom for r in ranked}
    for tech in detail.techniciens:  # a current assignee ranked beyond the list stays choosable
        names.setdefault(tech["technicien_id"], tech["nom"] or "")
    options = list(names)
    principal = detail.principal
    default = principal["technicien_id"] if principal else ranked[0].technicien_id
    feedback = FormFeedback(key_of(detail, "dispatch"))
    with st.form(key_of(detail, "dispatch.form")):
        chosen = st.selectbox(
            t("ifile.dispatch.principal"),
            options,
            index=options.index(default),
            format_func=lambda v: names.get(v, str(v)),
            key=key_of(detail, "dispatch.principal"),
        )
        feedback.slot("principal_id")
        helpers = st.multiselect(
            t("ifile.dispatch.assistants"),
            options,
            default=[a["technicien_id"] for a in detail.assistants if a["technicien_id"] in names],
            format_func=lambda v: names.get(v, str(v)),
            placeholder=t("ifile.dispatch.assistants.placeholder"),
            key=key_of(detail, "dispatch.assistants"),
        )
        feedback.slot("assistant_ids")
        submitted = st.form_submit_button(t("ifile.dispatch.assign"), type="primary")
    feedback.general()
    if submitted:
        act(
            actor,
            feedback,
            t("ifile.dispatch.done", nom=names.get(chosen, "")),
            assign,
            intervention_id=i["id"],
            principal_id=chosen,
            assistant_ids=[h for h in helpers if h != chosen],
            expected_updated_at=detail.version,
        )
