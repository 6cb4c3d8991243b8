"""What every verb of the equipment service shares: roles allowed to write, enum values
for pages, French messages and labels (db/ has no access to the UI catalogue)."""

from __future__ import annotations

from db.equipment.models import (
    Criticite,
    StatutEquipement,
)
from db.errors import ServiceError
from db.session import Actor

Sort = tuple[str, bool]
"""(sort key, descending)."""

WRITER_ROLES = ("admin", "responsable")
# Enum values for pages (which never import models): statuses, criticités, the final status.
STATUTS: tuple[str, ...] = tuple(s.value for s in StatutEquipement)
CRITICITES: tuple[str, ...] = tuple(c.value for c in Criticite)
STATUT_FINAL = StatutEquipement.retire.value

CONFLICT_MESSAGE = "Cet équipement a été modifié entre-temps, rechargez la page."
NOT_FOUND_MESSAGE = "Équipement introuvable."
FORBIDDEN_MESSAGE = (
    "Seuls un administrateur ou un responsable maintenance peuvent modifier le parc."
)

# French labels used inside service messages (db/ has no access to the UI catalogue).
STATUT_LABELS = {
    "operationnel": "Opérationnel",
    "maintenance": "En maintenance",
    "panne": "En panne",
    "retire": "Retiré",
}
CRITICITE_LABELS = {
    "critique": "Critique",
    "haute": "Haute",
    "normale": "Normale",
    "basse": "Basse",
}


def require_writer(actor: Actor) -> None:
    """Refuse (French message) unless ``actor`` may change the equipment registry."""
    if actor.role not in WRITER_ROLES:
        raise ServiceError(FORBIDDEN_MESSAGE, rule="role")
