"""What the planning page asks in one transaction: its reads, and planning with a technician.

Each function takes ``session`` first (``ui.forms.run_action`` opens it) and only calls the
services: no SQL here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from db.interventions.service import assign
from db.planning.service import (
    AbsenceRow,
    SlotRow,
    TechnicianRow,
    UnplannedRow,
    create_slot,
    list_absences,
    list_slots,
    list_technicians,
    unplanned_interventions,
)
from db.planning.service.common import MAX_ROWS
from db.session import Actor

# Technicians shown at once (calendar and grid) when no technician or client is chosen: a week
# of every technician is thousands of slots at scale; a page of them costs the same at any size.
TECH_PAGE = 20
TECH_MAX = 100  # technicians in the pickers and pages (by name); a team or zone narrows them


@dataclass(frozen=True)
class PlanningData:
    """Everything the manager's view shows for a visible range."""

    slots: list[SlotRow]
    absences: list[AbsenceRow]
    technicians: list[TechnicianRow]  # the grid's rows (the page of technicians shown)
    choices: list[TechnicianRow]  # every technician of the team / zone (forms' pickers)
    unplanned: list[UnplannedRow]
    tech_page: int = 0
    tech_pages: int = 1

    @property
    def truncated(self) -> bool:
        """The services stop at ``MAX_ROWS`` rows: the range holds more."""
        return len(self.slots) >= MAX_ROWS or len(self.absences) >= MAX_ROWS


def load_planning(
    *,
    session: Session,
    actor: Actor,
    start: datetime,
    end: datetime,
    technicien_ids: list[int] | None = None,
    equipe: str | None = None,
    zone: str | None = None,
    client_id: int | None = None,
    tech_page: int = 0,
) -> PlanningData:
    """The visible range's slots and absences, the technicians (filtered by team and zone)
    and the unplanned interventions, read in one transaction. Without a chosen technician or
    client, only the ``tech_page``-th page of ``TECH_PAGE`` technicians is shown."""
    choices = list_technicians(
        session=session, actor=actor, equipe=equipe, zone=zone, limit=TECH_MAX
    )
    pages = max(1, -(-len(choices) // TECH_PAGE))
    page = min(max(0, tech_page), pages - 1)
    if technicien_ids:
        chosen = set(technicien_ids)
        shown = [t for t in choices if t.technicien_id in chosen]
        ids: list[int] | None = list(technicien_ids)
        page, pages = 0, 1
    else:
        shown = choices[page * TECH_PAGE : (page + 1) * TECH_PAGE]
        # A client's slots whoever does them; otherwise the slots of the page's technicians.
        ids = None if client_id is not None else [t.technicien_id for t in shown] or [0]
    return PlanningData(
        slots=list_slots(
            session=session,
            start=start,
            end=end,
            technicien_ids=ids,
            equipe=equipe,
            zone=zone,
            client_id=client_id,
        ),
        absences=list_absences(
            session=session,
            actor=actor,
            start=start,
            end=end,
            technicien_ids=ids or [t.technicien_id for t in shown] or [0],
        ),
        technicians=shown,
        choices=choices,
        unplanned=unplanned_interventions(session=session),
        tech_page=page,
        tech_pages=pages,
    )


def plan_intervention(
    *,
    session: Session,
    actor: Actor,
    intervention_id: int,
    technicien_id: int | None,
    current_technicien_id: int | None,
    date_debut: datetime,
    date_fin: datetime,
    creneau: str | None = None,
    notes_planning: str | None = None,
) -> int:
    """Plan an intervention, first assigning ``technicien_id`` as its principal when it is
    another than its current one; one transaction: a refused slot leaves the assignment
    unchanged too. Returns the planning id."""
    if technicien_id is not None and technicien_id != current_technicien_id:
        assign(
            session=session,
            actor=actor,
            intervention_id=intervention_id,
            principal_id=technicien_id,
        )
        # The assignment goes through the ORM: written now, so the slot's checks (raw SQL
        # reads of the intervention's technicians) see the new principal.
        session.flush()
    return create_slot(
        session=session,
        actor=actor,
        intervention_id=intervention_id,
        date_debut=date_debut,
        date_fin=date_fin,
        creneau=creneau,
        notes_planning=notes_planning,
    )
