"""The planning service (the planning page and the technician's agenda import from here).

* ``slots``: ``list_slots`` (visible range only, filters by technicians, team, zone,
  client), ``unplanned_interventions`` (most urgent first), ``create_slot``, ``move_slot``
  (optimistic on ``date_modification``), ``confirm_slot`` (a technician: own slots only),
  ``annotate_slot``, ``delete_slot``, ``list_technicians`` (today's availability follows the
  absences), ``technician_agenda``;
* ``absences``: ``list_absences``, ``create_absence`` (planned work listed, confirmation
  required), ``delete_absence``;
* ``conflicts.first_conflict``: the French sentence of what a technician already does (used
  by the slot and absence verbs; not re-exported);
* ``common``: the row types (``SlotRow``, ``UnplannedRow``, ``AbsenceRow``, ``SlotConflict``,
  ``AbsenceResult``, ``TechnicianRow``, ``Agenda``), ``MOTIF_LABELS``, limits.

The rules themselves are the database's (revision 0014): overlapping slots of a technician
(principal or assistant), a slot inside an absence, a slot on a cancelled or archived
intervention, a slot of 0 minute or over 14 days are refused whatever path writes.
"""

from __future__ import annotations

from db.planning.service.absences import create_absence, delete_absence, list_absences
from db.planning.service.common import (
    MAX_RANGE,
    MAX_SLOT,
    MOTIF_LABELS,
    AbsenceResult,
    AbsenceRow,
    Agenda,
    SlotConflict,
    SlotRow,
    TechnicianRow,
    UnplannedRow,
)
from db.planning.service.slots import (
    annotate_slot,
    confirm_slot,
    create_slot,
    delete_slot,
    list_slots,
    list_technicians,
    move_slot,
    technician_agenda,
    unplanned_interventions,
)

__all__ = [
    "MAX_RANGE",
    "MAX_SLOT",
    "MOTIF_LABELS",
    "AbsenceResult",
    "AbsenceRow",
    "Agenda",
    "SlotConflict",
    "SlotRow",
    "TechnicianRow",
    "UnplannedRow",
    "annotate_slot",
    "confirm_slot",
    "create_absence",
    "create_slot",
    "delete_absence",
    "delete_slot",
    "list_absences",
    "list_slots",
    "list_technicians",
    "move_slot",
    "technician_agenda",
    "unplanned_interventions",
]
