"""What a technician is already doing over a period, said in French (the services' first check).

The database's exclusion constraint on ``planning_occupations`` is the rule and the last word
(races included); this look-up only lets a form say it beside the field before writing. It
reads ``planning_occupations`` through its GiST index (technician, period).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.planning.service.common import MOTIF_LABELS, fmt_instant

_FIRST_CONFLICT = text(
    """
    SELECT o.technicien_id, u.full_name, o.intervention_id, o.absence_id, i.titre,
           a.motif::text AS motif, lower(o.periode) AS debut, upper(o.periode) AS fin
      FROM planning_occupations o
      JOIN techniciens t ON t.id = o.technicien_id
      JOIN users u ON u.id = t.user_id
      LEFT JOIN interventions i ON i.id = o.intervention_id
      LEFT JOIN absences a ON a.id = o.absence_id
     WHERE o.technicien_id = ANY(:tids)
       AND o.periode && tstzrange(:debut, :fin)
       -- the slot or absence being moved is no conflict with itself; without one, every
       -- occupation counts ("NULL IS DISTINCT FROM NULL" is false: it would hide them all)
       AND (CAST(:pid AS integer) IS NULL OR o.planning_id IS DISTINCT FROM CAST(:pid AS integer))
       AND (CAST(:aid AS integer) IS NULL OR o.absence_id IS DISTINCT FROM CAST(:aid AS integer))
     ORDER BY (o.absence_id IS NULL), lower(o.periode), o.technicien_id
     LIMIT 1
    """
)


def first_conflict(
    session: Session,
    technicien_ids: Sequence[int],
    debut: datetime,
    fin: datetime,
    *,
    planning_id: int | None = None,
    absence_id: int | None = None,
) -> str | None:
    """French sentence naming what one of the technicians already does over ``[debut, fin)``
    (an absence first, else the other intervention), or None when they are all free.
    ``planning_id`` / ``absence_id``: the slot or absence being moved (not a conflict)."""
    if not technicien_ids:
        return None
    row = session.execute(
        _FIRST_CONFLICT,
        {
            "tids": list(technicien_ids),
            "debut": debut,
            "fin": fin,
            "pid": planning_id,
            "aid": absence_id,
        },
    ).first()
    if row is None:
        return None
    period = f"du {fmt_instant(row.debut)} au {fmt_instant(row.fin)}"
    if row.absence_id is not None:
        motif = MOTIF_LABELS.get(row.motif, row.motif).lower()
        return f"{row.full_name} est absent(e) ({motif}) {period}."
    return (
        f"{row.full_name} est déjà planifié(e) sur l'intervention n° {row.intervention_id}"
        f" « {row.titre} » {period}."
    )
