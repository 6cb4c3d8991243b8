"""Create and edit a machine (serial number unique, client checked, optimistic concurrency)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import (
    exists,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.billing.models import ContratEquipement
from db.equipment.models import (
    Equipement,
)
from db.equipment.service.common import (
    CONFLICT_MESSAGE,
    NOT_FOUND_MESSAGE,
    require_writer,
)
from db.equipment.service.list import forget_searches
from db.equipment.service.validation import (
    EDITABLE_FIELDS,
    validate_equipement,
)
from db.errors import ConflictError, ServiceError, ValidationError
from db.interventions.models import Intervention
from db.people.models import Client
from db.session import Actor
from db.validation import (
    clean_id,
)

_E = Equipement
_C = Client


def _serial_owner(session: Session, numero_serie: str, exclude_id: int | None = None) -> Any:
    stmt = (
        select(_E.id, _E.nom, _C.nom_entreprise.label("client_nom"))
        .join(_C, _C.id == _E.client_id)
        .where(_E.numero_serie == numero_serie)
    )
    if exclude_id is not None:
        stmt = stmt.where(_E.id != exclude_id)
    return session.execute(stmt.limit(1)).first()


def _duplicate_serial_message(numero_serie: str, other: Any) -> str:
    return (
        f"Le numéro de série « {numero_serie} » est déjà utilisé par l'équipement"
        f" « {other.nom} » ({other.client_nom})."
    )


def _check_serial(session: Session, numero_serie: str, exclude_id: int | None = None) -> None:
    other = _serial_owner(session, numero_serie, exclude_id)
    if other is not None:
        raise ValidationError({"numero_serie": _duplicate_serial_message(numero_serie, other)})


def _check_client(session: Session, client_id: int) -> None:
    if session.scalar(select(_C.id).where(_C.id == client_id)) is None:
        raise ValidationError({"client_id": "Client : client inconnu."})


@contextmanager
def _naming_duplicate_serial(
    session: Session, numero_serie: str, exclude_id: int | None
) -> Iterator[None]:
    """Run the write in a savepoint; a concurrent duplicate serial number (which passed our
    check, then hit the unique constraint) still gets the message naming the other machine."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError as exc:
        rule = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        other = None
        if rule == "uq_equipements_numero_serie":
            with session.no_autoflush:
                other = _serial_owner(session, numero_serie, exclude_id)
        if other is not None:
            raise ValidationError(
                {"numero_serie": _duplicate_serial_message(numero_serie, other)}
            ) from exc
        raise


def create_equipement(*, session: Session, actor: Actor, data: Mapping[str, Any]) -> int:
    """Validate and insert a machine; returns its id."""
    require_writer(actor)
    clean = validate_equipement(data)
    _check_client(session, clean["client_id"])
    _check_serial(session, clean["numero_serie"])
    equipement = Equipement(**clean)
    with _naming_duplicate_serial(session, clean["numero_serie"], None):
        # Added inside the savepoint, so a refused insert leaves nothing pending behind.
        session.add(equipement)
        session.flush()
    forget_searches(session)  # a registry search kept by this process may now miss it
    return equipement.id


def update_equipement(
    *,
    session: Session,
    actor: Actor,
    equipement_id: int,
    expected_updated_at: datetime,
    data: Mapping[str, Any],
) -> datetime:
    """Validate and save the editable fields; returns the new ``updated_at``.

    Optimistic concurrency: the row is written only if it still has the ``updated_at`` the
    user loaded. Otherwise ``ConflictError`` and nothing is overwritten.
    """
    require_writer(actor)
    equipement_id = clean_id(equipement_id, field="equipement_id", label="Équipement")
    clean = validate_equipement(data, fields=EDITABLE_FIELDS)
    current = session.execute(
        select(_E.client_id, _E.updated_at).where(_E.id == equipement_id)
    ).first()
    if current is None:
        raise ServiceError(NOT_FOUND_MESSAGE, rule="not_found")
    if not isinstance(expected_updated_at, datetime) or current.updated_at != expected_updated_at:
        raise ConflictError(CONFLICT_MESSAGE, rule="conflict")
    if clean["client_id"] != current.client_id:
        _check_client(session, clean["client_id"])
        _check_client_change_allowed(session, equipement_id)
    _check_serial(session, clean["numero_serie"], exclude_id=equipement_id)
    with _naming_duplicate_serial(session, clean["numero_serie"], equipement_id):
        new_stamp = session.execute(
            update(Equipement)
            .where(_E.id == equipement_id, _E.updated_at == expected_updated_at)
            .values(**clean)
            .returning(_E.updated_at)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
    if new_stamp is None:  # changed between our read and our write
        raise ConflictError(CONFLICT_MESSAGE, rule="conflict")
    forget_searches(session)  # its name or text may move it in (or out of) a kept search
    return new_stamp


def _check_client_change_allowed(session: Session, equipement_id: int) -> None:
    """A machine with interventions or contracts keeps its owner (their client must match)."""
    used = session.scalar(
        select(
            or_(
                exists().where(Intervention.equipement_id == equipement_id),
                exists().where(ContratEquipement.equipement_id == equipement_id),
            )
        )
    )
    if used:
        raise ValidationError(
            {
                "client_id": "Client : impossible de changer le propriétaire d'un équipement"
                " qui a déjà des interventions ou des contrats."
            }
        )
