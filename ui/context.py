"""The current user, as resolved by ``app.py`` once per run, and the page-level role guard."""

from __future__ import annotations

import streamlit as st

from db.session import Actor
from ui.i18n import t

ACTOR_KEY = "actor"


def current_actor() -> Actor | None:
    """The logged-in user of this run (``None`` before login)."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else None


def require_roles(*roles: str) -> Actor:
    """Defence in depth: stop the page unless the current user has one of ``roles``.

    Navigation already hides pages a role may not see; this refuses a page reached anyway, and
    the database's row-level security remains the last line.
    """
    actor = current_actor()
    if actor is None or actor.role not in roles:
        st.error(t("common.forbidden"))
        st.stop()
    return actor
