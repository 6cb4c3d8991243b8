"""What every verb of the interventions service shares: enum values and French labels for
pages and messages, the open statuses, the roles allowed to manage, and small look-ups.

Offers: ``STATUTS``, ``BOARD_STATUTS``, ``HIDDEN_STATUTS``, ``OPEN_STATUTS``, ``PRIORITES``,
``TYPES``, ``STATUT_LABELS``, ``PRIORITE_LABELS``, ``TYPE_LABELS``, ``NIVEAU_LABELS``,
``MANAGER_ROLES``, ``Sort``, ``NOT_FOUND_MESSAGE``, ``CONFLICT_MESSAGE``, ``is_manager``,
``same_instant``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from db.interventions.models import Priorite, StatutIntervention, TypeIntervention
from db.people.models import NiveauCompetence
from db.session import Actor

Sort = tuple[str, bool]
"""(sort key, descending)."""

MANAGER_ROLES = ("admin", "responsable")

STATUTS: tuple[str, ...] = tuple(s.value for s in StatutIntervention)
# The board's columns (DESIGN §3.2); cancelled and archived ones sit behind a toggle.
BOARD_STATUTS: tuple[str, ...] = ("ouverte", "affectee", "en_cours", "en_attente", "cloturee")
HIDDEN_STATUTS: tuple[str, ...] = ("annulee", "archivee")
# The product's "open" (db/reporting OPEN_STATUSES, idx_open_interventions).
OPEN_STATUTS: tuple[str, ...] = ("ouverte", "affectee", "en_cours", "en_attente")
PRIORITES: tuple[str, ...] = tuple(p.value for p in Priorite)
TYPES: tuple[str, ...] = tuple(t.value for t in TypeIntervention)

STATUT_LABELS = {
    "ouverte": "Ouverte",
    "affectee": "Affectée",
    "en_cours": "En cours",
    "en_attente": "En attente",
    "cloturee": "Clôturée",
    "annulee": "Annulée",
    "archivee": "Archivée",
}
PRIORITE_LABELS = {
    "urgente": "Urgente",
    "haute": "Haute",
    "normale": "Normale",
    "basse": "Basse",
    "programmee": "Programmée",
}
TYPE_LABELS = {
    "corrective": "Corrective",
    "preventive": "Préventive",
    "ameliorative": "Améliorative",
    "diagnostic": "Diagnostic",
}
NIVEAU_LABELS = {
    "debutant": "Débutant",
    "intermediaire": "Intermédiaire",
    "avance": "Avancé",
    "expert": "Expert",
}
NIVEAUX: tuple[str, ...] = tuple(n.value for n in NiveauCompetence)

NOT_FOUND_MESSAGE = "Intervention introuvable."
CONFLICT_MESSAGE = (
    "Cette intervention a été modifiée par quelqu'un d'autre entre-temps : rechargez la page."
)


def is_manager(actor: Actor) -> bool:
    """Admins and maintenance managers manage every intervention."""
    return actor.role in MANAGER_ROLES


def same_instant(a: Any, b: Any) -> bool:
    """``updated_at`` values compared for the optimistic check (aware datetimes or ISO text)."""
    if isinstance(a, str):
        a = datetime.fromisoformat(a)
    if isinstance(b, str):
        b = datetime.fromisoformat(b)
    return bool(a == b)
