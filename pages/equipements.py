"""Parc équipements — the equipment registry, and the pattern every list page follows.

The page only chooses a view; the views live in ``ui/equipment/`` (one module each).

* List: search and filters (widgets ↔ query parameters, so the home page can link here with
  ``?statut=panne``, ``?criticite=critique`` or ``?q=...``), a server-side paged table
  (``ui.table``), CSV / Excel export of the whole filtered set (``ui.export``).
* ``?id=<equipement_id>`` opens a machine: all its fields, client, covering contracts,
  maintenance history, interventions, tasks, documents, lifecycle buttons, QR label, edit form.
  Row-level security decides what exists: another client's machine is simply "introuvable".
* Writes go through ``ui.forms`` (one transaction per action, French messages next to fields).
* Hostile URLs never break the page: unknown ``?statut=`` / ``?criticite=`` values are dropped,
  a search text the service refuses (NUL byte, too long) gets its message under the search
  box, a bad ``?id=`` reads as "introuvable", unknown parameters (``?page=``) are ignored.
"""

from __future__ import annotations

import streamlit as st

from db.equipment.service import WRITER_ROLES
from db.session import Actor
from ui.context import require_roles
from ui.equipment.detail import render_detail
from ui.equipment.forms import render_create
from ui.equipment.import_csv import render_import
from ui.equipment.list import render_list
from ui.forms import show_flash
from ui.i18n import t

# Defence in depth: navigation already hides the page from other roles.
actor = require_roles("admin", "responsable", "technicien", "client")


def main(actor: Actor) -> None:
    """Entry point: the list, or one machine when the URL names it."""
    st.title(t("equip.title"), anchor=False)
    show_flash()
    raw_id = st.query_params.get("id")
    if raw_id:
        render_detail(actor, raw_id)
        return
    if actor.role in WRITER_ROLES:
        tab_list, tab_new, tab_import = st.tabs(
            [t("equip.tab.list"), t("equip.tab.new"), t("equip.tab.import")]
        )
        with tab_list:
            render_list(actor)
        with tab_new:
            render_create(actor)
        with tab_import:
            render_import(actor)
    else:
        render_list(actor)


main(actor)
