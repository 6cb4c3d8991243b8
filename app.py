"""MIF Maroc maintenance ERP — entry point. Routes only: login gate, then role navigation.

Run with ``streamlit run app.py``. Page scripts live in ``pages/``; which role sees which page
is declared once in ``ui.layout.PAGES``.

Streamlit's legacy ``pages/`` mode (first run of each server process, see STACK_NOTES):

* ``.streamlit/config.toml`` hides its page list (``client.showSidebarNavigation = false``);
  the role navigation below turns the sidebar navigation back on;
* the first run of every browser session renders nothing and reruns (widget ids of a legacy
  run differ from later runs, so a login typed there would be lost);
* ``st.navigation`` is called on every run, logged out included, with URL paths that differ
  from the file names (``ui.layout``), so a page file never runs without this gate.

The whole run is inside ``ui.outage.guard()``: losing the database shows "base de données
indisponible" instead of a traceback, and the next run reconnects (see ``db.health``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth, layout, outage
from ui.i18n import t

# A file served by the app itself: a ":material/...:" page icon makes the browser fetch the
# favicon from a web font CDN on every page, which fails offline.
APP_ICON = Path(__file__).resolve().parent / "assets" / "app_icon.png"

st.set_page_config(
    page_title=t("app.title"),
    page_icon=str(APP_ICON),
    layout="wide",
    initial_sidebar_state="expanded",
)

if auth.first_run_of_session():
    st.navigation(layout.all_pages(), position="hidden")
    layout.note_missing_page(logged_in=False)  # an unknown address is known only now
    st.rerun()


def run_page() -> None:
    """Gate, then the page of the user's role (or the login form)."""
    gate = auth.open_gate()

    if gate.user is None:
        # Every page is registered (hidden) but none is run: the login form takes its place,
        # and the page asked for (a deep link) is the one shown once logged in, if the role
        # allows it.
        st.navigation(layout.all_pages(), position="hidden")
        layout.note_missing_page(logged_in=False)
        layout.login_screen(gate)
        st.stop()

    st.set_option("client.showSidebarNavigation", True)
    navigation = st.navigation(layout.navigation_for(gate.user.role), position="sidebar")
    layout.render_sidebar(gate.user, gate.sidebar)
    layout.note_missing_page()
    layout.missing_page_notice(navigation)
    navigation.run()


# A database lost at any point of the run: a French message and a retry button, no traceback;
# the connections are renewed (and the embedded server restarted) for the next run.
with outage.guard():
    run_page()
