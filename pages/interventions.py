"""Interventions — the work-order board, list, a technician's work, creation, and the file.

The page only chooses a view; the views live in ``ui/interventions/``:

* ``?id=<n>`` opens intervention n (its file; row-level security decides what exists: another
  client's intervention reads as "introuvable");
* ``?nouvelle=1`` (``&machine=<id>`` to preselect a machine) the creation form of the role;
* ``?vue=tableau`` the board, ``?vue=liste`` the list (its filters in the URL, e.g.
  ``?vue=liste&statut=ouverte&retard=1``), ``?vue=travail`` a technician's work (their
  default; the board for everyone else, the list when the URL carries list criteria).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from db.session import Actor
from ui.context import require_roles
from ui.forms import show_flash
from ui.i18n import t
from ui.interventions.board import render_board
from ui.interventions.create import new_label, render_create
from ui.interventions.filters import VIEWS, current_view
from ui.interventions.list import render_list
from ui.interventions.my_work import render_my_work

# Defence in depth: navigation already hides the page from other roles.
actor = require_roles("admin", "responsable", "technicien", "client")

# The intervention file's views are their own modules (``render_file(actor, id)``).
FILE_MODULES = ("ui.interventions.file", "ui.interventions.detail")


def file_view() -> Callable[[Actor, Any], None] | None:
    """``render_file`` of the intervention file's module, or None while it does not exist."""
    for name in FILE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # that module does not exist (yet): not an error inside it
            raise
        render = getattr(module, "render_file", None)
        if callable(render):
            return render
    return None


def _back() -> None:
    for name in ("id", "nouvelle", "machine"):
        if name in st.query_params:
            del st.query_params[name]


def _switch_view() -> None:
    chosen = st.session_state.get("itv.view")
    if chosen in VIEWS:
        st.query_params["vue"] = chosen


def main(actor: Actor) -> None:
    """Entry point: the file, the creation form, or the view the URL asks for."""
    st.title(t("itv.title"), anchor=False)
    show_flash()
    raw_id = st.query_params.get("id")
    if raw_id:
        st.button(t("itv.back"), key="itv.back", on_click=_back, icon=":material/arrow_back:")
        render = file_view()
        if render is None:
            st.info(t("itv.file.unavailable"), icon=":material/construction:")
        else:
            render(actor, raw_id)
        return
    if st.query_params.get("nouvelle"):
        render_create(actor)
        return
    view = current_view(actor)
    views = [v for v in VIEWS if v != "travail" or actor.role == "technicien"]
    if view not in views:  # "my work" asked by someone who is not a technician
        view = "tableau"
    st.session_state["itv.view"] = view
    c_view, c_new = st.columns([3, 1], vertical_alignment="bottom")
    c_view.segmented_control(
        t("itv.view"),
        views,
        format_func=lambda v: t(f"itv.view.{v}"),
        key="itv.view",
        on_change=_switch_view,
        required=True,
    )
    c_new.button(
        t(new_label(actor.role)),
        key="itv.new",
        on_click=lambda: st.query_params.update({"nouvelle": "1"}),
        icon=":material/add:",
        type="primary",
    )
    if view == "liste":
        render_list(actor)
    elif view == "travail":
        render_my_work(actor)
    else:
        render_board(actor)


main(actor)
