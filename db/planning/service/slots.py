"""Slots of the planning: the calendar's reads and the planner's writes.

* ``list_slots(*, session, start, end, technicien_ids=None, equipe=None, zone=None,
  client_id=None)`` → ``list[SlotRow]``: the slots overlapping a visible range (≤ 62 days,
  ≤ 2,000 rows), an index range on ``planning.date_debut`` (a slot lasts ≤ 14 days), scoped by
  row-level security (a technician sees their interventions' slots, a client its company's);
* ``unplanned_interventions(*, session, limit=50)`` → ``list[UnplannedRow]``: ``ouverte`` /
  ``affectee`` interventions without a slot, most urgent first (priority, deadline), read
  from the per-status partial indexes of the unplanned ones (revision 0016);
* ``create_slot``, ``move_slot`` (checked against the ``date_modification`` the user saw),
  ``annotate_slot``, ``delete_slot``: managers only; ``confirm_slot``: managers, or a
  technician on their own slots;
* ``list_technicians(*, session, actor, equipe=None, zone=None, limit=200)``: the per-technician
  view's rows with today's availability (absences included);
* ``technician_agenda(*, session, actor, start, end)`` → ``Agenda``: the acting technician's
  slots and absences.

Every write is refused by the database too (overlap of any technician of the intervention,
absence, cancelled or archived intervention, 0 minute or over 14 days): the services say it
first, in French, beside the field; a refusal that only the database sees (a race) comes back
the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.errors import ConflictError, ServiceError, ValidationError
from db.interventions.service.common import same_instant
from db.planning.service.absences import list_absences
from db.planning.service.common import (
    MAX_ROWS,
    MAX_SLOT,
    Agenda,
    SlotRow,
    TechnicianRow,
    UnplannedRow,
    clean_period,
    clean_range,
    fmt_instant,
    is_manager,
    is_refusal,
    refusal,
    require_manager,
)
from db.planning.service.conflicts import first_conflict
from db.session import Actor
from db.validation import clamp_int, clean_bool, clean_id, clean_text

MAX_FILTER_IDS = 200
CRENEAU_MAX = 100  # planning.creneau is VARCHAR(100)
NOTES_MAX = 4000
SLOT_CONFLICT_MESSAGE = (
    "Ce créneau a été modifié par quelqu'un d'autre entre-temps : rechargez la page."
)

_SLOT_COLUMNS = """
    p.id AS planning_id, p.intervention_id, i.titre, i.statut::text AS statut,
    i.priorite::text AS priorite, i.type_intervention::text AS type_intervention, i.urgence,
    p.date_debut, p.date_fin, p.creneau, p.notes_planning, p.confirme, p.rappel_envoye,
    p.date_modification, e.id AS equipement_id, e.nom AS equipement_nom,
    c.id AS client_id, c.nom_entreprise AS client_nom, i.technicien_id,
    u.full_name AS technicien_nom,
    ARRAY(SELECT it.technicien_id FROM intervention_techniciens it
           WHERE it.intervention_id = p.intervention_id
           ORDER BY (it.role <> 'principal'), it.technicien_id) AS technicien_ids
"""

_SLOT_FROM = """
  FROM planning p
  JOIN interventions i ON i.id = p.intervention_id
  JOIN equipements e ON e.id = i.equipement_id
  JOIN clients c ON c.id = i.client_id
  LEFT JOIN techniciens t ON t.id = i.technicien_id
  LEFT JOIN users u ON u.id = t.user_id
