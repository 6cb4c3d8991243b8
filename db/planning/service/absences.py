"""Technician absences (leave, training, unavailable), managed on the planning page.

* ``list_absences(*, session, actor, start, end, technicien_ids=None)`` → ``list[AbsenceRow]``:
  absences overlapping a visible range (managers: all; a technician: their own);
* ``create_absence(*, session, actor, technicien_id, date_debut, date_fin, motif="conge",
  notes=None, confirm=False)`` → ``AbsenceResult``: managers. Planned work the absence falls
  on is listed and nothing is written until ``confirm=True``; then those slots are removed
  (their interventions go back to the unplanned list) and the absence is written, in the same
  transaction. Work already closed over that period, or another absence, refuses it;
* ``delete_absence(*, session, actor, absence_id)``: managers.

The database holds the rule (an absence occupies the technician in ``planning_occupations``:
no slot may overlap it, whatever path writes).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.errors import ServiceError, ValidationError
from db.planning.service.common import (
    MAX_ABSENCE,
    MAX_ROWS,
    MOTIF_LABELS,
    AbsenceResult,
    AbsenceRow,
    SlotConflict,
    clean_period,
    clean_range,
    fmt_instant,
    is_manager,
    is_refusal,
    refusal,
    require_manager,
)
from db.session import Actor
from db.validation import clean_choice, clean_id, clean_text

NOTES_MAX = 2000


def _clean_ids(values: Any) -> list[int] | None:
    if values is None:
        return None
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | set | frozenset):
        raise ValidationError({"technicien_ids": "Techniciens : liste attendue."})
    if len(values) > 200:
        raise ValidationError({"technicien_ids": "Techniciens : 200 au plus."})
    return sorted({clean_id(v, field="technicien_ids", label="Technicien") for v in values})


def list_absences(
    *,
    session: Session,
    actor: Actor,
    start: datetime,
    end: datetime,
    technicien_ids: Sequence[int] | None = None,
) -> list[AbsenceRow]:
    """Absences overlapping ``[start, end)`` (≤ 62 days), by start; managers see every
    technician's, a technician their own (row-level security), a client none."""
    if not is_manager(actor) and actor.role != "technicien":
        raise ServiceError("Les absences ne sont visibles que du personnel.", rule="role")
    debut, fin = clean_range(start, end)
    tids = _clean_ids(technicien_ids)
    rows = session.execute(
        text(
            "SELECT a.id, a.technicien_id, u.full_name, a.date_debut, a.date_fin,"
            " a.motif::text AS motif, a.notes"
            " FROM absences a JOIN techniciens t ON t.id = a.technicien_id"
            " JOIN users u ON u.id = t.user_id"
            " WHERE a.date_debut < :fin AND a.date_fin > :debut"
            # an absence lasts at most a year: the start is an index range
            " AND a.date_debut > :earliest"
            " AND (CAST(:tids AS integer[]) IS NULL OR a.technicien_id = ANY(:tids))"
            " ORDER BY a.date_debut, a.id LIMIT :lim"
        ),
        {
            "debut": debut,
            "fin": fin,
            "earliest": debut - MAX_ABSENCE,
            "tids": tids,
            "lim": MAX_ROWS,
        },
    )
    return [
        AbsenceRow(
            absence_id=r.id,
            technicien_id=r.technicien_id,
            technicien_nom=r.full_name,
            date_debut=r.date_debut,
            date_fin=r.date_fin,
            motif=r.motif,
            notes=r.notes,
        )
        for r in rows
    ]


_OVERLAPS = text(
    """
    SELECT o.absence_id, o.planning_id, o.intervention_id, lower(o.periode) AS debut,
           upper(o.periode) AS fin, i.titre, i.statut::text AS statut, a.motif::text AS motif
      FROM planning_occupations o
      LEFT JOIN interventions i ON i.id = o.intervention_id
      LEFT JOIN absences a ON a.id = o.absence_id
     WHERE o.technicien_id = :tid AND o.periode && tstzrange(:debut, :fin)
     ORDER BY lower(o.periode), o.id
     LIMIT 200
    """
)


