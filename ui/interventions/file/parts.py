"""Parts used on the intervention: the lines (with a return), and for the assigned
technician and managers a search by reference or name with the stock shown, then a
quantity logged with its stock movement in one transaction."""

from __future__ import annotations

from typing import Any

import streamlit as st

from db.interventions.service.detail import InterventionDetail
from db.interventions.service.parts import list_parts_used, return_part, search_parts, use_part
from db.session import Actor
from ui.format import fmt_datetime, fmt_money, fmt_number
from ui.forms import FormFeedback, run_action
from ui.i18n import t
from ui.interventions.file.common import act, key_of

FROZEN = ("annulee", "archivee")


def can_change_parts(detail: InterventionDetail) -> bool:
    """Managers and the assigned technician, while not cancelled or archived."""
    writer = detail.is_manager or detail.is_assigned
    return writer and detail.intervention["statut"] not in FROZEN


def render_parts(actor: Actor, detail: InterventionDetail) -> None:
    """Lines used, then (writers) the picker and the return form."""
    iid = detail.intervention["id"]
    result = run_action(actor, list_parts_used, intervention_id=iid)
    if not result.ok:
        st.error(result.error.message if result.error else t("common.error"))
        return
    lines: list[dict[str, Any]] = result.value or []
    if lines:
        st.dataframe(
            [
                {
                    t("ifile.parts.ref"): ln["reference"],
                    t("ifile.parts.nom"): ln["nom"],
                    t("ifile.parts.qty"): f"{fmt_number(ln['quantite'])} {ln['unite'] or ''}",
                    t("ifile.parts.price"): fmt_money(ln["prix_unitaire"]),
                    t("ifile.parts.total"): fmt_money(ln["total"]),
                    t("ifile.parts.date"): fmt_datetime(ln["date_utilisation"]),
                }
                for ln in lines
            ],
            hide_index=True,
            width="stretch",
        )
    else:
        st.info(t("ifile.parts.none"), icon=":material/info:")
    if not can_change_parts(detail):
        return
    _render_picker(actor, detail)
    if lines:
        _render_return(actor, detail, lines)


def _render_picker(actor: Actor, detail: InterventionDetail) -> None:
    iid = detail.intervention["id"]
    st.subheader(t("ifile.parts.add"), divider="gray", anchor=False)
    term = st.text_input(
        t("ifile.parts.search"),
        placeholder=t("ifile.parts.search.placeholder"),
        key=key_of(detail, "parts.q"),
    )
    search_feedback = FormFeedback(key_of(detail, "parts.search"))
    search_feedback.slot("term")
    found = run_action(actor, search_parts, actor=actor, term=term)
    if not found.ok:
        search_feedback.show(found)
        return
    parts: list[dict[str, Any]] = found.value or []
    if not parts:
        st.info(t("ifile.parts.no_match"), icon=":material/search_off:")
        return
    by_id = {p["id"]: p for p in parts}
    feedback = FormFeedback(key_of(detail, "parts.use"))
    with st.form(key_of(detail, "parts.form")):
        piece_id = st.selectbox(
            t("ifile.parts.piece"),
            list(by_id),
            format_func=lambda v: t(
                "ifile.parts.option",
                ref=by_id[v]["reference"],
                nom=by_id[v]["nom"],
                stock=fmt_number(by_id[v]["stock_actuel"]),
                unite=by_id[v]["unite"] or "",
            ),
            key=key_of(detail, "parts.piece"),
        )
        feedback.slot("piece_id")
        # No lower bound on the widget: 0 or a negative number gets the service's French
        # refusal beside the field, like any other bad value.
        quantite = st.number_input(
            t("ifile.parts.qty"), value=1, step=1, key=key_of(detail, "parts.qty")
        )
        feedback.slot("quantite")
        submitted = st.form_submit_button(t("ifile.parts.use"), type="primary")
    feedback.general()
    if submitted:
        act(
            actor,
            feedback,
            t("ifile.parts.used", ref=by_id[piece_id]["reference"]),
            use_part,
            intervention_id=iid,
            piece_id=piece_id,
            quantite=quantite,
        )


def _render_return(actor: Actor, detail: InterventionDetail, lines: list[dict[str, Any]]) -> None:
    iid = detail.intervention["id"]
    by_id = {ln["piece_id"]: ln for ln in lines}
    feedback = FormFeedback(key_of(detail, "parts.return"))
    with st.expander(t("ifile.parts.return"), icon=":material/undo:"):
        with st.form(key_of(detail, "parts.return.form")):
            piece_id = st.selectbox(
                t("ifile.parts.line"),
                list(by_id),
                format_func=lambda v: (
                    f"{by_id[v]['reference']} — {by_id[v]['nom']} "
                    f"({fmt_number(by_id[v]['quantite'])})"
                ),
                key=key_of(detail, "parts.return.piece"),
            )
            feedback.slot("piece_id")
            quantite = st.number_input(
                t("ifile.parts.qty_back"), value=1, step=1, key=key_of(detail, "parts.return.qty")
            )
            feedback.slot("quantite")
            submitted = st.form_submit_button(t("ifile.parts.give_back"))
        feedback.general()
    if submitted:
        act(
            actor,
            feedback,
            t("ifile.parts.returned", ref=by_id[piece_id]["reference"]),
            return_part,
            intervention_id=iid,
            piece_id=piece_id,
            quantite=quantite,
        )