"""


def _slot(row: Any) -> SlotRow:
    return SlotRow(
        planning_id=row.planning_id,
        intervention_id=row.intervention_id,
        titre=row.titre,
        statut=row.statut,
        priorite=row.priorite,
        type_intervention=row.type_intervention,
        urgence=bool(row.urgence),
        date_debut=row.date_debut,
        date_fin=row.date_fin,
        creneau=row.creneau,
        notes_planning=row.notes_planning,
        confirme=bool(row.confirme),
        rappel_envoye=bool(row.rappel_envoye),
        date_modification=row.date_modification,
        equipement_id=row.equipement_id,
        equipement_nom=row.equipement_nom,
        client_id=row.client_id,
        client_nom=row.client_nom,
        technicien_id=row.technicien_id,
        technicien_nom=row.technicien_nom,
        technicien_ids=tuple(row.technicien_ids or ()),
    )


def clean_ids(values: Any, *, field: str, label: str) -> list[int] | None:
    """A list filter of record ids (None: no filter), at most ``MAX_FILTER_IDS``."""
    if values is None:
        return None
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | set | frozenset):
        raise ValidationError({field: f"{label} : liste attendue."})
    if len(values) > MAX_FILTER_IDS:
        raise ValidationError({field: f"{label} : {MAX_FILTER_IDS} au plus."})
    out: list[int] = []
    for v in values:
        i = clean_id(v, field=field, label=label)
        if i not in out:
            out.append(i)
    return out


def list_slots(
    *,
    session: Session,
    start: datetime,
    end: datetime,
    technicien_ids: Sequence[int] | None = None,
    equipe: str | None = None,
    zone: str | None = None,
    client_id: int | None = None,
) -> list[SlotRow]:
    """Slots overlapping ``[start, end)`` (a visible range of at most 62 days), by start,
    filtered by technicians (principal or assistant), team, zone or client; at most 2,000."""
    debut, fin = clean_range(start, end)
    tids = clean_ids(technicien_ids, field="technicien_ids", label="Techniciens")
    team = clean_text(equipe, field="equipe", label="Équipe", max_len=100)
    area = clean_text(zone, field="zone", label="Zone", max_len=100)
    cid = None if client_id is None else clean_id(client_id, field="client_id", label="Client")
    where = [
        "p.date_debut < :fin",
        "p.date_fin > :debut",
        # a slot lasts at most 14 days: the start is an index range
        "p.date_debut > :earliest",
    ]
    params: dict[str, Any] = {
        "debut": debut,
        "fin": fin,
        "earliest": debut - MAX_SLOT,
        "lim": MAX_ROWS,
    }
    if tids is not None:
        where.append(
            "EXISTS (SELECT 1 FROM intervention_techniciens f WHERE"
            " f.intervention_id = p.intervention_id AND f.technicien_id = ANY(:tids))"
        )
        params["tids"] = tids
    if team is not None or area is not None:
        where.append(
            "EXISTS (SELECT 1 FROM intervention_techniciens f JOIN techniciens ft"
            " ON ft.id = f.technicien_id WHERE f.intervention_id = p.intervention_id"
            " AND (CAST(:equipe AS text) IS NULL OR ft.equipe = :equipe)"
            " AND (CAST(:zone AS text) IS NULL OR ft.zone_geographique = :zone))"
        )
        params["equipe"] = team
        params["zone"] = area
    if cid is not None:
        where.append("i.client_id = :cid")
        params["cid"] = cid
    sql = (
        f"SELECT {_SLOT_COLUMNS} {_SLOT_FROM} WHERE {' AND '.join(where)}"
        " ORDER BY p.date_debut, p.id LIMIT :lim"
    )
    return [_slot(r) for r in session.execute(text(sql), params)]


# One LIMITed range per status on the partial indexes idx_intervention_unplanned_<statut>
# (priorite, date_limite, id) WHERE statut = ... AND NOT planifiee (revision 0016), then merged:
# the indexes hold only unplanned rows, so each range reads ``limit`` rows at most, at any
# size. Each WHERE states the index predicate word for word: under row-level security the
# enum equality is not leakproof, only a predicate it implies makes it an index range. The
# NOT EXISTS is a belt (one planning look-up per row returned): the flag is derived by
# trg_planning_planifiee and guarded, but a slot is what "planned" means.
_UNPLANNED_SQL = text(
    """
    SELECT i.id, i.titre, i.statut::text AS statut, i.priorite::text AS priorite, i.urgence,
           i.type_intervention::text AS type_intervention, i.date_limite, i.duree_estimee,
           e.nom AS equipement_nom, c.nom_entreprise AS client_nom, i.technicien_id,
           u.full_name AS technicien_nom
      FROM (
        (SELECT o.id FROM interventions o
          WHERE o.statut = 'ouverte' AND NOT o.planifiee
            AND NOT EXISTS (SELECT 1 FROM planning p WHERE p.intervention_id = o.id)
          ORDER BY o.priorite, o.date_limite, o.id LIMIT :lim)
        UNION ALL
        (SELECT a.id FROM interventions a
          WHERE a.statut = 'affectee' AND NOT a.planifiee
            AND NOT EXISTS (SELECT 1 FROM planning p WHERE p.intervention_id = a.id)
          ORDER BY a.priorite, a.date_limite, a.id LIMIT :lim)
      ) AS pick
      JOIN interventions i ON i.id = pick.id
      JOIN equipements e ON e.id = i.equipement_id
      JOIN clients c ON c.id = i.client_id
      LEFT JOIN techniciens t ON t.id = i.technicien_id
      LEFT JOIN users u ON u.id = t.user_id
     ORDER BY i.priorite, i.urgence DESC, i.date_limite, i.id
     LIMIT :lim
    """
)


def unplanned_interventions(*, session: Session, limit: int = 50) -> list[UnplannedRow]:
    """``ouverte`` and ``affectee`` interventions without a slot, most urgent first
    (priority, urgency, deadline), at most ``limit`` (≤ 200)."""
    lim = clamp_int(limit, field="limit", label="Nombre", low=1, high=200)
    return [
        UnplannedRow(
            intervention_id=r.id,
            titre=r.titre,
            statut=r.statut,
            priorite=r.priorite,
            urgence=bool(r.urgence),
            type_intervention=r.type_intervention,
            date_limite=r.date_limite,
            duree_estimee=float(r.duree_estimee) if r.duree_estimee is not None else None,
            equipement_nom=r.equipement_nom,
            client_nom=r.client_nom,
            technicien_id=r.technicien_id,
            technicien_nom=r.technicien_nom,
        )
        for r in session.execute(_UNPLANNED_SQL, {"lim": lim})
    ]


def _technicians_of(session: Session, intervention_id: int) -> list[int]:
    return list(
        session.scalars(
            text(
                "SELECT technicien_id FROM intervention_techniciens"
                " WHERE intervention_id = :iid ORDER BY technicien_id"
            ),
            {"iid": intervention_id},
        )
    )


def _write(session: Session, sql: str, params: dict[str, Any]) -> Any:
    """Run one write in a savepoint; a database refusal comes back as a French
    ``ValidationError`` beside its field (nothing written)."""
    try:
        with session.begin_nested():
            return session.execute(text(sql), params).first()
    except DBAPIError as exc:
        if not is_refusal(exc):
            raise
        raise refusal(exc) from None


def create_slot(
    *,
    session: Session,
    actor: Actor,
    intervention_id: int,
    date_debut: datetime,
    date_fin: datetime,
    creneau: str | None = None,
    notes_planning: str | None = None,
) -> int:
    """Plan an intervention (managers): its slot, for all its technicians; returns the
    planning id. Refused with a French message beside the field: end before start, 0 minute,
    over 14 days, intervention unknown, cancelled, archived or already planned, a technician
    absent or already planned then (the other intervention named)."""
    require_manager(actor, "planifient les interventions")
    errors: dict[str, str] = {}
    iid = 0
    try:
        iid = clean_id(intervention_id, field="intervention_id", label="Intervention")
    except ServiceError as exc:
        errors["intervention_id"] = exc.message
    texts: dict[str, str | None] = {}
    for name, value, label, size in (
        ("creneau", creneau, "Créneau", CRENEAU_MAX),
        ("notes_planning", notes_planning, "Notes", NOTES_MAX),
    ):
        try:
            texts[name] = clean_text(value, field=name, label=label, max_len=size)
        except ServiceError as exc:
            errors[name] = exc.message
    try:
        debut, fin = clean_period(
            date_debut, date_fin, label="créneau", max_length=MAX_SLOT, max_label="14 jours"
        )
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    head = session.execute(
        text(
            "SELECT i.id, i.statut::text AS statut, p.id AS planning_id, p.date_debut"
            " FROM interventions i LEFT JOIN planning p ON p.intervention_id = i.id"
            " WHERE i.id = :iid FOR UPDATE OF i"
        ),
        {"iid": iid},
    ).first()
    if head is None:
        raise ValidationError({"intervention_id": "Intervention introuvable."})
    if head.statut in ("annulee", "archivee"):
        raise ValidationError(
            {"intervention_id": "Intervention annulée ou archivée : on ne la planifie plus."}
        )
    if head.planning_id is not None:
        raise ValidationError(
            {
                "intervention_id": "Intervention déjà planifiée (créneau du "
                f"{fmt_instant(head.date_debut)}) : déplacez ce créneau."
            }
        )
    clash = first_conflict(session, _technicians_of(session, iid), debut, fin)
    if clash:
        raise ValidationError({"date_debut": clash})
    row = _write(
        session,
        "INSERT INTO planning (intervention_id, date_debut, date_fin, creneau, notes_planning)"
        " VALUES (:iid, :debut, :fin, :creneau, :notes) RETURNING id",
        {
            "iid": iid,
            "debut": debut,
            "fin": fin,
            "creneau": texts["creneau"],
            "notes": texts["notes_planning"],
        },
    )
    return int(row.id)


def _slot_head(session: Session, planning_id: Any, *, lock: bool = True) -> Any:
    pid = clean_id(planning_id, field="planning_id", label="Créneau")
    return session.execute(
        text(
            "SELECT p.id, p.intervention_id, p.date_debut, p.date_fin, p.date_modification,"
            " i.statut::text AS statut FROM planning p JOIN interventions i"
            " ON i.id = p.intervention_id WHERE p.id = :pid" + (" FOR UPDATE OF p" if lock else "")
        ),
        {"pid": pid},
    ).first()


def _is_on(session: Session, actor: Actor, intervention_id: int) -> bool:
    if actor.technicien_id is None:
        return False
    return actor.technicien_id in _technicians_of(session, intervention_id)


def _check_version(head: Any, expected: Any) -> None:
    if expected is None:
        return
    try:
        same = same_instant(head.date_modification, expected)
    except (TypeError, ValueError):
        same = False  # not an instant at all: not the version the user saw
    if not same:
        raise ConflictError(SLOT_CONFLICT_MESSAGE, rule="conflict")


def _refuse_non_manager_move(session: Session, actor: Actor, head: Any) -> None:
    if is_manager(actor):
        return
    if actor.role == "technicien":
        if head is None or not _is_on(session, actor, head.intervention_id):
            raise ServiceError(
                "Ce créneau n'est pas le vôtre : vous ne pouvez pas déplacer le créneau d'un"
                " autre technicien.",
                field="planning_id",
                rule="role",
            )
        raise ServiceError(
            "Seul un responsable déplace un créneau ; vous pouvez confirmer le vôtre.",
            field="planning_id",
            rule="role",
        )
    require_manager(actor, "déplacent les créneaux")


def move_slot(
    *,
    session: Session,
    actor: Actor,
    planning_id: int,
    date_debut: datetime,
    date_fin: datetime,
    expected_modification: datetime | str | None = None,
) -> datetime:
    """Move or resize a slot (managers); returns its new ``date_modification``. Checked
    against the ``date_modification`` the user saw (``ConflictError`` when it changed), then
    like ``create_slot``; ``interventions.date_planifiee`` follows (database trigger)."""
    if actor.role != "technicien":
        require_manager(actor, "déplacent les créneaux")  # a client: before reading anything
    head = _slot_head(session, planning_id, lock=is_manager(actor))
    _refuse_non_manager_move(session, actor, head)
    if head is None:
        raise ValidationError({"planning_id": "Créneau introuvable."})
    _check_version(head, expected_modification)
    debut, fin = clean_period(
        date_debut, date_fin, label="créneau", max_length=MAX_SLOT, max_label="14 jours"
    )
    if head.statut in ("annulee", "archivee"):
        raise ValidationError(
            {"planning_id": "Intervention annulée ou archivée : son créneau ne se déplace plus."}
        )
    clash = first_conflict(
        session, _technicians_of(session, head.intervention_id), debut, fin, planning_id=head.id
    )
    if clash:
        raise ValidationError({"date_debut": clash})
    row = _write(
        session,
        "UPDATE planning SET date_debut = :debut, date_fin = :fin WHERE id = :pid"
        " RETURNING date_modification",
        {"debut": debut, "fin": fin, "pid": head.id},
    )
    new: datetime = row.date_modification
    return new


def confirm_slot(
    *, session: Session, actor: Actor, planning_id: int, confirme: bool = True
) -> datetime:
    """Confirm (or un-confirm) a slot: managers any, a technician only a slot of an
    intervention they work on; returns the new ``date_modification``."""
    if not is_manager(actor) and actor.role != "technicien":
        require_manager(actor, "confirment les créneaux")
    value = clean_bool(confirme, field="confirme", label="Confirmé")
    head = _slot_head(session, planning_id)
    if head is None or (not is_manager(actor) and not _is_on(session, actor, head.intervention_id)):
        raise ServiceError(
            "Créneau introuvable, ou celui d'un autre technicien : vous ne confirmez que les"
            " vôtres.",
            field="planning_id",
            rule="role",
        )
    row = _write(
        session,
        "UPDATE planning SET confirme = :c WHERE id = :pid RETURNING date_modification",
        {"c": value, "pid": head.id},
    )
    new: datetime = row.date_modification
    return new


def annotate_slot(
    *,
    session: Session,
    actor: Actor,
    planning_id: int,
    creneau: str | None,
    notes_planning: str | None,
    expected_modification: datetime | str | None = None,
) -> datetime:
    """Set a slot's label (``creneau``, ≤ 100 characters) and notes (managers); returns the
    new ``date_modification``."""
    require_manager(actor, "annotent les créneaux")
    errors: dict[str, str] = {}
    texts: dict[str, str | None] = {}
    for name, value, label, size in (
        ("creneau", creneau, "Créneau", CRENEAU_MAX),
        ("notes_planning", notes_planning, "Notes", NOTES_MAX),
    ):
        try:
            texts[name] = clean_text(value, field=name, label=label, max_len=size)
        except ServiceError as exc:
            errors[name] = exc.message
    if errors:
        raise ValidationError(errors)
    head = _slot_head(session, planning_id)
    if head is None:
        raise ValidationError({"planning_id": "Créneau introuvable."})
    _check_version(head, expected_modification)
    row = _write(
        session,
        "UPDATE planning SET creneau = :creneau, notes_planning = :notes WHERE id = :pid"
        " RETURNING date_modification",
        {"creneau": texts["creneau"], "notes": texts["notes_planning"], "pid": head.id},
    )
    new: datetime = row.date_modification
    return new


def delete_slot(*, session: Session, actor: Actor, planning_id: int) -> None:
    """Remove a slot (managers): its technicians are free again and the intervention is back
    among the unplanned ones (its ``date_planifiee`` keeps the date it had)."""
    require_manager(actor, "suppriment les créneaux")
    head = _slot_head(session, planning_id)
    if head is None:
        raise ValidationError({"planning_id": "Créneau introuvable."})
    _write(session, "DELETE FROM planning WHERE id = :pid RETURNING id", {"pid": head.id})


def list_technicians(
    *,
    session: Session,
    actor: Actor,
    equipe: str | None = None,
    zone: str | None = None,
    limit: int = 200,
) -> list[TechnicianRow]:
    """Active technicians by name (filtered by team / zone), with the availability of today:
    an absence's reason when one covers now, else the stored ``disponibilite``. Staff and
    technicians (a client sees no team)."""
    if actor.role not in ("admin", "responsable", "technicien"):
        raise ServiceError("Liste des techniciens réservée au personnel.", rule="role")
    team = clean_text(equipe, field="equipe", label="Équipe", max_len=100)
    area = clean_text(zone, field="zone", label="Zone", max_len=100)
    lim = clamp_int(limit, field="limit", label="Nombre", low=1, high=500)
    rows = session.execute(
        text(
            "SELECT t.id, u.full_name, t.equipe, t.zone_geographique,"
            " technicien_disponibilite_effective(t.id, now())::text AS dispo"
            " FROM techniciens t JOIN users u ON u.id = t.user_id"
            " WHERE u.is_active AND u.role = 'technicien'"
            " AND (CAST(:equipe AS text) IS NULL OR t.equipe = :equipe)"
            " AND (CAST(:zone AS text) IS NULL OR t.zone_geographique = :zone)"
            " ORDER BY u.full_name, t.id LIMIT :lim"
        ),
        {"equipe": team, "zone": area, "lim": lim},
    )
    return [
        TechnicianRow(
            technicien_id=r.id,
            nom=r.full_name,
            equipe=r.equipe,
            zone=r.zone_geographique,
            disponibilite=r.dispo,
        )
        for r in rows
    ]


def technician_agenda(*, session: Session, actor: Actor, start: datetime, end: datetime) -> Agenda:
    """The acting technician's own slots (principal or assistant) and absences over
    ``[start, end)`` ("Mon planning")."""
    if actor.technicien_id is None:
        raise ServiceError("Seul un technicien a un agenda.", rule="role")
    tid = actor.technicien_id
    return Agenda(
        slots=list_slots(session=session, start=start, end=end, technicien_ids=[tid]),
        absences=list_absences(
            session=session, actor=actor, start=start, end=end, technicien_ids=[tid]
        ),
    )
