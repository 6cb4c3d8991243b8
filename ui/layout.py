"""The app's frame: which pages each role gets (navigation) and the sidebar.

``PAGES`` is the one list of pages. ``app.py`` builds ``st.navigation`` from
``navigation_for(role)``; each page also calls ``ui.context.require_roles`` with the same
roles (defence in depth), and the tests check that both agree. A new page = one ``PageSpec``
here + its file in ``pages/``.

Every page has a URL path that differs from its file name (``pages/equipements.py`` is served
at ``/parc-equipements``). Streamlit identifies a page by a hash of its URL path, and the first
run of a server process (and every ``AppTest`` run) goes through the legacy ``pages/``
directory mode, which registers each file under its file name: with distinct paths that mode
can never match a requested page and run the page file without ``app.py`` (no login gate); it
falls back to ``app.py``, which routes as usual.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from db.people.auth import SessionUser
from ui.auth import NOTICE_KEY, Gate, login_form, request_logout
from ui.format import enum_label, md_escape
from ui.i18n import DEFAULT_LANG, LANGS, current_lang, t
from ui.notifications import render_unread_count

ALL_ROLES: tuple[str, ...] = ("admin", "responsable", "technicien", "client")
MANAGERS: tuple[str, ...] = ("admin", "responsable")
ADMIN_ONLY: tuple[str, ...] = ("admin",)
STAFF: tuple[str, ...] = ("admin", "responsable", "technicien")

# Sidebar sections, in display order.
SECTIONS: tuple[str, ...] = ("nav.section.home", "nav.section.operations", "nav.section.admin")


@dataclass(frozen=True)
class PageSpec:
    """A page of the app: its script, French title and icon, section and allowed roles."""

    path: str
    url_path: str
    title_key: str
    icon: str
    section_key: str
    roles: tuple[str, ...]
    default: bool = False

    def page(self) -> st.Page:
        """The ``st.Page`` of this spec (title in the current language)."""
        return st.Page(
            self.path,
            title=t(self.title_key),
            icon=self.icon,
            url_path=self.url_path,
            default=self.default,
        )


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/accueil.py",
        "tableau-de-bord",
        "nav.home",
        ":material/dashboard:",
        "nav.section.home",
        ALL_ROLES,
        default=True,
    ),
    PageSpec(
        "pages/equipements.py",
        "parc-equipements",
        "nav.equipment",
        ":material/precision_manufacturing:",
        "nav.section.operations",
        ALL_ROLES,
    ),
    PageSpec(
        "pages/interventions.py",
        "tableau-interventions",
        "nav.interventions",
        ":material/engineering:",
        "nav.section.operations",
        ALL_ROLES,
    ),
    PageSpec(
        "pages/planning.py",
        "planning-maintenance",
        "nav.planning",
        ":material/calendar_month:",
        "nav.section.operations",
        STAFF,
    ),
    PageSpec(
        "pages/etat_base.py",
        "etat-de-la-base",
        "nav.db_status",
        ":material/database:",
        "nav.section.admin",
        ADMIN_ONLY,
    ),
)


def page_url_path(path: str) -> str:
    """URL path of the page whose script is ``path`` (e.g. for links and QR codes)."""
    for spec in PAGES:
        if spec.path == path:
            return spec.url_path
    raise KeyError(path)


def pages_for(role: str | None) -> list[PageSpec]:
    """The pages ``role`` may see, in navigation order (none for an unknown role)."""
    return [spec for spec in PAGES if role in spec.roles]


def navigation_for(role: str) -> dict[str, list[st.Page]]:
    """``st.navigation`` input for ``role``: section title → pages (empty sections dropped)."""
    sections: dict[str, list[st.Page]] = {}
    specs = pages_for(role)
    for section in SECTIONS:
        pages = [spec.page() for spec in specs if spec.section_key == section]
        if pages:
            sections[t(section)] = pages
    return sections


MISSING_PAGE_KEY = "_nav_missing_page_at"
# The login cookie's components rerun the page right after it is shown, and those runs no
# longer know which address was asked for: the notice lasts a few seconds of runs instead.
MISSING_PAGE_SECONDS = 10.0
AFTER_LOGIN = "after_login"


def requested_page_missing() -> bool:
    """True when the browser asked for a page the navigation just built does not hold: an
    address that does not exist, or a page of another role. Streamlit then runs the default
    page without a word (call right after ``st.navigation``)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return False
    manager = ctx.pages_manager
    pages = manager.get_pages()
    wanted_hash = manager.intended_page_script_hash
    if wanted_hash:
        return wanted_hash not in pages
    wanted_name = manager.intended_page_name
    return bool(wanted_name) and all(p.get("url_pathname") != wanted_name for p in pages.values())


