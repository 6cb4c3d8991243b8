"""The intervention's thread: the newest messages, and a post box for those who take part
(managers, the assigned technicians, the client)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from db.interventions.service.detail import InterventionDetail
from db.interventions.service.thread import MAX_MESSAGE, list_messages, post_message
from db.session import Actor
from ui.format import enum_label, fmt_datetime, md_escape
from ui.forms import FormFeedback, run_action
from ui.i18n import t
from ui.interventions.file.common import act, key_of

SHOWN = 50


def can_post(actor: Actor, detail: InterventionDetail) -> bool:
    """Managers, the assigned technicians and the client (row-level security decides last)."""
    return detail.is_manager or detail.is_assigned or actor.role == "client"


def render_thread(actor: Actor, detail: InterventionDetail) -> None:
    """Messages oldest first (the newest ``SHOWN``), then the post box."""
    result = run_action(
        actor, list_messages, intervention_id=detail.intervention["id"], limit=SHOWN
    )
    if not result.ok:
        st.error(result.error.message if result.error else t("common.error"))
        return
    messages: list[dict[str, Any]] = result.value or []
    if not messages:
        st.info(t("ifile.thread.none"), icon=":material/forum:")
    elif len(messages) == SHOWN:
        st.caption(t("ifile.thread.newest", n=SHOWN))
    for m in messages:
        mine = m["user_id"] == actor.user_id
        with st.chat_message("user" if mine else "assistant", avatar=":material/person:"):
            role = enum_label("user_role", m["role"]) if m["role"] else ""
            st.caption(f"{md_escape(m['auteur'])} · {role} · {fmt_datetime(m['horodatage'])}")
            st.markdown(md_escape(m["contenu"]))
    if not can_post(actor, detail):
        return
    feedback = FormFeedback(key_of(detail, "thread"))
    with st.form(key_of(detail, "thread.form"), clear_on_submit=True):
        text = st.text_area(
            t("ifile.thread.message"), max_chars=MAX_MESSAGE, key=key_of(detail, "thread.text")
        )
        feedback.slot("contenu")
        submitted = st.form_submit_button(t("ifile.thread.post"), icon=":material/send:")
    feedback.general()
    if submitted:
        act(
            actor,
            feedback,
            t("ifile.thread.posted"),
            post_message,
            intervention_id=detail.intervention["id"],
            contenu=text,
        )
