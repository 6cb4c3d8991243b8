"""Dispatch: rank the technicians for an intervention, and assign it.

Offers:

* ``rank_technicians(*, session, intervention_id, limit=20)`` → ``list[RankedTechnician]``,
  best first, each with a score and the French reasons for it: required skills held and not
  expired at the required level (``intervention_competences`` against
  ``technicien_competence``), ``disponibilite``, zone vs. the client's city, current open load
  (principal), no overlapping planned work at ``date_planifiee`` (± ``duree_estimee``, or
  the intervention's slot: other open interventions planned then, and the planning's own
  rule, ``planning_occupations``: slots as principal or assistant, and absences; today's
  ``disponibilite`` follows the absences). Two set-wise queries whatever the number of
  technicians or interventions.
* ``assign(*, session, actor, intervention_id, principal_id, assistant_ids,
  expected_updated_at)`` → new ``updated_at``: managers only; writes
  ``interventions.technicien_id`` (the principal's ``intervention_techniciens`` row follows by
  trigger) and the assistants, and moves ``ouverte`` → ``affectee``. The row is locked and
  checked unchanged since the manager loaded it: of two managers assigning at once, the
  second is told and nothing is overwritten. The database notifies each technician added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from db.errors import ServiceError, ValidationError
from db.interventions.models import (
    Intervention,
    InterventionTechnicien,
    RoleIntervenant,
    StatutIntervention,
)
from db.interventions.service.common import NIVEAU_LABELS, is_manager
from db.interventions.service.write import _check_version, _locked
from db.people.models import Client, Technicien, User
from db.planning.models import Planning
from db.session import Actor
from db.validation import clamp_int, clean_id

MAX_ASSISTANTS = 10
DEFAULT_WINDOW_HOURS = Decimal(2)

DISPO_LABELS = {
    "disponible": "disponible",
    "occupe": "occupé",
    "conge": "en congé",
    "formation": "en formation",
    "indisponible": "indisponible",
}

# One query: every active technician with the counts the score needs. The skills, the load
# and the overlaps are correlated sub-queries on indexes (technicien_competence's key,
# idx_intervention_technicien_statut), so the cost grows with the number of technicians,
# never with the history of interventions.
_RANK_SQL = text(
    """
    WITH req AS (
        SELECT ic.competence_id, ic.niveau_requis, c.nom
          FROM intervention_competences ic JOIN competences c ON c.id = ic.competence_id
         WHERE ic.intervention_id = :iid
    ), busy AS (
        -- the planning's own rule (revision 0014): every slot of another intervention, as
        -- principal or assistant, and every absence, from planning_occupations (GiST index)
        SELECT o.technicien_id, bool_or(o.absence_id IS NOT NULL) AS absent
          FROM planning_occupations o
         WHERE CAST(:win_start AS timestamptz) IS NOT NULL
           AND o.periode && tstzrange(CAST(:win_start AS timestamptz),
                                      CAST(:win_end AS timestamptz))
           AND o.intervention_id IS DISTINCT FROM :iid
         GROUP BY o.technicien_id
    ), scored AS (
        SELECT t.id, u.full_name,
               -- today's availability follows the absences
               technicien_disponibilite_effective(t.id, now())::text AS disponibilite,
               COALESCE((SELECT b.absent FROM busy b WHERE b.technicien_id = t.id), false)
                   AS absent,
               t.zone_geographique, t.specialite,
               (SELECT count(*) FROM req) AS nb_requis,
               (SELECT COALESCE(array_agg(r.nom ORDER BY r.nom), '{}') FROM req r
                 WHERE EXISTS (
                     SELECT 1 FROM technicien_competence tc
                      WHERE tc.technicien_id = t.id AND tc.competence_id = r.competence_id
                        AND tc.niveau_acquis >= r.niveau_requis
                        AND (tc.date_expiration IS NULL OR tc.date_expiration >= current_date)
                 )) AS competences_ok,
               (SELECT COALESCE(array_agg(r.nom || ' (' ||
                        CASE WHEN tc.technicien_id IS NULL THEN 'absente'
                             WHEN tc.date_expiration < current_date THEN 'expirée'
                             ELSE 'niveau ' || tc.niveau_acquis::text || ' < '
                                  || r.niveau_requis::text END || ')' ORDER BY r.nom), '{}')
                  FROM req r LEFT JOIN technicien_competence tc
                    ON tc.technicien_id = t.id AND tc.competence_id = r.competence_id
                 WHERE tc.technicien_id IS NULL OR tc.niveau_acquis < r.niveau_requis
                    OR tc.date_expiration < current_date) AS competences_ko,
               (SELECT count(*) FROM interventions o
                 WHERE o.technicien_id = t.id
                   AND o.statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente')) AS charge,
               (CAST(:win_start AS timestamptz) IS NOT NULL AND (
                   EXISTS (SELECT 1 FROM interventions o
                            WHERE o.technicien_id = t.id AND o.id <> :iid
                              AND o.statut IN ('affectee', 'en_cours', 'en_attente')
                              AND o.date_planifiee < :win_end
                              AND o.date_planifiee
                                  + make_interval(mins => (COALESCE(o.duree_estimee, 2) * 60)::int)
                                  > :win_start)
                   OR t.id IN (SELECT technicien_id FROM busy))) AS chevauchement,
               (:ville <> '' AND t.zone_geographique IS NOT NULL AND (
                   lower(t.zone_geographique) LIKE '%' || lower(:ville) || '%'
                   OR lower(:ville) LIKE '%' || lower(t.zone_geographique) || '%')) AS meme_zone
          FROM techniciens t JOIN users u ON u.id = t.user_id
         WHERE u.is_active AND u.role = 'technicien'
    )
    SELECT s.*,
           (CASE WHEN s.nb_requis = 0 THEN 40
                 ELSE 40.0 * cardinality(s.competences_ok) / s.nb_requis END)
           + (CASE s.disponibilite WHEN 'disponible' THEN 20 WHEN 'occupe' THEN 5 ELSE -50 END)
           + (CASE WHEN s.meme_zone THEN 15 ELSE 0 END)
           + GREATEST(0, 15 - 3 * s.charge)
           + (CASE WHEN s.chevauchement THEN -30 ELSE 0 END)
           + (CASE WHEN s.absent THEN -50 ELSE 0 END) AS score
      FROM scored s
     ORDER BY score DESC, s.charge, s.full_name, s.id
     LIMIT :lim
    """
)


@dataclass(frozen=True)
class RankedTechnician:
    """One technician's place in the dispatch ranking and why."""

    technicien_id: int
    nom: str
    score: float
    raisons: list[str] = field(default_factory=list)
    competences_ok: bool = True
    disponible: bool = True
    charge: int = 0
    chevauchement: bool = False
    meme_zone: bool = False
    absent: bool = False  # an absence covers the planned date


def _reasons(row: Any, ville: str) -> list[str]:
    out: list[str] = []
    if row.nb_requis == 0:
        out.append("Aucune compétence requise indiquée")
    elif not row.competences_ko:
        out.append(f"Toutes les compétences requises ({row.nb_requis}), valides et au niveau")
    else:
        held = len(row.competences_ok)
        out.append(
            f"Compétences requises : {held} sur {row.nb_requis} ; manque "
            + ", ".join(_french_levels(k) for k in row.competences_ko)
        )
    dispo = DISPO_LABELS.get(row.disponibilite, row.disponibilite)
    out.append(f"Disponibilité : {dispo}")
    if row.meme_zone:
        out.append(f"Zone {row.zone_geographique} : même ville que le client ({ville})")
    elif row.zone_geographique:
        out.append(f"Zone {row.zone_geographique}, client à {ville or 'ville inconnue'}")
    else:
        out.append("Zone géographique non renseignée")
    n = int(row.charge)
    out.append(
        "Aucune intervention ouverte" if n == 0 else f"{n} intervention(s) ouverte(s) en cours"
    )
    if row.absent:
        out.append("Absent à la date planifiée")
    elif row.chevauchement:
        out.append("Déjà occupé à la date planifiée")
    return out


def _french_levels(text_: str) -> str:
    for value, label in NIVEAU_LABELS.items():
        text_ = text_.replace(value, label.lower())
    return text_


def rank_technicians(
    *, session: Session, intervention_id: int, limit: int = 20
) -> list[RankedTechnician]:
    """The active technicians best suited to the intervention, best first (at most
    ``limit``), each with a score and its French reasons. An intervention the session's user
    may not see is "introuvable"."""
    iid = clean_id(intervention_id, field="intervention_id", label="Intervention")
    lim = clamp_int(limit, field="limit", label="Techniciens", low=1, high=200)
    head = session.execute(
        select(
            Intervention.id,
            Intervention.date_planifiee,
            Intervention.duree_estimee,
            Client.ville,
            Planning.date_fin.label("slot_fin"),
        )
        .join(Client, Client.id == Intervention.client_id)
        .outerjoin(Planning, Planning.intervention_id == Intervention.id)
        .where(Intervention.id == iid)
    ).first()
    if head is None:
        raise ServiceError("Intervention introuvable.", field="intervention_id", rule="not_found")
    win_start: datetime | None = head.date_planifiee
    win_end: datetime | None = None
    if win_start is not None and head.slot_fin is not None:
        win_end = head.slot_fin  # planned: its slot's period (date_planifiee is its start)
    elif win_start is not None:
        hours = head.duree_estimee if head.duree_estimee is not None else DEFAULT_WINDOW_HOURS
        win_end = win_start + timedelta(hours=float(hours))
    ville = (head.ville or "").strip()
    rows = session.execute(
        _RANK_SQL,
        {"iid": iid, "win_start": win_start, "win_end": win_end, "ville": ville, "lim": lim},
    ).all()
    return [
        RankedTechnician(
            technicien_id=r.id,
            nom=r.full_name,
            score=float(r.score),
            raisons=_reasons(r, ville),
            competences_ok=not r.competences_ko,
            disponible=r.disponibilite == "disponible",
            charge=int(r.charge),
            chevauchement=bool(r.chevauchement),
            meme_zone=bool(r.meme_zone),
            absent=bool(r.absent),
        )
        for r in rows
    ]


def assign(
    *,
    session: Session,
    actor: Actor,
    intervention_id: int,
    principal_id: int,
    assistant_ids: Sequence[int] = (),
    expected_updated_at: datetime | str | None = None,
) -> datetime:
    """Assign a principal technician and assistants (managers only); returns the new
    ``updated_at``. An ``ouverte`` intervention becomes ``affectee``.

    The intervention is locked (FOR UPDATE) and compared with ``expected_updated_at``: when
    another manager assigned it meanwhile, ``ConflictError`` and nothing is written.
    """
    if not is_manager(actor):
        raise ServiceError(
            "Seuls un administrateur ou un responsable maintenance affectent les interventions.",
            rule="role",
        )
    errors: dict[str, str] = {}
    principal: int | None = None
    try:
        principal = clean_id(principal_id, field="principal_id", label="Technicien principal")
    except ServiceError as exc:
        errors["principal_id"] = exc.message
    assistants: list[int] = []
    if isinstance(assistant_ids, str | bytes) or not isinstance(assistant_ids, Sequence):
        errors["assistant_ids"] = "Assistants : liste attendue."
    elif len(assistant_ids) > MAX_ASSISTANTS:
        errors["assistant_ids"] = f"Assistants : {MAX_ASSISTANTS} au maximum."
    else:
        try:
            for a in assistant_ids:
                aid = clean_id(a, field="assistant_ids", label="Assistant")
                if aid != principal and aid not in assistants:
                    assistants.append(aid)
        except ServiceError as exc:
            errors["assistant_ids"] = exc.message
    if errors:
        raise ValidationError(errors)
    assert principal is not None
    row = _locked(session, intervention_id)
    _check_version(row, expected_updated_at)
    if row.statut.value not in ("ouverte", "affectee", "en_cours", "en_attente"):
        raise ServiceError(
            "Une intervention clôturée, annulée ou archivée ne se réaffecte pas.",
            field="principal_id",
            rule="intervention_transition",
        )
    wanted = [principal, *assistants]
    active = set(
        session.scalars(
            select(Technicien.id)
            .join(User, User.id == Technicien.user_id)
            .where(Technicien.id.in_(wanted), User.is_active.is_(True))
        )
    )
    if principal not in active:
        raise ValidationError({"principal_id": "Technicien principal : inconnu ou inactif."})
    if set(assistants) - active:
        raise ValidationError({"assistant_ids": "Assistants : technicien inconnu ou inactif."})
    values: dict[str, Any] = {"technicien_id": principal}
    if row.statut == StatutIntervention.ouverte:
        values["statut"] = StatutIntervention.affectee
    it = InterventionTechnicien
    with session.begin_nested():
        new = session.execute(
            update(Intervention)
            .where(Intervention.id == row.id)
            .values(**values)
            .returning(Intervention.updated_at)
        ).scalar_one()
        # Assistants: those no longer wanted go, the new ones come (the principal's row is
        # the trigger's).
        session.execute(
            delete(it).where(
                it.intervention_id == row.id,
                it.role == RoleIntervenant.assistant,
                it.technicien_id.not_in(assistants or [0]),
            )
        )
        have = set(session.scalars(select(it.technicien_id).where(it.intervention_id == row.id)))
        new_rows = [
            {"intervention_id": row.id, "technicien_id": a, "role": RoleIntervenant.assistant}
            for a in assistants
            if a not in have
        ]
        if new_rows:
            session.execute(insert(it), new_rows)
    return new
