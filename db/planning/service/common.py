"""Shared pieces of the planning service: rows returned to the page, period checks, roles.

Periods are half-open ``[debut, fin)`` instants (aware datetimes; naive ones are read in
Morocco's time zone), like the database's ``tstzrange`` occupations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError

from db.errors import ServiceError, ValidationError, describe
from db.session import Actor
from db.validation import BUSINESS_TZ, clean_datetime

MANAGER_ROLES = ("admin", "responsable")
MAX_SLOT = timedelta(days=14)  # ck_planning_duree
MAX_ABSENCE = timedelta(days=366)  # ck_absences_duree
# The widest range a calendar may ask for (a month view with its margins): every list is an
# index range on the start date, bounded whatever the history.
MAX_RANGE = timedelta(days=62)
MAX_ROWS = 2000  # slots or absences in one visible range, at most

MOTIF_LABELS: dict[str, str] = {
    "conge": "Congé",
    "formation": "Formation",
    "indisponible": "Indisponible",
}

# A database refusal's rule → the form field it concerns.
RULE_FIELDS: dict[str, str] = {
    "excl_occupation_chevauchement": "date_debut",
    "planning_intervention_close": "intervention_id",
    "planning_date_planifiee": "date_debut",
    "ck_planning_duree": "date_fin",
    "ck_planning_dates": "date_fin",
    "uq_planning_intervention_id": "intervention_id",
    "ck_absences_dates": "date_fin",
    "ck_absences_duree": "date_fin",
}


@dataclass(frozen=True)
class SlotRow:
    """One planned slot as the calendar shows it."""

    planning_id: int
    intervention_id: int
    titre: str
    statut: str
    priorite: str
    type_intervention: str
    urgence: bool
    date_debut: datetime
    date_fin: datetime
    creneau: str | None
    notes_planning: str | None
    confirme: bool
    rappel_envoye: bool
    date_modification: datetime
    equipement_id: int
    equipement_nom: str
    client_id: int
    client_nom: str
    technicien_id: int | None
    technicien_nom: str | None
    # Every technician of the intervention (principal first, then assistants by id).
    technicien_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class UnplannedRow:
    """An ``ouverte`` / ``affectee`` intervention without a slot."""

    intervention_id: int
    titre: str
    statut: str
    priorite: str
    urgence: bool
    type_intervention: str
    date_limite: datetime | None
    duree_estimee: float | None
    equipement_nom: str
    client_nom: str
    technicien_id: int | None
    technicien_nom: str | None


@dataclass(frozen=True)
class AbsenceRow:
    """One absence of a technician."""

    absence_id: int
    technicien_id: int
    technicien_nom: str
    date_debut: datetime
    date_fin: datetime
    motif: str
    notes: str | None


@dataclass(frozen=True)
class SlotConflict:
    """Planned work an absence would fall on."""

    planning_id: int
    intervention_id: int
    titre: str
    statut: str
    date_debut: datetime
    date_fin: datetime


@dataclass(frozen=True)
class AbsenceResult:
    """What ``create_absence`` did: the new absence's id (None when confirmation is needed)
    and the planned work it falls on (removed from the planning once confirmed)."""

    absence_id: int | None
    conflicts: list[SlotConflict] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        """True when nothing was written because planned work must be unplanned first."""
        return self.absence_id is None and bool(self.conflicts)


@dataclass(frozen=True)
class TechnicianRow:
    """A technician as the per-technician view lists them, with today's availability."""

    technicien_id: int
    nom: str
    equipe: str | None
    zone: str | None
    disponibilite: str  # follows the absences (technicien_disponibilite_effective)


@dataclass(frozen=True)
class Agenda:
    """A technician's own slots and absences over a range."""

    slots: list[SlotRow]
    absences: list[AbsenceRow]


def is_manager(actor: Actor) -> bool:
    """Admins and maintenance managers plan for everyone."""
    return actor.role in MANAGER_ROLES


def require_manager(actor: Actor, what: str) -> None:
    """``ServiceError`` unless the actor is an admin or a maintenance manager."""
    if not is_manager(actor):
        raise ServiceError(
            f"Seuls un administrateur ou un responsable maintenance {what}.", rule="role"
        )


def fmt_instant(value: datetime) -> str:
    """``31/12/2026 08:00`` in Morocco's time zone, for messages."""
    return value.astimezone(BUSINESS_TZ).strftime("%d/%m/%Y %H:%M")


def clean_period(
    start: Any, end: Any, *, label: str, max_length: timedelta, max_label: str
) -> tuple[datetime, datetime]:
    """Start and end of a slot or an absence, or ``ValidationError`` per field (French):
    missing, end before start, zero length, longer than ``max_length``."""
    errors: dict[str, str] = {}
    debut = fin = None
    try:
        debut = clean_datetime(start, field="date_debut", label="Début")
        if debut is None:
            errors["date_debut"] = "Début : date et heure obligatoires."
    except ServiceError as exc:
        errors["date_debut"] = exc.message
    try:
        fin = clean_datetime(end, field="date_fin", label="Fin")
        if fin is None:
            errors["date_fin"] = "Fin : date et heure obligatoires."
    except ServiceError as exc:
        errors["date_fin"] = exc.message
    if errors:
        raise ValidationError(errors)
    assert debut is not None and fin is not None
    if fin < debut:
        raise ValidationError({"date_fin": f"Fin : avant le début ({label})."})
    if fin == debut:
        raise ValidationError(
            {"date_fin": f"Fin : {label} de 0 minute, la fin doit suivre le début."}
        )
    if fin - debut > max_length:
        raise ValidationError({"date_fin": f"Fin : {label} de {max_label} au plus."})
    return debut, fin


def clean_range(start: Any, end: Any) -> tuple[datetime, datetime]:
    """A visible range (calendar): both ends, end after start, at most ``MAX_RANGE``."""
    errors: dict[str, str] = {}
    debut = fin = None
    try:
        debut = clean_datetime(start, field="start", label="Début de la période")
    except ServiceError as exc:
        errors["start"] = exc.message
    try:
        fin = clean_datetime(end, field="end", label="Fin de la période")
    except ServiceError as exc:
        errors["end"] = exc.message
    if not errors and (debut is None or fin is None):
        errors["start" if debut is None else "end"] = "Période : début et fin obligatoires."
    if errors:
        raise ValidationError(errors)
    assert debut is not None and fin is not None
    if fin <= debut:
        raise ValidationError({"end": "Période : la fin doit suivre le début."})
    if fin - debut > MAX_RANGE:
        raise ValidationError({"end": f"Période : {MAX_RANGE.days} jours au plus."})
    return debut, fin


def refusal(exc: BaseException) -> ServiceError:
    """A database refusal as a French ``ValidationError`` beside the field it concerns."""
    err = describe(exc)
    fld = RULE_FIELDS.get(err.rule or "") or err.field
    if fld:
        return ValidationError({fld: err.message})
    return err


def is_refusal(exc: BaseException) -> bool:
    """A rule of the database said no (integrity class 23, or a permission refused), as
    opposed to a lost connection or a bug, which are re-raised as they are."""
    if not isinstance(exc, DBAPIError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None) or ""
    return sqlstate.startswith("23") or sqlstate == "42501"
