"""Views of the planning page (``pages/planning.py`` chooses one): the manager's calendar,
unplanned work, slot detail, per-technician grid and absences; a technician's agenda."""
