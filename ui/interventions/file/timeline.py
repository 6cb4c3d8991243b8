"""The audit trail tab: the intervention's history as a readable French timeline (who,
when, what; each changed field with its old and new value in words), one page at a time."""

from __future__ import annotations

from typing import Any

import streamlit as st

from db.interventions.service.detail import InterventionDetail
from db.interventions.service.timeline import list_timeline
from db.session import Actor
from ui.format import md_escape
from ui.forms import run_action
from ui.i18n import t
from ui.interventions.file.common import key_of

PAGE_SIZE = 20


def render_timeline(actor: Actor, detail: InterventionDetail) -> None:
    """One page of entries, newest first, with previous / next."""
    page_key = key_of(detail, "timeline.page")
    page = int(st.session_state.get(page_key, 1))
    result = run_action(
        actor,
        list_timeline,
        intervention_id=detail.intervention["id"],
        page=page,
        page_size=PAGE_SIZE,
    )
    if not result.ok or result.value is None:
        st.error(result.error.message if result.error else t("common.error"))
        return
    entries: list[dict[str, Any]] = result.value["entries"]
    if not entries:
        st.info(t("ifile.timeline.none"), icon=":material/history:")
    for e in entries:
        with st.container(border=True):
            st.markdown(
                f"**{md_escape(e['action_libelle'])}** · {md_escape(e['qui'])} · "
                f"{md_escape(e['quand_texte'])}"
            )
            if e["description"]:
                st.caption(md_escape(e["description"]))
            changes = [
                f"- {md_escape(c['libelle'])} : {md_escape(c['avant'])} → {md_escape(c['apres'])}"
                for c in e["changements"]
            ]
            if changes:
                st.markdown("\n".join(changes))
    nav = st.container(horizontal=True)
    if page > 1 and nav.button(t("ifile.timeline.newer"), key=key_of(detail, "timeline.prev")):
        st.session_state[page_key] = page - 1
        st.rerun()
    if result.value["has_more"] and nav.button(
        t("ifile.timeline.older"), key=key_of(detail, "timeline.next")
    ):
        st.session_state[page_key] = page + 1
        st.rerun()
