"""Planning — the manager's calendar and a technician's « Mon planning ».

The page only chooses a view; the views live in ``ui/planning/``:

* admins and maintenance managers: week (default) / month / day of the slots with filters,
  the unplanned interventions and the form that plans one, a slot's detail (move, confirm,
  annotate, delete), the per-technician grid of the week and the absences;
* a technician: their own agenda (today, this week), confirm a slot, open its intervention.
"""

from __future__ import annotations

import streamlit as st

from db.session import Actor
from ui.context import require_roles
from ui.forms import show_flash
from ui.i18n import t
from ui.planning.agenda import render_agenda
from ui.planning.manager import render_manager

# Defence in depth: navigation already hides the page from clients.
actor = require_roles("admin", "responsable", "technicien")


def main(actor: Actor) -> None:
    """Entry point: the agenda for a technician, the planning for a manager."""
    st.title(t("plan.title"), anchor=False)
    show_flash()
    if actor.role == "technicien":
        render_agenda(actor)
    else:
        render_manager(actor)


main(actor)
