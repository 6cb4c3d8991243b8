"""Preventive maintenance plans: work orders generated ahead of each machine's next date.

Offers ``generate_preventive(*, session, horizon_days=30) -> int``: one ``preventive``
intervention (``ouverte``, priority ``programmee``) for every machine, not retired, whose
``prochaine_maintenance`` falls within the next ``horizon_days`` days (or is already past) and
that has no open preventive intervention yet; returns how many were created. Idempotent: the
partial unique index ``uq_intervention_preventive_ouverte`` allows one open preventive per
machine, so a second run, or two workers at once, create nothing more (``ON CONFLICT DO
NOTHING``). At most ``MAX_PER_RUN`` per run, the most overdue first: the next run goes on.

Closing a preventive intervention moves the machine's ``prochaine_maintenance`` forward by its
``intervalle_maintenance_jours`` (database trigger ``trg_interventions_preventive_closed``).
Run by ``python -m db preventive`` and by the worker's periodic task (``db/equipment/tasks.py``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.validation import business_today

MAX_HORIZON_DAYS = 366
MAX_PER_RUN = 5000

# The machines due are an index range (idx_equipement_prochaine_maintenance) and "has an open
# preventive" one probe of the partial unique index, whatever the size of the history.
_GENERATE = text(
    """
    WITH due AS (
        SELECT e.id, e.client_id, e.nom, e.prochaine_maintenance
          FROM equipements e
         WHERE e.statut <> 'retire' AND e.prochaine_maintenance IS NOT NULL
           AND e.prochaine_maintenance <= :until
           AND NOT EXISTS (
               SELECT 1 FROM interventions i
                WHERE i.equipement_id = e.id AND i.type_intervention = 'preventive'
                  AND i.statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente'))
         ORDER BY e.prochaine_maintenance, e.id
         LIMIT :batch
    )
    INSERT INTO interventions (equipement_id, client_id, type_intervention, statut, priorite,
                               titre, description, date_limite)
    SELECT d.id, d.client_id, 'preventive', 'ouverte', 'programmee',
           left('Maintenance préventive — ' || d.nom, 200),
           'Visite préventive prévue le ' || to_char(d.prochaine_maintenance, 'DD/MM/YYYY')
               || ' (plan de maintenance de la machine).',
           GREATEST((d.prochaine_maintenance + 1)::timestamp AT TIME ZONE 'Africa/Casablanca',
                    now() + interval '1 day')
      FROM due d
     ORDER BY d.prochaine_maintenance, d.id
    ON CONFLICT (equipement_id)
        WHERE type_intervention = 'preventive'
          AND statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente')
    DO NOTHING
    RETURNING id
    """
)


def _clean_horizon(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(
            "Horizon : nombre de jours entier attendu.", field="horizon_days", rule="validation"
        )
    if not 0 <= value <= MAX_HORIZON_DAYS:
        raise ServiceError(
            f"Horizon : entre 0 et {MAX_HORIZON_DAYS} jours.",
            field="horizon_days",
            rule="validation",
        )
    return value


def generate_preventive(*, session: Session, horizon_days: int = 30) -> int:
    """Create the preventive work orders due within ``horizon_days`` (0–366) days; returns
    how many were created (0 on a second run)."""
    days = _clean_horizon(horizon_days)
    until = business_today() + timedelta(days=days)
    created = session.execute(_GENERATE, {"until": until, "batch": MAX_PER_RUN}).all()
    return len(created)
