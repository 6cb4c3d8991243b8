"""Helpers shared by the intervention file's services (checklist, parts, documents, thread,
rating, timeline, cost): finding the intervention the user may see, the assignment check,
and the savepoint that turns a database refusal into a French ``ServiceError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Result, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db import health
from db.errors import ServiceError, describe
from db.interventions.models import Intervention, InterventionTechnicien
from db.session import Actor
from db.validation import clean_id

NOT_FOUND = "Intervention introuvable."
NOT_ASSIGNED = "Vous n'êtes pas affecté à cette intervention."
CLOSED_STATUSES = ("annulee", "archivee")


@dataclass(frozen=True)
class InterventionRef:
    """What the file's services need to know about an intervention the user may see."""

    id: int
    statut: str
    client_id: int
    equipement_id: int
    technicien_id: int | None
    titre: str
    duree_reelle: Any
    satisfaction_client: int | None


def intervention_id_of(value: Any) -> int:
    """A cleaned intervention id (French refusal for anything that is not one)."""
    return clean_id(value, field="intervention_id", label="Intervention")


def find_intervention(session: Session, intervention_id: Any) -> InterventionRef:
    """The intervention if the acting user may see it (row-level security), else a refusal.

    Another client's intervention and an unknown id get the same answer, so an id typed in
    the address reveals nothing.
    """
    iid = intervention_id_of(intervention_id)
    row = session.execute(
        select(
            Intervention.id,
            Intervention.statut,
            Intervention.client_id,
            Intervention.equipement_id,
            Intervention.technicien_id,
            Intervention.titre,
            Intervention.duree_reelle,
            Intervention.satisfaction_client,
        ).where(Intervention.id == iid)
    ).one_or_none()
    if row is None:
        raise ServiceError(NOT_FOUND, field="intervention_id", rule="introuvable")
    return InterventionRef(
        id=row.id,
        statut=str(row.statut),
        client_id=row.client_id,
        equipement_id=row.equipement_id,
        technicien_id=row.technicien_id,
        titre=row.titre,
        duree_reelle=row.duree_reelle,
        satisfaction_client=row.satisfaction_client,
    )


def is_assigned(session: Session, intervention_id: int, technicien_id: int | None) -> bool:
    """The technician is principal or assistant of the intervention."""
    if technicien_id is None:
        return False
    found = session.scalar(
        select(InterventionTechnicien.technicien_id).where(
            InterventionTechnicien.intervention_id == intervention_id,
            InterventionTechnicien.technicien_id == technicien_id,
        )
    )
    return found is not None


def require_staff_or_assigned(
    session: Session, actor: Actor, intervention: InterventionRef, *, what: str
) -> None:
    """Managers may; a technician only on an intervention assigned to them; a client never."""
    if actor.is_staff:
        return
    if actor.role == "technicien":
        if not is_assigned(session, intervention.id, actor.technicien_id):
            raise ServiceError(NOT_ASSIGNED, field="intervention_id", rule="non_affecte")
        return
    raise ServiceError(
        f"Votre profil ne permet pas de {what}.", field="intervention_id", rule="profil"
    )


@contextmanager
def database_refusal(session: Session) -> Iterator[None]:
    """Run a write in a savepoint; a refusal of the database becomes a French ``ServiceError``.

    The savepoint is rolled back, so nothing of the refused write stays and the caller's
    transaction remains usable. A lost connection is not a refusal: it is raised as is (the
    page shows "base de données indisponible").
    """
    try:
        with session.begin_nested():
            yield
    except DBAPIError as exc:
        if health.is_unavailable(exc):
            raise
        raise describe(exc) from exc


def affected(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE changed (0: the row was hidden by row-level security or
    changed meanwhile)."""
    return cast("CursorResult[Any]", result).rowcount
