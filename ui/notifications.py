"""The unread notifications count shown in the sidebar (the inbox page comes later)."""

from __future__ import annotations

import streamlit as st

from db.messaging.service import unread_count
from ui.context import current_actor
from ui.forms import run_action
from ui.i18n import t


def render_unread_count() -> None:
    """ "Notifications non lues : N" (``99+`` past the cap) for the logged-in user; nothing
    when there are none or the count cannot be read (the sidebar never fails for it)."""
    actor = current_actor()
    if actor is None or actor.user_id is None:
        return
    result = run_action(actor, unread_count, actor=actor)
    if not result.ok or result.value is None:
        return
    count, more = result.value
    if count:
        st.caption(t("itv.unread", n=f"{count}+" if more else str(count)))
