"""The intervention file (``?id=<n>`` of the interventions page): header, transitions and
tabs (fields, dispatch, checklist, parts, documents, thread, audit trail, rating).

``render_file(actor, intervention_id)`` is the entry point. The intervention is read once per
run (``get_intervention``, row-level security scoped): another client's intervention, an
unknown id and a non-numeric id all read "introuvable" and nothing else is shown. Every
button is one transaction through ``ui.forms.run_action``; a write made on a stale copy
(someone changed the intervention meanwhile) is refused with "rechargez".
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from db.interventions.service.detail import get_intervention
from db.session import Actor
from ui.forms import run_action, show_flash
from ui.i18n import t
from ui.interventions.file.checklist import render_checklist
from ui.interventions.file.dispatch import render_dispatch
from ui.interventions.file.documents import render_documents
from ui.interventions.file.header import render_fields, render_header
from ui.interventions.file.parts import render_parts
from ui.interventions.file.rating import render_rating
from ui.interventions.file.thread import render_thread
from ui.interventions.file.timeline import render_timeline
from ui.interventions.file.transitions import render_transitions

__all__ = ["render_file"]


def render_file(actor: Actor, intervention_id: Any) -> None:
    """The whole file of one intervention, or "introuvable" when this user may not see it."""
    show_flash()
    result = run_action(actor, get_intervention, actor=actor, intervention_id=intervention_id)
    if not result.ok:
        st.error(result.error.message if result.error else t("common.error"))
        return
    detail = result.value
    if detail is None:
        st.warning(t("ifile.not_found"), icon=":material/search_off:")
        return
    # Remember the version shown now: a write in the next run is checked against it, so a
    # change made meanwhile by someone else is refused ("rechargez") instead of overwritten.
    seen_key = f"ifile.{detail.intervention['id']}.seen_version"
    detail.seen_updated_at = st.session_state.get(seen_key)
    st.session_state[seen_key] = detail.intervention["updated_at"]
    render_header(detail)
    render_transitions(actor, detail)
    labels = [
        ("fields", t("ifile.tab.fields")),
        ("dispatch", t("ifile.tab.dispatch")) if detail.is_manager else None,
        ("tasks", t("ifile.tab.tasks")),
        ("parts", t("ifile.tab.parts")),
        ("docs", t("ifile.tab.docs")),
        ("thread", t("ifile.tab.thread")),
        ("timeline", t("ifile.tab.timeline")),
        ("rating", t("ifile.tab.rating")),
    ]
    shown = [x for x in labels if x is not None]
    # A key gives the tab bar a stable identity: the notice shown after an action shifts the
    # page, and an unkeyed tab bar would then come back on its first tab, hiding the result.
    tabs = st.tabs([label for _, label in shown], key=f"ifile.{detail.intervention['id']}.tabs")
    views = {
        "fields": render_fields,
        "dispatch": render_dispatch,
        "tasks": render_checklist,
        "parts": render_parts,
        "docs": render_documents,
        "thread": render_thread,
        "timeline": render_timeline,
        "rating": render_rating,
    }
    for tab, (name, _) in zip(tabs, shown, strict=True):
        with tab:
            views[name](actor, detail)
