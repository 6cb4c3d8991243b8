"""Moving a machine along its lifecycle (operationnel, maintenance, panne, retire)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    select,
    update,
)
from sqlalchemy.orm import Session

from db.equipment.models import (
    EQUIPEMENT_TRANSITIONS,
    Equipement,
    StatutEquipement,
)
from db.equipment.service.common import (
    CONFLICT_MESSAGE,
    NOT_FOUND_MESSAGE,
    STATUT_LABELS,
    require_writer,
)
from db.errors import ConflictError, ServiceError
from db.people.models import Client
from db.session import Actor
from db.validation import (
    clean_choice,
    clean_id,
)

_E = Equipement
_C = Client


def change_statut(
    *,
    session: Session,
    actor: Actor,
    equipement_id: int,
    statut: str,
    expected_updated_at: datetime | None = None,
) -> datetime:
    """Move the machine along its lifecycle; only ``EQUIPEMENT_TRANSITIONS`` are accepted.

    The database trigger refuses any other transition too (defence in depth).
    Returns the new ``updated_at``.
    """
    require_writer(actor)
    equipement_id = clean_id(equipement_id, field="equipement_id", label="Équipement")
    wanted = clean_choice(statut, field="statut", label="Statut", choices=STATUT_LABELS)
    if wanted is None:
        raise ServiceError("Statut : champ obligatoire.", field="statut", rule="validation")
    target = StatutEquipement(wanted)
    if expected_updated_at is not None and not isinstance(expected_updated_at, datetime):
        raise ConflictError(CONFLICT_MESSAGE, rule="conflict")
    row = session.execute(
        select(_E.statut, _E.updated_at).where(_E.id == equipement_id).with_for_update()
    ).first()
    if row is None:
        raise ServiceError(NOT_FOUND_MESSAGE, rule="not_found")
    if expected_updated_at is not None and row.updated_at != expected_updated_at:
        raise ConflictError(CONFLICT_MESSAGE, rule="conflict")
    current = StatutEquipement(row.statut)
    if target not in EQUIPEMENT_TRANSITIONS[current]:
        if current is StatutEquipement.retire:
            message = "Un équipement retiré ne change plus de statut."
        else:
            message = (
                f"Transition interdite : {STATUT_LABELS[current.value]}"
                f" → {STATUT_LABELS[target.value]}."
            )
        raise ServiceError(message, field="statut", rule="equipement_transition")
    return session.execute(
        update(Equipement)
        .where(_E.id == equipement_id)
        .values(statut=target)
        .returning(_E.updated_at)
        .execution_options(synchronize_session=False)
    ).scalar_one()