def note_missing_page(*, logged_in: bool = True) -> None:
    """Remember that the address asked for is not served (call right after ``st.navigation``,
    on every run: logged out the unknown addresses are seen, logged in another role's pages).
    Seen while logged out, the notice waits for the login, however long it takes."""
    if requested_page_missing():
        st.session_state[MISSING_PAGE_KEY] = time.monotonic() if logged_in else AFTER_LOGIN


def missing_page_notice(shown: StreamlitPage) -> None:
    """Say that the page asked for does not exist or is not open to the user, above the home
    page Streamlit shows instead (only then, and only just after the address was asked for)."""
    noted = st.session_state.get(MISSING_PAGE_KEY)
    if noted == AFTER_LOGIN:
        noted = st.session_state[MISSING_PAGE_KEY] = time.monotonic()
    if not isinstance(noted, float):
        return
    if shown.url_path or time.monotonic() - noted > MISSING_PAGE_SECONDS:
        st.session_state.pop(MISSING_PAGE_KEY, None)  # the user went on: the notice is over
        return
    st.warning(t("nav.page_unavailable"), icon=":material/block:")


def all_pages() -> list[st.Page]:
    """Every page, for the navigation of the session's first (empty) run.

    Registering the same URL paths keeps a deep link (``/equipements?statut=panne``) through
    the rerun that follows.
    """
    return [spec.page() for spec in PAGES]


# --------------------------------------------------------------------------- sidebar


def _apply_language() -> None:
    choice = st.session_state.get("lang_choice")
    st.session_state["lang"] = choice if choice in LANGS else DEFAULT_LANG


def language_switch() -> None:
    """Français / English switch; the choice lasts for the browser session."""
    st.segmented_control(
        t("lang.label"),
        options=list(LANGS),
        format_func=lambda code: t(f"sidebar.lang_{code}"),
        default=current_lang(),
        required=True,
        key="lang_choice",
        on_change=_apply_language,
    )


def _role_line(user: SessionUser) -> str:
    role = enum_label("user_role", user.role)
    if user.client_name:
        return f"{role} · {user.client_name}"
    return role


def render_sidebar(user: SessionUser, slot: DeltaGenerator | None = None) -> None:
    """Who is logged in, their role (and company), the language switch and logout.

    ``slot`` is a sidebar container reserved by the gate (above its cookie components).
    """
    with slot if slot is not None else st.sidebar:
        st.caption(t("sidebar.signed_in_as"))
        st.markdown(f"**{md_escape(user.full_name)}**  \n{md_escape(_role_line(user))}")
        render_unread_count()
        language_switch()
        st.button(
            t("sidebar.logout"),
            key="logout_button",
            icon=":material/logout:",
            on_click=request_logout,
            width="stretch",
        )


# --------------------------------------------------------------------------- login screen


def login_screen(gate: Gate) -> None:
    """The logged-out screen: branding, notice, login form, language switch.

    A successful login reruns the app, which then builds the navigation of the user's role.
    """
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("app.title"), anchor=False)
        st.caption(t("auth.welcome"))
        notice_slot = st.empty()
        if login_form(gate):
            st.rerun()
        notice = st.session_state.get(NOTICE_KEY)  # cleared by a new attempt
        if notice:
            notice_slot.info(t(notice), icon=":material/info:")
        language_switch()