def create_absence(
    *,
    session: Session,
    actor: Actor,
    technicien_id: int,
    date_debut: datetime,
    date_fin: datetime,
    motif: str = "conge",
    notes: str | None = None,
    confirm: bool = False,
) -> AbsenceResult:
    """Record an absence (managers). Planned work over the period comes back as
    ``conflicts`` with nothing written unless ``confirm`` is True, in which case those slots
    are removed and the absence written, together. French ``ValidationError`` per field: end
    before start, 0 minute, over a year, unknown technician or reason, another absence then,
    work already closed then."""
    require_manager(actor, "enregistrent les absences")
    errors: dict[str, str] = {}
    tid = 0
    try:
        tid = clean_id(technicien_id, field="technicien_id", label="Technicien")
    except ServiceError as exc:
        errors["technicien_id"] = exc.message
    chosen: str | None = None
    try:
        chosen = clean_choice(motif, field="motif", label="Motif", choices=MOTIF_LABELS)
        if chosen is None:
            errors["motif"] = "Motif : champ obligatoire."
    except ServiceError as exc:
        errors["motif"] = exc.message
    note: str | None = None
    try:
        note = clean_text(notes, field="notes", label="Notes", max_len=NOTES_MAX)
    except ServiceError as exc:
        errors["notes"] = exc.message
    if not isinstance(confirm, bool):
        errors["confirm"] = "Confirmation : oui ou non attendu."
    try:
        debut, fin = clean_period(
            date_debut, date_fin, label="absence", max_length=MAX_ABSENCE, max_label="un an"
        )
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    # Locked: two managers recording absences of one technician at once take turns here.
    found = session.execute(
        text("SELECT id FROM techniciens WHERE id = :tid FOR UPDATE"), {"tid": tid}
    ).first()
    if found is None:
        raise ValidationError({"technicien_id": "Technicien inconnu."})
    overlaps = session.execute(_OVERLAPS, {"tid": tid, "debut": debut, "fin": fin}).all()
    for o in overlaps:
        period = f"du {fmt_instant(o.debut)} au {fmt_instant(o.fin)}"
        if o.absence_id is not None:
            label = MOTIF_LABELS.get(o.motif, o.motif).lower()
            raise ValidationError(
                {"date_debut": f"Ce technicien est déjà absent ({label}) {period}."}
            )
        if o.statut == "cloturee":
            raise ValidationError(
                {
                    "date_debut": f"Travail déjà réalisé sur cette période : intervention"
                    f" n° {o.intervention_id} « {o.titre} » {period}."
                }
            )
    conflicts = [
        SlotConflict(
            planning_id=o.planning_id,
            intervention_id=o.intervention_id,
            titre=o.titre,
            statut=o.statut,
            date_debut=o.debut,
            date_fin=o.fin,
        )
        for o in overlaps
    ]
    if conflicts and not confirm:
        return AbsenceResult(absence_id=None, conflicts=conflicts)
    try:
        with session.begin_nested():
            if conflicts:
                session.execute(
                    text("DELETE FROM planning WHERE id = ANY(:ids)"),
                    {"ids": [c.planning_id for c in conflicts]},
                )
            new_id = session.execute(
                text(
                    "INSERT INTO absences (technicien_id, date_debut, date_fin, motif, notes)"
                    " VALUES (:tid, :debut, :fin, CAST(:motif AS motif_absence), :notes)"
                    " RETURNING id"
                ),
                {"tid": tid, "debut": debut, "fin": fin, "motif": chosen, "notes": note},
            ).scalar_one()
    except DBAPIError as exc:
        if not is_refusal(exc):
            raise
        raise refusal(exc) from None
    return AbsenceResult(absence_id=int(new_id), conflicts=conflicts)


def delete_absence(*, session: Session, actor: Actor, absence_id: int) -> None:
    """Remove an absence (managers): the technician may be planned over it again."""
    require_manager(actor, "suppriment les absences")
    aid = clean_id(absence_id, field="absence_id", label="Absence")
    gone = session.execute(
        text("DELETE FROM absences WHERE id = :aid RETURNING id"), {"aid": aid}
    ).first()
    if gone is None:
        raise ValidationError({"absence_id": "Absence introuvable."})
